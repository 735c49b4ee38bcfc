import * as path from 'node:path';
import type { AgentEvent, ResultEvent, RunStatus, ToolKind, UsageTotals } from '../agentEvents';
import { truncateOutput } from '../agentEvents';
import { num, obj, str } from '../cliAdapter';

/**
 * Maps ACP `session/update` notifications onto the normalized event union. Pure apart from `AcpParseState`,
 * so unit tests feed it updates directly. Everything the agent sends is untrusted: every field is read
 * defensively, and an update kind this version does not know is ignored (ACP adds kinds over time).
 */

/** What one ACP session has told us so far. */
export interface AcpParseState {
  runId: string;
  worktree: string;
  /** Tool calls by id: the first update creates one, later updates merge into it. */
  tools: Map<string, { title: string; kind: ToolKind; done: boolean; paths?: string[] }>;
  /** Agent text since the last tool call: the run's final text. */
  textRun: string;
  usage: UsageTotals;
  /** Tools the permission policy refused (the result is `denied` when the turn still ends well). */
  deniedTools: string[];
}

export function createAcpParseState(runId: string, worktree: string): AcpParseState {
  return { runId, worktree, tools: new Map(), textRun: '', usage: {}, deniedTools: [] };
}

/** ACP tool kinds (`read, edit, delete, move, search, execute, think, fetch, switch_mode, other`) to ours. */
export function acpToolKind(kind: unknown): ToolKind {
  switch (kind) {
    case 'read':
      return 'read';
    case 'edit':
    case 'delete':
    case 'move':
      return 'edit';
    case 'search':
      return 'search';
    case 'execute':
      return 'shell';
    case 'think':
      return 'think';
    case 'fetch':
      return 'fetch';
    default:
      return 'other';
  }
}

/**
 * The command line of an `execute` tool call: from the argument names agents use, else its title (Gemini CLI
 * sends no `rawInput` and titles the call with the command itself). Both come from the agent alike; a title
 * that is prose ("Run tests") is no allowed command, so the fallback can only refuse more.
 */
export function acpCommand(toolCall: Record<string, unknown>): string | undefined {
  const input = obj(toolCall.rawInput);
  const cmd = input?.command ?? input?.cmd;
  if (typeof cmd === 'string') return cmd;
  if (Array.isArray(cmd) && cmd.every((a) => typeof a === 'string')) return cmd.join(' ');
  return toolCall.kind === 'execute' ? str(toolCall.title) : undefined;
}

/** Every path a tool call names: its `locations`, its diffs, and the usual argument names of `rawInput`. */
export function acpPaths(toolCall: Record<string, unknown>, worktree: string): string[] | undefined {
  const paths: string[] = [];
  for (const loc of Array.isArray(toolCall.locations) ? toolCall.locations : []) {
    const p = str(obj(loc)?.path);
    if (p) paths.push(p);
  }
  for (const c of Array.isArray(toolCall.content) ? toolCall.content : []) {
    const o = obj(c);
    if (o?.type === 'diff' && str(o.path)) paths.push(o.path as string);
  }
  const input = obj(toolCall.rawInput);
  for (const k of ['file_path', 'path', 'absolute_path', 'notebook_path']) {
    const p = str(input?.[k]);
    if (p) paths.push(p);
  }
  const abs = [...new Set(paths.map((p) => path.resolve(worktree, p)))];
  return abs.length ? abs : undefined;
}

/** The text of a content block list (tool output, message chunks); non-text blocks are skipped. */
function contentText(content: unknown): string | undefined {
  const blocks = Array.isArray(content) ? content : [content];
  const parts: string[] = [];
  for (const b of blocks) {
    const o = obj(b);
    if (!o) continue;
    // Tool call content wraps a content block: `{type: "content", content: {type: "text", text}}`.
    const inner = o.type === 'content' ? obj(o.content) : o;
    const t = inner?.type === 'text' ? str(inner.text) : undefined;
    if (t !== undefined) parts.push(t);
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** `{type: "diff", path, oldText?, newText}` items become file changes once their tool call completed. */
function diffChanges(runId: string, content: unknown, worktree: string, raw: unknown): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const c of Array.isArray(content) ? content : []) {
    const o = obj(c);
    const p = str(o?.path);
    if (o?.type !== 'diff' || !p) continue;
    const change = o.oldText === undefined || o.oldText === null ? 'add' : 'update';
    events.push({ t: 'file_change', runId, path: path.resolve(worktree, p), change, raw });
  }
  return events;
}

/** The events one `session/update` notification's `update` object stands for. */
export function mapSessionUpdate(update: unknown, s: AcpParseState): AgentEvent[] {
  const u = obj(update);
  if (!u) return [];
  const runId = s.runId;
  switch (u.sessionUpdate) {
    case 'agent_message_chunk': {
      const text = contentText(u.content);
      if (text === undefined) return [];
      s.textRun += text;
      return [{ t: 'text', runId, text, delta: true, raw: u }];
    }
    case 'agent_thought_chunk': {
      const text = contentText(u.content);
      return text === undefined ? [] : [{ t: 'thinking', runId, text, raw: u }];
    }
    case 'tool_call':
    case 'tool_call_update':
      return toolEvents(u, s);
    case 'plan': {
      // The agent sends the complete plan every time; the card replaces its copy.
      const entries = Array.isArray(u.entries) ? u.entries : [];
      const items = entries.map((e) => ({ text: str(obj(e)?.content) ?? '', done: obj(e)?.status === 'completed' }));
      return [{ t: 'plan', runId, items, raw: u }];
    }
    case 'usage_update': {
      const cost = obj(u.cost);
      const amount = num(cost?.amount);
      if (amount !== undefined && cost?.currency === 'USD') s.usage.costUsd = amount;
      const used = num(u.used);
      return [{ t: 'usage', runId, ...s.usage, contextTokens: used, contextWindow: num(u.size), raw: u }];
    }
    case 'notice': {
      const title = str(u.title) ?? 'notice';
      const description = str(u.description);
      const level = u.severity === 'error' || u.severity === 'warning' ? 'warn' : 'info';
      return [{ t: 'notice', runId, level, message: description ? `${title}: ${description}` : title, raw: u }];
    }
    default:
      // user_message_chunk (history replay), modes, commands, config options, titles, compaction, and kinds
      // newer than this client: nothing the run's record needs.
      return [];
  }
}

/** The tool calls and results one `tool_call`/`tool_call_update` (or a permission request's call) stands for. */
export function toolEvents(u: Record<string, unknown>, s: AcpParseState): AgentEvent[] {
  const runId = s.runId;
  const callId = str(u.toolCallId) ?? '';
  const events: AgentEvent[] = [];
  let call = s.tools.get(callId);
  if (!call) {
    // A `tool_call`, or (ACP v2 style) a `tool_call_update` for a call never announced.
    s.textRun = '';
    call = { title: str(u.title) ?? 'tool', kind: acpToolKind(u.kind), done: false, paths: acpPaths(u, s.worktree) };
    s.tools.set(callId, call);
    events.push({
      t: 'tool_call',
      runId,
      callId,
      name: call.title,
      kind: call.kind,
      input: u.rawInput,
      command: call.kind === 'shell' ? acpCommand(u) : undefined,
      paths: call.paths,
      raw: u,
    });
  } else {
    if (str(u.title)) call.title = u.title as string;
    if (u.kind !== undefined && u.kind !== null) call.kind = acpToolKind(u.kind);
  }
  if (!call.done && (u.status === 'completed' || u.status === 'failed')) {
    call.done = true;
    const ok = u.status === 'completed';
    events.push({
      t: 'tool_result',
      runId,
      callId,
      ok,
      output: truncateOutput(contentText(u.content) ?? rawOutputText(u.rawOutput)),
      raw: truncatedRaw(u),
    });
    if (ok) events.push(...diffChanges(runId, u.content, s.worktree, undefined));
  }
  return events;
}

function rawOutputText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  const o = obj(raw);
  return str(o?.output) ?? str(o?.stdout) ?? str(o?.content);
}

/** The raw update kept in the event, without the (possibly huge) content and output. */
function truncatedRaw(u: Record<string, unknown>): unknown {
  const { content: _content, rawOutput: _rawOutput, ...rest } = u;
  return rest;
}

/** The run's single result from the prompt turn's `stopReason`. */
export function resultFromStopReason(
  stopReason: unknown,
  s: AcpParseState,
  base: Pick<ResultEvent, 'durationMs' | 'sessionId' | 'exitCode' | 'signal'>,
): ResultEvent {
  const statusOf: Record<string, RunStatus> = {
    end_turn: 'success',
    max_tokens: 'error',
    max_turn_requests: 'max_turns',
    refusal: 'error',
    cancelled: 'cancelled',
  };
  let status: RunStatus = statusOf[String(stopReason)] ?? 'error';
  const denied = [...new Set(s.deniedTools)];
  if (status === 'success' && denied.length) status = 'denied';
  const errorMessage =
    status === 'denied'
      ? `permission denied for: ${denied.join(', ')}`
      : status === 'success'
        ? undefined
        : `the agent stopped: ${String(stopReason)}`;
  return {
    t: 'result',
    runId: s.runId,
    status,
    text: s.textRun || undefined,
    ...base,
    usage: Object.keys(s.usage).length ? { ...s.usage } : undefined,
    deniedTools: denied.length ? denied : undefined,
    errorMessage,
  };
}
