import { RunLimitTimers } from './runLimits';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentRun, StartRequest } from './agentBackend';
import type { AgentEvent, ResultEvent } from './agentEvents';
import type { AgentHost, AgentProcess, ProcessExit, ProcessIdentity } from './agentHost';
import type { BaseParseState, CliAdapter, ExitInfo, InvocationContext } from './cliAdapter';
import { LineSplitter } from './lineSplitter';
import { localAgentHost } from './localAgentHost';
import { RunEventChannel } from './runEventChannel';
import { isOutsideGranted } from './worktreePaths';

/** Knobs of the shared runner; the defaults suit real use, tests shorten them. */
export interface CliRunOptions {
  /** The host environment the allow-list copies from (default `process.env`). */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** Between the soft interrupt and SIGKILL of the tree (default 5 s, agent-backends.md §4). */
  graceMs?: number;
  /** Called with every raw stdout line (fixture capture, debugging). */
  onStdoutLine?: (line: string) => void;
  /** Called with every raw stderr line (logging; stderr never carries events). */
  onStderrLine?: (line: string) => void;
  /** Extra async facts the invocation needs (git dirs); run before spawning. */
  prepare?: (req: StartRequest) => Promise<Partial<InvocationContext>>;
  /** Where the agent process runs (default the local host). */
  host?: AgentHost;
}

const STDERR_TAIL_LINES = 20;
/** A rejected command line prints its one-line error first, then pages of help the tail keeps instead. */
const STDERR_HEAD_LINES = 10;
/** After the process exits, orphans may still hold stdout open; stop waiting for it after this long. */
const STDOUT_DRAIN_MS = 1500;

/**
 * Starts a CLI back-end run: launches the adapter's invocation with an argument array on the agent host,
 * splits stdout into lines for the adapter, enforces the wall-clock and idle timeouts, and on cancel has the
 * host kill the whole process tree (soft interrupt, grace period, SIGKILL). Always ends the event stream with
 * exactly one `result`.
 */
export function startCliRun<S extends BaseParseState>(
  adapter: CliAdapter<S>,
  req: StartRequest,
  opts: CliRunOptions = {},
): AgentRun {
  return new CliRun(adapter, req, opts);
}

class CliRun<S extends BaseParseState> implements AgentRun {
  readonly runId: string;
  readonly backend;
  private readonly channel = new RunEventChannel();
  readonly events = this.channel.events;
  readonly onEvent = this.channel.onEvent;
  readonly sessionId = this.channel.sessionId;
  readonly finished: Promise<ResultEvent> = this.channel.finished;

  private proc: AgentProcess | undefined;
  private stoppedBy: ExitInfo['stoppedBy'];
  private cancelling: Promise<void> | undefined;
  private readonly startedAt = Date.now();
  private readonly limitTimers: RunLimitTimers;

  constructor(
    private readonly adapter: CliAdapter<S>,
    private readonly req: StartRequest,
    private readonly opts: CliRunOptions,
  ) {
    this.runId = req.runId ?? randomUUID();
    this.backend = adapter.backend;
    this.limitTimers = new RunLimitTimers(
      req.limits,
      (stop) => void this.stop(stop),
      () => !!this.stoppedBy,
    );
    void this.run();
  }

  cancel(o: { graceMs?: number; reason?: string } = {}): Promise<void> {
    return this.stop({ status: 'cancelled', message: o.reason ?? 'cancelled' }, o.graceMs);
  }

  private stop(by: NonNullable<ExitInfo['stoppedBy']>, graceMs = this.opts.graceMs ?? 5000): Promise<void> {
    if (this.channel.isEnded) return Promise.resolve();
    this.stoppedBy ??= by;
    this.cancelling ??= this.killTree(graceMs);
    return this.cancelling.then(() => this.finished.then(() => undefined));
  }

  private async killTree(graceMs: number): Promise<void> {
    // Before the launch (still preparing): the run notices `stoppedBy` and never starts the process.
    while (!this.proc && !this.channel.isEnded) await new Promise((r) => setTimeout(r, 10));
    await this.proc?.killTree({ softSignal: this.softSignal, graceMs });
  }

  private softSignal: NodeJS.Signals = 'SIGINT';

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** The agent process's identity for the run ledger, once it started; `undefined` when it never did. */
  async processIdentity(): Promise<ProcessIdentity | undefined> {
    while (!this.proc && !this.channel.isEnded) await new Promise((r) => setTimeout(r, 10));
    return this.proc?.identity();
  }

  private async run(): Promise<void> {
    const state = this.adapter.createState(this.runId, this.req);
    let stderrTail: string[] = [];
    const stderrHead: string[] = [];
    try {
      const extra = this.opts.prepare ? await this.opts.prepare(this.req) : {};
      const ctx: InvocationContext = {
        runId: this.runId,
        sourceEnv: this.opts.sourceEnv ?? process.env,
        isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
        ...extra,
      };
      const inv = this.adapter.buildInvocation(this.req, ctx);
      this.softSignal = inv.softSignal;
      for (const f of inv.files) {
        await fs.promises.mkdir(path.dirname(f.path), { recursive: true });
        await fs.promises.writeFile(f.path, f.content, { mode: 0o600 });
      }
      if (this.stoppedBy)
        return this.end(
          this.adapter.finalize(
            { code: null, signal: null, durationMs: this.elapsed(), stoppedBy: this.stoppedBy, stderrTail: '' },
            state,
          ),
        );

      const proc = (this.opts.host ?? localAgentHost).launch({
        command: inv.command,
        args: inv.args,
        cwd: inv.cwd,
        env: inv.env,
        stdin: inv.stdin === 'ignore' ? 'ignore' : 'pipe',
        cpuPriority: this.req.cpuPriority,
        sandbox: {
          writable: [this.req.worktree, ...(this.req.extraDirs ?? [])],
          stateDirs: this.req.stateDir ? [this.req.stateDir] : [],
          gitDirs: ctx.gitDirs,
          backend: this.adapter.backend,
          ...(inv.programFiles?.length ? { programFiles: inv.programFiles } : {}),
        },
      });
      this.proc = proc;
      if (inv.stdin !== 'ignore' && proc.stdin) {
        proc.stdin.on('error', () => undefined); // the agent may exit before reading; EPIPE is not our failure
        proc.stdin.end(inv.stdin.text);
      }
      this.limitTimers.arm();
      const stdoutDone = new Promise<void>((resolve) => {
        const splitter = new LineSplitter((line) => this.onLine(line, state));
        proc.stdout.on('data', (c: Buffer) => {
          this.limitTimers.touch();
          splitter.push(c);
        });
        proc.stdout.on('close', () => {
          splitter.end();
          resolve();
        });
      });
      const errSplitter = new LineSplitter((line) => {
        if (stderrHead.length < STDERR_HEAD_LINES) stderrHead.push(line);
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail = stderrTail.slice(-STDERR_TAIL_LINES);
        this.opts.onStderrLine?.(line);
      });
      proc.stderr.on('data', (c: Buffer) => {
        this.limitTimers.touch();
        errSplitter.push(c);
      });
      proc.stderr.on('close', () => errSplitter.end());

      const exit = await proc.exited;
      await Promise.race([stdoutDone, delay(STDOUT_DRAIN_MS)]);
      this.limitTimers.clear();
      // Tool commands the agent left running (gemini orphans its shell on SIGINT) are killed with the run.
      await proc.killLeftovers();
      this.end(
        this.adapter.finalize(
          {
            code: exit.code,
            signal: exit.signal,
            durationMs: this.elapsed(),
            stoppedBy: this.stoppedBy,
            spawnError: spawnErrorOf(exit, inv.command),
            stderrTail: stderrTail.join('\n'),
            stderrHead: stderrHead.join('\n'),
          },
          state,
        ),
      );
    } catch (err) {
      this.limitTimers.clear();
      this.end(
        this.adapter.finalize(
          {
            code: null,
            signal: null,
            durationMs: this.elapsed(),
            spawnError: `run failed before the agent started: ${(err as Error).message}`,
            stderrTail: stderrTail.join('\n'),
          },
          state,
        ),
      );
    }
  }

  private onLine(line: string, state: S): void {
    this.opts.onStdoutLine?.(line);
    let events: AgentEvent[];
    try {
      events = this.adapter.parseLine(line, state);
    } catch (err) {
      // A parser bug on one odd line must not break the run.
      events = [
        {
          t: 'notice',
          runId: this.runId,
          level: 'warn',
          message: `unparsed agent output (${(err as Error).message})`,
          raw: line,
        },
      ];
    }
    // An error no retry can fix (a refused login): stop now instead of watching the CLI retry it for minutes.
    if (state.fatal && !this.stoppedBy) void this.stop({ status: 'cancelled', message: state.fatal.message });
    for (const e of events) {
      if (e.t === 'result') continue; // the runner emits the single result itself, at exit
      // Its own SpecTask folder (extraDirs: tasks.md ticks) is granted like the worktree: no warning for those.
      const granted = [this.req.worktree, ...(this.req.extraDirs ?? [])];
      if (e.t === 'file_change' && isOutsideGranted(this.req.worktree, granted, e.path)) {
        this.channel.push({ ...e, outsideWorktree: true });
        this.channel.push({
          t: 'notice',
          runId: this.runId,
          level: 'warn',
          message: `the agent changed a file outside its worktree: ${e.path}`,
        });
        continue;
      }
      this.channel.push(e);
    }
  }

  private end(result: ResultEvent): void {
    this.limitTimers.clear();
    this.channel.push(result);
  }

  private elapsed(): number {
    return Date.now() - this.startedAt;
  }
}

/** The user-facing reason an agent never started, from the host's report. */
function spawnErrorOf(exit: ProcessExit, command: string): string | undefined {
  if (!exit.error) return undefined;
  return exit.error.code === 'ENOENT'
    ? `agent binary not found: ${command}`
    : `could not start ${command}: ${exit.error.message}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
