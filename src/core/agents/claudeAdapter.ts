import type { StartRequest } from './agentBackend';
import type { AgentEvent, RunStatus } from './agentEvents';
import { truncateOutput } from './agentEvents';
import { buildAgentEnv } from './agentEnv';
import { apiErrorKind } from './agentFailure';
import {
  finalizeFromState,
  num,
  obj,
  str,
  type BaseParseState,
  type CliAdapter,
  type ExitInfo,
  type Invocation,
  type InvocationContext,
} from './cliAdapter';
import { parseJsonLine } from './lineSplitter';
import { toolKind, toolPaths } from './toolKinds';
import { assertSafeModelName } from './modelName';
import { assertSafeSessionId } from './sessionId';
import { shownValue } from './shownValue';
import { confirmSession, startSessionId, type SessionConfirmation } from './confirmedSession';

/** Settings of the Claude Code back-end that are not per run. */
export interface ClaudeAdapterOptions {
  /** `claude` on PATH by default. */
  binary?: string;
  /** Added after the built flags: the escape hatch for flags that change between releases. */
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/**
 * Host variables Claude Code may inherit (keys, provider switches, and the user's own config folder when they
 * moved it); everything else stays behind.
 */
export const CLAUDE_ENV_ALLOW = [
  'CLAUDE_CONFIG_DIR',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_MODEL',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'AWS_REGION',
  'AWS_PROFILE',
  'CLOUD_ML_REGION',
  'ANTHROPIC_VERTEX_PROJECT_ID',
];

interface ClaudeState extends BaseParseState, SessionConfirmation {
  usageByMessage: Map<string, { in: number; out: number; cache: number }>;
}

/** Claude Code CLI (`claude -p --output-format stream-json --verbose`), agent-backends.md §2.1. */
export class ClaudeAdapter implements CliAdapter<ClaudeState> {
  readonly backend = 'claude-cli' as const;
  readonly envAllow = CLAUDE_ENV_ALLOW;

  constructor(private readonly opts: ClaudeAdapterOptions = {}) {}

  buildInvocation(req: StartRequest, ctx: InvocationContext): Invocation {
    // The prompt goes through stdin, so a prompt starting with "-" can never be read as a flag.
    // Only the user's own settings and no MCP servers: a repository's .claude/settings.json (hooks, MCP
    // commands) must never run; `-p` skips the trust dialog that would otherwise ask (ISSUE18 finding 5).
    const args = [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--setting-sources',
      'user',
      '--strict-mcp-config',
    ];
    // Session ids are checked (never "-"-led) so that they stay values of their flags.
    if (req.resumeSessionId) args.push('--resume', assertSafeSessionId(req.resumeSessionId));
    else if (req.sessionId) args.push('--session-id', assertSafeSessionId(req.sessionId));
    if (req.model) args.push('--model', assertSafeModelName(req.model));
    if (req.appendSystemPrompt) args.push('--append-system-prompt', req.appendSystemPrompt);
    if (req.limits?.maxTurns) args.push('--max-turns', String(req.limits.maxTurns));
    if (req.limits?.maxBudgetUsd) args.push('--max-budget-usd', String(req.limits.maxBudgetUsd));
    for (const d of req.extraDirs ?? []) args.push('--add-dir', d);
    const p = req.permissions;
    let bypass = false;
    switch (p.mode) {
      case 'read-only':
        args.push('--permission-mode', 'plan');
        break;
      case 'edit':
      case 'ask': // headless claude cannot ask; everything beyond edits is denied and reported
        args.push('--permission-mode', 'acceptEdits');
        break;
      case 'edit+commands':
        // Trap: acceptEdits does not cover Bash, and -p cannot prompt, so commands need explicit rules.
        args.push('--permission-mode', 'acceptEdits');
        if (p.allow.length) args.push('--allowedTools', ...p.allow.flatMap((c) => [`Bash(${c})`, `Bash(${c} *)`]));
        break;
      case 'full':
        args.push('--permission-mode', 'bypassPermissions');
        bypass = true;
        break;
    }
    args.push(...(this.opts.extraArgs ?? []));
    const ep = req.endpoint;
    const keyVar = ep?.apiKeyEnv ?? 'ANTHROPIC_API_KEY';
    const env = buildAgentEnv(ctx.sourceEnv, this.envAllow, {
      ...(ep?.baseUrl ? { ANTHROPIC_BASE_URL: ep.baseUrl } : {}),
      // A configured key replaces whatever the host has, under exactly one of the two names.
      ...(ep?.apiKey ? { ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: undefined, [keyVar]: ep.apiKey } : {}),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      // bypassPermissions refuses to run as root unless told it is sandboxed.
      ...(bypass && ctx.isRoot ? { IS_SANDBOX: '1' } : {}),
      ...this.opts.extraEnv,
      ...req.env,
    });
    return {
      command: this.opts.binary ?? 'claude',
      args,
      env,
      cwd: req.worktree,
      files: [],
      stdin: { text: req.prompt },
      softSignal: 'SIGINT',
    };
  }

  createState(runId: string, req: StartRequest): ClaudeState {
    return {
      runId,
      worktree: req.worktree,
      usage: {},
      deniedTools: [],
      usageByMessage: new Map(),
      sessionId: req.resumeSessionId ?? req.sessionId,
      sessionUnconfirmed: !req.resumeSessionId,
    };
  }

  parseLine(line: string, s: ClaudeState): AgentEvent[] {
    if (!line.trim()) return [];
    const o = parseJsonLine(line);
    const runId = s.runId;
    if (!o) return [{ t: 'notice', runId, level: 'warn', message: 'malformed line from claude', raw: line }];
    switch (o.type) {
      case 'system':
        return this.system(o, s);
      case 'assistant':
        return this.assistant(o, s);
      case 'user':
        return this.user(o, s);
      case 'result':
        return this.result(o, s);
      case 'stream_event':
      case 'rate_limit_event':
        return [];
      default:
        return [
          { t: 'notice', runId, level: 'info', message: `unrecognized claude event '${shownValue(o.type)}'`, raw: o },
        ];
    }
  }

  private system(o: Record<string, unknown>, s: ClaudeState): AgentEvent[] {
    const runId = s.runId;
    switch (o.subtype) {
      case 'init':
        s.sessionId = str(o.session_id) ?? s.sessionId;
        s.model = str(o.model);
        return [
          {
            t: 'session',
            runId,
            backend: this.backend,
            sessionId: startSessionId(s),
            model: s.model,
            version: str(o.claude_code_version),
            raw: o,
          },
        ];
      case 'api_retry': {
        const status = num(o.error_status);
        const message = `API error ${shownValue(o.error_status ?? '')} (${shownValue(o.error ?? 'unknown')})`;
        s.lastApiError = { status, message };
        // Claude retries a refused login ten times over minutes; no retry can fix it.
        if (apiErrorKind(status, shownValue(o.error ?? '')) === 'auth')
          s.fatal ??= { kind: 'auth', message: `${message}: the login or API key was refused` };
        return [
          {
            t: 'notice',
            runId,
            level: 'retry',
            message: `${message}, retry ${shownValue(o.attempt)}/${shownValue(o.max_retries)}`,
            raw: o,
          },
        ];
      }
      case 'permission_denied': {
        const tool = str(o.tool_name) ?? 'unknown';
        s.deniedTools.push(tool);
        return [
          {
            t: 'permission',
            runId,
            callId: str(o.tool_use_id),
            tool,
            input: undefined,
            decision: 'denied',
            reason: str(o.message),
            raw: o,
          },
        ];
      }
      case 'status':
        return [];
      default:
        return [
          { t: 'notice', runId, level: 'info', message: `claude system event '${shownValue(o.subtype)}'`, raw: o },
        ];
    }
  }

  private assistant(o: Record<string, unknown>, s: ClaudeState): AgentEvent[] {
    const runId = s.runId;
    const msg = obj(o.message) ?? {};
    const subagent = str(o.parent_tool_use_id);
    const events: AgentEvent[] = confirmSession(s, runId, this.backend);
    for (const b of Array.isArray(msg.content) ? msg.content : []) {
      const block = obj(b) ?? {};
      if (block.type === 'text' && typeof block.text === 'string') {
        if (!subagent) s.lastText = block.text;
        events.push({ t: 'text', runId, text: block.text, delta: false, subagent, raw: o });
      } else if (block.type === 'thinking') {
        events.push({ t: 'thinking', runId, text: str(block.thinking) ?? '', raw: o });
      } else if (block.type === 'tool_use') {
        const name = str(block.name) ?? 'unknown';
        const input = block.input;
        const i = obj(input);
        events.push({
          t: 'tool_call',
          runId,
          callId: str(block.id) ?? '',
          name,
          kind: toolKind(name),
          input,
          command: name === 'Bash' ? str(i?.command) : undefined,
          paths: toolPaths(input),
          raw: o,
        });
        if (name === 'TodoWrite' && Array.isArray(i?.todos)) {
          events.push({
            t: 'plan',
            runId,
            items: i.todos.map((td) => ({ text: str(obj(td)?.content) ?? '', done: obj(td)?.status === 'completed' })),
            raw: o,
          });
        }
      }
    }
    // Each content block arrives on its own line with the same message id and usage: count a message once.
    const id = str(msg.id);
    const u = obj(msg.usage);
    if (id && u && !subagent) {
      s.usageByMessage.set(id, {
        in: num(u.input_tokens) ?? 0,
        out: num(u.output_tokens) ?? 0,
        cache: num(u.cache_read_input_tokens) ?? 0,
      });
      let inT = 0,
        outT = 0,
        cache = 0;
      for (const v of s.usageByMessage.values()) {
        inT += v.in;
        outT += v.out;
        cache += v.cache;
      }
      if (inT !== s.usage.inputTokens || outT !== s.usage.outputTokens) {
        s.usage = { ...s.usage, inputTokens: inT, outputTokens: outT, cacheReadTokens: cache };
        events.push({ t: 'usage', runId, ...s.usage });
      }
    }
    return events;
  }

  private user(o: Record<string, unknown>, s: ClaudeState): AgentEvent[] {
    const runId = s.runId;
    const msg = obj(o.message) ?? {};
    const events: AgentEvent[] = [];
    for (const b of Array.isArray(msg.content) ? msg.content : []) {
      const block = obj(b) ?? {};
      if (block.type !== 'tool_result') continue;
      const ok = block.is_error !== true;
      events.push({
        t: 'tool_result',
        runId,
        callId: str(block.tool_use_id) ?? '',
        ok,
        output: truncateOutput(contentText(block.content)),
        raw: o,
      });
    }
    // The structured result says what changed without parsing text.
    const r = obj(o.tool_use_result);
    const filePath = str(r?.filePath);
    if (r && filePath && (r.type === 'create' || r.type === 'update' || 'structuredPatch' in r || 'oldString' in r)) {
      events.push({ t: 'file_change', runId, path: filePath, change: r.type === 'create' ? 'add' : 'update', raw: r });
    }
    return events;
  }

  private result(o: Record<string, unknown>, s: ClaudeState): AgentEvent[] {
    s.sessionId = str(o.session_id) ?? s.sessionId;
    s.turns = num(o.num_turns);
    for (const d of Array.isArray(o.permission_denials) ? o.permission_denials : []) {
      const tool = str(obj(d)?.tool_name);
      if (tool) s.deniedTools.push(tool);
    }
    const u = obj(o.usage);
    s.usage = {
      inputTokens: num(u?.input_tokens) ?? s.usage.inputTokens,
      outputTokens: num(u?.output_tokens) ?? s.usage.outputTokens,
      cacheReadTokens: num(u?.cache_read_input_tokens) ?? s.usage.cacheReadTokens,
      costUsd: num(o.total_cost_usd),
    };
    // Branch on is_error, never on subtype: API failures come as subtype "success" (agent-backends.md §2.1).
    let status: RunStatus;
    if (o.subtype === 'error_max_turns') status = 'max_turns';
    else if (o.subtype === 'error_max_budget_usd') status = 'budget';
    else if (o.is_error === true || o.subtype === 'error_during_execution') status = 'error';
    else status = 'success';
    const text = str(o.result);
    const errorMessage =
      status === 'success'
        ? undefined
        : o.api_error_status
          ? `API error ${shownValue(o.api_error_status)}: ${text ?? ''}`.trim()
          : (text ?? shownValue(o.subtype));
    const errorKind =
      status === 'error'
        ? apiErrorKind(num(o.api_error_status), `${text ?? ''} ${shownValue(o.error ?? '')}`)
        : undefined;
    s.native = { status, text, errorMessage, errorKind, raw: o };
    return [{ t: 'usage', runId: s.runId, ...s.usage, raw: undefined }];
  }

  finalize(exit: ExitInfo, s: ClaudeState): ReturnType<typeof finalizeFromState> {
    return finalizeFromState(exit, s);
  }
}

function contentText(c: unknown): string | undefined {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => str(obj(x)?.text) ?? '').join('');
  return undefined;
}
