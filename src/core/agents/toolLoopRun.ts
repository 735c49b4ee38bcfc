import { randomUUID } from 'node:crypto';
import type { AgentRun, BackendCapabilities, BackendId, StartRequest } from './agentBackend';
import type { AgentHost } from './agentHost';
import { truncateOutput, type ResultEvent, type RunStatus, type UsageTotals } from './agentEvents';
import type { ChatMessage, ChatModel, ChatToolCall } from './chatModel';
import { LoopSessionStore } from './loopSessionStore';
import { MessageQueue, undeliveredNotice, type MessageOutcome, type MessageTaker } from './agentMessages';
import { RunEventChannel } from './runEventChannel';
import { WORKSPACE_TOOL_SPECS, WorkspaceTools, workspaceToolKind } from './workspaceTools';

/** Knobs of the in-house loop. */
/**
 * What a back-end driven by our own tool loop can do, whatever model answers (an OpenAI-compatible endpoint, a
 * VS Code language model): the loop keeps the conversation (resume), stops between steps (soft interrupt) and
 * asks our permission policy before each tool; it reports no cost and has no OS sandbox of its own.
 */
export const TOOL_LOOP_CAPABILITIES: BackendCapabilities = {
  resume: true,
  followUp: false,
  softInterrupt: true,
  permissionCallback: true,
  reportsCost: false,
  osSandbox: false,
};

export interface ToolLoopOptions {
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  commandTimeoutMs?: number;
  /** Used when the request sets no `limits.maxTurns`; a loop must always end. */
  defaultMaxTurns?: number;
  /** Where the tool commands run (default the local host). */
  host?: AgentHost;
}

/**
 * Runs the in-house agent loop (agent-backends.md §2.6/§2.7) as an `AgentRun`: stream a reply, run the tool
 * calls through `WorkspaceTools` under the permission policy, send the results back, repeat until a reply
 * has no tool calls. Serves every `ChatModel` (OpenAI-compatible endpoints, `vscode.lm`).
 */
export function startToolLoopRun(
  backend: BackendId,
  model: ChatModel,
  req: StartRequest,
  opts: ToolLoopOptions = {},
): AgentRun {
  return new ToolLoopRun(backend, model, req, opts);
}

class ToolLoopRun implements AgentRun, MessageTaker {
  readonly runId: string;
  readonly pid = undefined;
  private readonly channel = new RunEventChannel();
  readonly events = this.channel.events;
  readonly onEvent = this.channel.onEvent;
  readonly sessionId = this.channel.sessionId;
  readonly finished: Promise<ResultEvent> = this.channel.finished;
  private readonly abort = new AbortController();
  private stoppedBy: { status: RunStatus; message: string } | undefined;
  private readonly startedAt = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private wallTimer: NodeJS.Timeout | undefined;
  /** A person's messages: appended to the conversation before the next model call. */
  private readonly told = new MessageQueue(
    () => !this.stoppedBy && !this.channel.isEnded,
    (text, at) => this.channel.push({ t: 'user_message', runId: this.runId, text, at }),
  );

  constructor(
    readonly backend: BackendId,
    private readonly model: ChatModel,
    private readonly req: StartRequest,
    private readonly opts: ToolLoopOptions,
  ) {
    this.runId = req.runId ?? randomUUID();
    const wall = req.limits?.wallClockMs;
    if (wall) this.wallTimer = setTimeout(() => this.stop('timeout', `wall-clock limit of ${wall} ms reached`), wall);
    this.touch();
    void this.loop();
  }

  sendMessage(text: string): MessageOutcome {
    return this.told.sendMessage(text);
  }

  async cancel(o: { graceMs?: number; reason?: string } = {}): Promise<void> {
    this.stop('cancelled', o.reason ?? 'cancelled');
    await this.finished;
  }

  private stop(status: RunStatus, message: string): void {
    if (this.channel.isEnded) return;
    this.stoppedBy ??= { status, message };
    // Aborting ends the fetch and tree-kills a running command (WorkspaceTools listens to the signal).
    this.abort.abort();
  }

  private touch(): void {
    const idle = this.req.limits?.idleMs;
    if (!idle) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('timeout', `no output for ${idle} ms (idle timeout)`), idle);
  }

  private async loop(): Promise<void> {
    const runId = this.runId;
    const req = this.req;
    const sessionId = req.resumeSessionId ?? req.sessionId ?? randomUUID();
    const store = req.stateDir ? new LoopSessionStore(req.stateDir) : undefined;
    const usage: UsageTotals = {};
    const denied: string[] = [];
    let turns = 0;
    let lastText: string | undefined;
    const end = (status: RunStatus, extra: Partial<ResultEvent> = {}) => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (this.wallTimer) clearTimeout(this.wallTimer);
      const lost = this.told.drop();
      if (lost)
        push({ t: 'notice', runId, level: 'warn', message: undeliveredNotice(lost, `the run ended ${status}`) });
      const final: RunStatus = status === 'success' && denied.length ? 'denied' : status;
      this.channel.push({
        t: 'result',
        runId,
        status: final,
        sessionId,
        turns,
        text: lastText,
        durationMs: Date.now() - this.startedAt,
        usage: usage.inputTokens !== undefined || usage.outputTokens !== undefined ? { ...usage } : undefined,
        deniedTools: denied.length ? [...new Set(denied)] : undefined,
        errorMessage:
          final === 'denied' && !extra.errorMessage
            ? `permission denied for: ${[...new Set(denied)].join(', ')}`
            : undefined,
        ...extra,
      });
    };
    const push = (e: Parameters<RunEventChannel['push']>[0]) => {
      this.touch();
      this.channel.push(e);
    };
    let messages: ChatMessage[] = [];
    try {
      const tools = new WorkspaceTools({
        worktree: req.worktree,
        policy: req.permissions,
        sourceEnv: this.opts.sourceEnv,
        commandTimeoutMs: this.opts.commandTimeoutMs,
        extraRoots: req.extraDirs,
        cpuPriority: req.cpuPriority,
        host: this.opts.host,
      });
      const history = req.resumeSessionId ? store?.load(req.resumeSessionId) : undefined;
      if (req.resumeSessionId && !history)
        throw new Error(
          `no saved conversation for session ${req.resumeSessionId}${store ? '' : ' (no stateDir given)'}`,
        );
      messages = history ?? (req.appendSystemPrompt ? [{ role: 'system', content: req.appendSystemPrompt }] : []);
      messages.push({ role: 'user', content: req.prompt });
      push({ t: 'session', runId, backend: this.backend, sessionId, model: this.model.modelId });
      const maxTurns = req.limits?.maxTurns ?? this.opts.defaultMaxTurns ?? 50;
      for (;;) {
        if (turns >= maxTurns) return end('max_turns', { errorMessage: `stopped after ${maxTurns} model turns` });
        turns++;
        const told = this.told.take();
        if (told !== undefined) messages.push({ role: 'user', content: told });
        let text = '';
        const calls: ChatToolCall[] = [];
        for await (const part of this.model.stream(messages, WORKSPACE_TOOL_SPECS, this.abort.signal)) {
          if (part.type === 'text') {
            text += part.text;
            push({ t: 'text', runId, text: part.text, delta: true });
          } else if (part.type === 'thinking') push({ t: 'thinking', runId, text: part.text });
          else if (part.type === 'tool_call') calls.push(part.call);
          else {
            usage.inputTokens = (usage.inputTokens ?? 0) + (part.inputTokens ?? 0);
            usage.outputTokens = (usage.outputTokens ?? 0) + (part.outputTokens ?? 0);
            push({ t: 'usage', runId, ...usage });
          }
        }
        if (text) lastText = text;
        messages.push({ role: 'assistant', content: text, ...(calls.length ? { toolCalls: calls } : {}) });
        store?.save(sessionId, messages);
        if (!calls.length && !this.told.size) return end('success');
        for (const call of calls) {
          const input = call.input ?? call.rawArguments;
          const command =
            call.name === 'run_command' && typeof call.input?.command === 'string' ? call.input.command : undefined;
          const paths = typeof call.input?.path === 'string' ? [call.input.path] : undefined;
          push({
            t: 'tool_call',
            runId,
            callId: call.callId,
            name: call.name,
            kind: workspaceToolKind(call.name),
            input,
            command,
            paths,
          });
          const outcome = await tools.execute(call, this.abort.signal);
          if (outcome.denied) {
            denied.push(call.name);
            push({
              t: 'permission',
              runId,
              callId: call.callId,
              tool: call.name,
              input,
              decision: 'denied',
              reason: outcome.denied.reason,
            });
          } else if (outcome.allowedByPolicy) {
            push({ t: 'permission', runId, callId: call.callId, tool: call.name, input, decision: 'allowed' });
          }
          push({
            t: 'tool_result',
            runId,
            callId: call.callId,
            ok: outcome.ok,
            output: truncateOutput(outcome.output),
            exitCode: outcome.exitCode,
          });
          if (outcome.fileChange) push({ t: 'file_change', runId, ...outcome.fileChange });
          messages.push({ role: 'tool', callId: call.callId, name: call.name, content: outcome.output });
          store?.save(sessionId, messages);
          if (this.abort.signal.aborted) break;
        }
        if (this.abort.signal.aborted) throw new Error('aborted');
      }
    } catch (err) {
      if (this.stoppedBy) return end(this.stoppedBy.status, { errorMessage: this.stoppedBy.message });
      return end('error', { errorMessage: (err as Error).message });
    }
  }
}
