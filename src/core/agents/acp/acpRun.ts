import { RunLimitTimers } from '../runLimits';
import * as acp from '@agentclientprotocol/sdk';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentRun, StartRequest } from '../agentBackend';
import type { AgentEvent, ResultEvent, RunStatus } from '../agentEvents';
import { buildAgentEnv } from '../agentEnv';
import type { AgentHost, AgentProcess, AgentSandboxPaths, ProcessExit, ProcessIdentity } from '../agentHost';
import { num, obj, type InvocationFile } from '../cliAdapter';
import { LineSplitter, parseJsonLine } from '../lineSplitter';
import { localAgentHost } from '../localAgentHost';
import { ChannelRun } from '../channelRun';
import { assertSafeSessionId } from '../sessionId';
import { isOutsideGranted } from '../worktreePaths';
import { PRODUCT_VERSION } from '../../version';
import { createAcpParseState, mapSessionUpdate, resultFromStopReason, type AcpParseState } from './acpEvents';
import { AcpPermissionDesk } from './acpPermissionDesk';
import { policyDecider, type PermissionDecider } from './acpPermissions';
import { openAcpSession, rpcError } from './acpSessionOpen';
import { askingModeSwitch } from './acpSessionMode';
import { MessageQueue, undeliveredNotice, type MessageOutcome, type MessageTaker } from '../agentMessages';
import { promptTurns } from './acpFollowUps';
import { webReadableOf, webWritableOf } from './acpStreams';

/** The program of an ACP agent: an argument array, never a shell line. */
export interface AcpAgentCommand {
  command: string;
  args: readonly string[];
  /** Host variables the agent may inherit besides the base allow-list (its own key names). */
  envAllow?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Files the agent needs before it starts (its settings in its state folder); written with mode 0600. */
  files?: readonly InvocationFile[];
  /** Adjusts the final environment; the files it names are written like `files`. */
  fixEnv?: (env: Record<string, string>) => InvocationFile[];
  /** The folders a confining host lets it write. */
  sandbox?: AgentSandboxPaths;
}

/** Knobs of an ACP run; the defaults suit real use, tests shorten them. */
export interface AcpRunOptions {
  /** The back-end id events and results carry (`acp`, or `acp:<name>`). */
  backendId: string;
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** After `session/cancel`: how long the turn gets to end before the process tree is killed (default 5 s). */
  graceMs?: number;
  host?: AgentHost;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Who answers permission requests (default: the permission level, see acpPermissions.ts). */
  decider?: (req: StartRequest) => PermissionDecider;
  /** Why this agent cannot run at all (an unknown agent name): the run ends at once, crashed, saying so. */
  problem?: string;
}

type StopReason = { status: Extract<RunStatus, 'cancelled' | 'timeout'>; message: string };
type TurnOutcome = { kind: 'done'; response: unknown } | { kind: 'error'; error: unknown };

const STDERR_TAIL_LINES = 20;
/** After the process exited, how long the connection gets to deliver what the agent wrote last. */
const DRAIN_MS = 1500;
/** After the turn, how long the agent gets to exit by itself once its stdin is closed. */
const EXIT_AFTER_EOF_MS = 1000;
/** Lines up to this size are checked for being JSON, so a malformed one leaves a notice. */
const CHECKED_LINE_CHARS = 64 * 1024;
/** An agent that logs to stdout would otherwise fill the record with notices. */
const MAX_MALFORMED_NOTICES = 5;

/**
 * One prompt turn of an ACP agent (JSON-RPC over the agent's stdio): `initialize` without any client file
 * or terminal capability, `session/new` (or `session/resume` / `session/load`), `session/prompt`. Stop sends
 * `session/cancel`, answers pending permission requests `cancelled`, and kills the process tree after the
 * grace period. Always ends the event stream with exactly one `result`.
 */
export class AcpRun extends ChannelRun implements AgentRun, MessageTaker {
  readonly runId: string;
  readonly backend: string;

  private proc: AgentProcess | undefined;
  private readonly state: AcpParseState;
  private readonly desk: AcpPermissionDesk;
  private stoppedBy: StopReason | undefined;
  private cancelling: Promise<void> | undefined;
  private cancelAgent: (() => Promise<void>) | undefined;
  private turnSettled = false;
  /** While `session/load` replays the history, its updates are not this run's events. */
  private replaying = false;
  private acpSessionId: string | undefined;
  private readonly startedAt = Date.now();
  private readonly limitTimers: RunLimitTimers;
  private stderrTail: string[] = [];
  private malformedLines = 0;
  /** A person's messages, each sent as one more prompt turn once the current one ends (acpFollowUps.ts). */
  private readonly messages = new MessageQueue(
    () => !this.stoppedBy && !this.turnSettled && !this.channel.isEnded,
    (text, at) => this.push({ t: 'user_message', runId: this.runId, text, at }),
  );

  constructor(
    private readonly agent: AcpAgentCommand,
    private readonly req: StartRequest,
    private readonly opts: AcpRunOptions,
  ) {
    super();
    this.runId = req.runId ?? randomUUID();
    this.backend = opts.backendId;
    this.limitTimers = new RunLimitTimers(
      req.limits,
      (stop) => void this.stop(stop),
      () => !!this.stoppedBy || this.channel.isEnded,
    );
    this.state = createAcpParseState(this.runId, req.worktree);
    const roots = [req.worktree, ...(req.extraDirs ?? [])];
    this.desk = new AcpPermissionDesk(
      this.runId,
      this.state,
      (opts.decider ?? ((r) => policyDecider(r.permissions, roots, r.askPerson)))(req),
      (e) => this.push(e),
    );
    void this.run();
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async processIdentity(): Promise<ProcessIdentity | undefined> {
    while (!this.proc && !this.channel.isEnded) await delay(10);
    return this.proc?.identity();
  }

  sendMessage(text: string): MessageOutcome {
    return this.messages.sendMessage(text);
  }

  cancel(o: { graceMs?: number; reason?: string } = {}): Promise<void> {
    return this.stop({ status: 'cancelled', message: o.reason ?? 'cancelled' }, o.graceMs);
  }

  private stop(by: StopReason, graceMs = this.opts.graceMs ?? 5000): Promise<void> {
    if (this.channel.isEnded) return Promise.resolve();
    this.stoppedBy ??= by;
    this.cancelling ??= this.cancelTurn(graceMs);
    return this.cancelling.then(() => this.finished.then(() => undefined));
  }

  /** `session/cancel` first (the agent ends its turn and its tools), then the tree once the grace runs out. */
  private async cancelTurn(graceMs: number): Promise<void> {
    while (!this.proc && !this.channel.isEnded) await delay(10);
    this.desk.cancelAll();
    if (this.cancelAgent && !this.turnSettled) {
      await this.cancelAgent().catch(() => undefined);
      const deadline = Date.now() + graceMs;
      while (!this.turnSettled && !this.channel.isEnded && Date.now() < deadline) await delay(20);
    }
    if (!this.turnSettled) await this.proc?.killTree({ softSignal: 'SIGTERM', graceMs: Math.min(graceMs, 2000) });
  }

  private async run(): Promise<void> {
    try {
      if (this.opts.problem) return this.end(this.crashResult(this.opts.problem, null, null));
      // Checked before anything starts; the id only travels inside JSON, but it is the ledger's word.
      if (this.req.resumeSessionId !== undefined) assertSafeSessionId(this.req.resumeSessionId);
      const env = buildAgentEnv(this.opts.sourceEnv ?? process.env, this.agent.envAllow ?? [], {
        ...this.agent.env,
        ...this.req.env,
      });
      for (const f of [...(this.agent.files ?? []), ...(this.agent.fixEnv?.(env) ?? [])]) {
        await fs.promises.mkdir(path.dirname(f.path), { recursive: true });
        await fs.promises.writeFile(f.path, f.content, { mode: 0o600 });
      }
      if (this.stoppedBy) return this.end(this.stoppedResult());
      const proc = (this.opts.host ?? localAgentHost).launch({
        command: this.agent.command,
        args: this.agent.args,
        cwd: this.req.worktree,
        env,
        stdin: 'pipe',
        cpuPriority: this.req.cpuPriority,
        sandbox: this.agent.sandbox,
      });
      this.proc = proc;
      this.watchStderr(proc);
      this.limitTimers.arm();
      const lines = new LineSplitter((line) => this.onStdoutLine(line));
      const input = webReadableOf(proc.stdout, (c) => {
        this.limitTimers.touch();
        lines.push(c);
      });
      if (!proc.stdin) throw new Error('the agent process has no stdin');
      const stream = acp.ndJsonStream(webWritableOf(proc.stdin), input);
      const app = acp
        .client({ name: 'spectask' })
        .onRequest('session/request_permission', (ctx) => this.desk.answer(ctx.params, ctx.signal, this.stoppedBy))
        // Read raw and defensively. (The SDK's own session router drops an update kind newer than its schema,
        // logging only the method name; one that gets through unknown is ignored by the mapping.)
        .onNotification('*', (ctx) => {
          if (ctx.method === 'session/update') this.onUpdate(ctx.params);
        });
      const turn: Promise<TurnOutcome> = app
        .connectWith(stream, (ctx) => this.converse(ctx))
        .then(
          (response) => ({ kind: 'done' as const, response }),
          (error: unknown) => ({ kind: 'error' as const, error }),
        )
        .finally(() => (this.turnSettled = true));
      const first = await Promise.race([turn, proc.exited.then(() => undefined)]);
      // The agent exited first: what it wrote last may still be on its way through the connection.
      const outcome = first ?? (await Promise.race([turn, delay(DRAIN_MS).then(() => undefined)]));
      await this.shutdown(proc);
      const exit = await proc.exited;
      lines.end();
      this.end(this.resultOf(outcome, exit, first === undefined));
    } catch (err) {
      this.end(this.crashResult(`the ACP run failed: ${(err as Error).message}`, null, null));
    }
  }

  /** The conversation: handshake, session, one prompt turn. Its value is the prompt's response. */
  private async converse(ctx: acp.ClientContext): Promise<unknown> {
    const init = await ctx.request('initialize', {
      protocolVersion: acp.PROTOCOL_VERSION,
      // No fs/* and no terminal/*: the agent does its own file and command work, inside its sandbox.
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
      clientInfo: { name: 'spectask', version: PRODUCT_VERSION },
    });
    const caps = init.agentCapabilities;
    const cwd = this.req.worktree;
    const dirs = this.req.extraDirs?.length ? this.req.extraDirs : undefined;
    const extra = dirs && caps?.sessionCapabilities?.additionalDirectories ? { additionalDirectories: dirs } : {};
    if (dirs && !extra.additionalDirectories)
      this.notice('warn', 'the agent takes no additional directories: it may be unable to write its SpecTask folder');
    const { sessionId, opened } = await openAcpSession({
      ctx,
      caps,
      cwd,
      extra,
      resumeId: this.req.resumeSessionId,
      replaying: (on) => (this.replaying = on),
      notice: (level, message) => this.notice(level, message),
    });
    // In a mode where the agent decides alone (Claude Code's `auto`), the permission level would never be asked.
    const modeId = askingModeSwitch(opened);
    if (modeId) await ctx.request('session/set_mode', { sessionId, modeId });
    this.acpSessionId = sessionId;
    this.push({
      t: 'session',
      runId: this.runId,
      sessionId,
      backend: this.backend,
      version: init.agentInfo?.version,
      raw: { agentInfo: init.agentInfo, agentCapabilities: caps },
    });
    this.cancelAgent = () => ctx.notify('session/cancel', { sessionId });
    if (this.stoppedBy) return { stopReason: 'cancelled' };
    const text = this.req.appendSystemPrompt ? `${this.req.appendSystemPrompt}\n\n${this.req.prompt}` : this.req.prompt;
    const nextTurn = () => (this.state.textRun = '');
    return promptTurns(ctx, sessionId, text, this.messages, () => !!this.stoppedBy, nextTurn);
  }

  private onUpdate(params: unknown): void {
    this.limitTimers.touch();
    if (this.replaying) return;
    const p = obj(params);
    if (this.acpSessionId !== undefined && p?.sessionId !== this.acpSessionId) return;
    for (const e of mapSessionUpdate(p?.update, this.state)) this.push(e);
  }

  private push(e: AgentEvent): void {
    if (
      e.t === 'file_change' &&
      isOutsideGranted(this.req.worktree, [this.req.worktree, ...(this.req.extraDirs ?? [])], e.path)
    ) {
      this.channel.push({ ...e, outsideWorktree: true });
      return;
    }
    this.channel.push(e);
  }

  private notice(level: 'info' | 'warn', message: string, raw?: unknown): void {
    this.push({ t: 'notice', runId: this.runId, level, message, raw });
  }

  private onStdoutLine(line: string): void {
    this.opts.onStdoutLine?.(line);
    // The SDK answers a malformed line with a parse error and reads on; the record notes it.
    if (this.malformedLines >= MAX_MALFORMED_NOTICES || !line.trim() || line.length > CHECKED_LINE_CHARS) return;
    if (parseJsonLine(line)) return;
    this.malformedLines++;
    const more = this.malformedLines === MAX_MALFORMED_NOTICES ? ' (further ones are not noted)' : '';
    this.notice('warn', `malformed line from the agent (not JSON-RPC)${more}`, line.slice(0, 500));
  }

  private watchStderr(proc: AgentProcess): void {
    const split = new LineSplitter((line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail = this.stderrTail.slice(-STDERR_TAIL_LINES);
      this.opts.onStderrLine?.(line);
    });
    proc.stderr.on('data', (c: Buffer) => {
      this.limitTimers.touch();
      split.push(c);
    });
    proc.stderr.on('close', () => split.end());
  }

  /** Ends the agent process after the turn: EOF on stdin, a moment to exit, then the tree; then leftovers. */
  private async shutdown(proc: AgentProcess): Promise<void> {
    this.limitTimers.clear();
    proc.stdin?.end();
    const exitedAlone = await Promise.race([proc.exited.then(() => true), delay(EXIT_AFTER_EOF_MS).then(() => false)]);
    if (!exitedAlone) await proc.killTree({ softSignal: 'SIGTERM', graceMs: EXIT_AFTER_EOF_MS });
    await proc.killLeftovers();
  }

  /** `exitedFirst`: the process ended before the conversation did (a crash, unless we stopped it). */
  private resultOf(outcome: TurnOutcome | undefined, exit: ProcessExit, exitedFirst: boolean): ResultEvent {
    if (exit.error)
      return this.crashResult(
        exit.error.code === 'ENOENT'
          ? `agent binary not found: ${this.agent.command}`
          : `could not start ${this.agent.command}: ${exit.error.message}`,
        null,
        null,
      );
    if (this.stoppedBy) return this.stoppedResult(exit);
    if (outcome?.kind === 'done') {
      const response = obj(outcome.response);
      this.addTurnUsage(obj(response?.usage));
      return resultFromStopReason(response?.stopReason, this.state, this.resultBase(exit));
    }
    const rpc = outcome && rpcError(outcome.error);
    if (!exitedFirst) {
      // The agent answered with an error while it still ran: its verdict, not a crash.
      if (rpc) return { ...this.resultBase(exit), t: 'result', runId: this.runId, status: 'error', errorMessage: rpc };
      const why = outcome ? (outcome.error as Error)?.message : 'no answer';
      return this.crashResult(`the ACP conversation failed: ${why}`, exit.code, exit.signal);
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const why = rpc ?? (outcome ? (outcome.error as Error)?.message : undefined);
    return this.crashResult(`the agent ${how} before its turn ended${why ? ` (${why})` : ''}`, exit.code, exit.signal);
  }

  private resultBase(exit?: ProcessExit): Pick<ResultEvent, 'durationMs' | 'sessionId' | 'exitCode' | 'signal'> {
    return {
      durationMs: Date.now() - this.startedAt,
      sessionId: this.acpSessionId,
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
    };
  }

  private stoppedResult(exit?: ProcessExit): ResultEvent {
    const by = this.stoppedBy!;
    return {
      t: 'result',
      runId: this.runId,
      status: by.status,
      errorMessage: by.message,
      text: this.state.textRun || undefined,
      usage: Object.keys(this.state.usage).length ? { ...this.state.usage } : undefined,
      ...this.resultBase(exit),
    };
  }

  private crashResult(message: string, code: number | null, signal: string | null): ResultEvent {
    const tail = this.stderrTail.join('\n').trim();
    return {
      t: 'result',
      runId: this.runId,
      status: 'crashed',
      text: this.state.textRun || undefined,
      errorMessage: tail ? `${message}: ${tail}` : message,
      ...this.resultBase(),
      exitCode: code,
      signal,
    };
  }

  /** Token counts some agents put on the prompt response (`usage`, an unstable field). */
  private addTurnUsage(u: Record<string, unknown> | undefined): void {
    if (!u) return;
    const input = num(u.inputTokens);
    const output = num(u.outputTokens);
    const cached = num(u.cachedReadTokens);
    if (input !== undefined) this.state.usage.inputTokens = input;
    if (output !== undefined) this.state.usage.outputTokens = output;
    if (cached !== undefined) this.state.usage.cacheReadTokens = cached;
    if (input !== undefined || output !== undefined) this.push({ t: 'usage', runId: this.runId, ...this.state.usage });
  }

  private end(result: ResultEvent): void {
    this.limitTimers.clear();
    const lost = this.messages.drop();
    if (lost) this.notice('warn', undeliveredNotice(lost, `the run ended ${result.status}`));
    this.channel.push(result);
  }
}

/** The message of a JSON-RPC error the agent answered with; `undefined` for anything else. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
