import * as path from 'node:path';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import type { AgentBackend, AgentRun, BackendId, StartRequest } from './agentBackend';
import type { AgentEvent, ResultEvent, RunStatus, UsageTotals } from './agentEvents';
import type { AgentHost } from './agentHost';
import { localAgentHost } from './localAgentHost';
import { sumUsage, type TranscriptStore } from './transcriptStore';
import { isSafeSessionId } from './sessionId';
import { recordProcessTree, signalRecorded } from './processTree';
import { messageLiveRun, type MessageOutcome } from './agentMessages';
import { withFollowUps } from './followUpRun';

/** idle: has a session, no run; working: a run is live; transitioning: between phases (queued or starting). */
export type AgentStatus = 'idle' | 'working' | 'transitioning' | 'stopped' | 'failed';

/** One run in an agent's history. */
export interface AgentRunRecord {
  runId: string;
  phase: string;
  sessionId?: string;
  resumed: boolean;
  startedAt: number;
  endedAt?: number;
  status?: RunStatus;
  usage?: UsageTotals;
  errorMessage?: string;
}

/** A snapshot of one agent, safe to hand to a store or a webview. */
export interface AgentInfo {
  agentId: string;
  taskId: string;
  backend: BackendId;
  status: AgentStatus;
  sessionId?: string;
  phase?: string;
  currentRunId?: string;
  createdAt: number;
  lastActivityAt: number;
  history: AgentRunRecord[];
  usage: UsageTotals;
  lastError?: string;
}

/** Counters for the dashboard. */
export interface PoolStats {
  maxConcurrent: number;
  running: number;
  queued: number;
  agents: Record<AgentStatus, number>;
  runsStarted: number;
  runsFinished: number;
  runsByStatus: Partial<Record<RunStatus, number>>;
  usage: UsageTotals;
}

/** One phase of work for a task: a start request minus what the pool decides (session, state folder, run id). */
export interface PhaseRequest extends Omit<StartRequest, 'taskId' | 'resumeSessionId' | 'runId'> {
  backend: BackendId;
  /** planning, revision, implementation, review-changes, … (free text; recorded in the history). */
  phase: string;
}

/** A phase handed to the pool; it may wait in the queue before its run starts. */
export interface PoolTicket {
  readonly taskId: string;
  /** The run once a slot was free; `undefined` when the ticket was cancelled while queued. */
  readonly run: Promise<AgentRun | undefined>;
  /** The run's result (a `cancelled` result when cancelled in the queue). Never rejects. */
  readonly finished: Promise<ResultEvent>;
  cancel(reason?: string): Promise<void>;
}

/** An event of some agent's run, tagged with the task. */
export interface PoolRunEvent {
  taskId: string;
  agentId: string;
  event: AgentEvent;
}

export interface AgentPoolOptions {
  backends: readonly AgentBackend[];
  /** Runs allowed at once; more wait in a FIFO queue. */
  maxConcurrent: number;
  /** Idle agents are stopped after this long (default 30 minutes). */
  idleTimeoutMs?: number;
  /** How often to look for idle agents (default 60 s; 0 = only when `sweepIdle` is called). */
  sweepIntervalMs?: number;
  /** Injectable for tests. */
  now?: () => number;
  /** Per-agent state folders go under `<stateRoot>/<taskId>/<backend>` when a phase names none. */
  stateRoot?: string;
  transcripts?: TranscriptStore;
  /**
   * Where the back-ends run their agents (give them the same host through BackendConfig.host); ledger resume
   * asks it about the processes of an earlier session. Default: the local host.
   */
  host?: AgentHost;
}

interface Agent extends AgentInfo {
  live?: AgentRun;
}

interface Queued {
  agent: Agent;
  req: PhaseRequest;
  resolveRun: (r: AgentRun | undefined) => void;
  resolveFinished: (r: ResultEvent) => void;
  cancelled?: string;
}

/**
 * Runs agents for SpecTasks (the reference system's ExternalAgentPool): one agent per task, reused across
 * the task's phases by resuming its session; at most `maxConcurrent` runs at once, the rest queued in order;
 * idle agents stopped after a timeout; statistics and events for the store and the dashboard.
 */
export class AgentPool extends Disposable {
  private readonly agents = new Map<string, Agent>();
  private readonly queue: Queued[] = [];
  private running = 0;
  private runsStarted = 0;
  private runsFinished = 0;
  private readonly runsByStatus: Partial<Record<RunStatus, number>> = {};
  private readonly backends: Map<BackendId, AgentBackend>;
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  /** The agent host of this pool's back-ends: is a recorded process alive, kill its tree (ledger resume). */
  readonly host: AgentHost;

  private readonly _onDidChangeAgent = this._register(new Emitter<AgentInfo>());
  /** An agent was created or changed status, session or history. */
  readonly onDidChangeAgent: Event<AgentInfo> = this._onDidChangeAgent.event;
  private readonly _onDidRunEvent = this._register(new Emitter<PoolRunEvent>());
  /** Every normalized event of every run. */
  readonly onDidRunEvent: Event<PoolRunEvent> = this._onDidRunEvent.event;

  constructor(private readonly opts: AgentPoolOptions) {
    super();
    if (!(opts.maxConcurrent >= 1)) throw new Error('maxConcurrent must be at least 1');
    this.backends = new Map(opts.backends.map((b) => [b.id, b]));
    this.now = opts.now ?? Date.now;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 30 * 60_000;
    this.host = opts.host ?? localAgentHost;
    const every = opts.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      const t = setInterval(() => this.sweepIdle(), every);
      t.unref();
      this._register(toDisposable(() => clearInterval(t)));
    }
    // Disposal stops every live run: no agent process outlives the pool. `whenStopped` tells when they are gone.
    this._register(toDisposable(() => (this.stopping = this.stopAll('pool disposed'))));
  }

  private stopping: Promise<void> | undefined;

  /**
   * Resolves once every run live at disposal has ended (soft interrupt, grace period, tree killed). A process
   * about to exit (`spectask run` on Ctrl+C or SIGTERM) awaits it: its agents run in process groups of their
   * own and would otherwise go on working, unsupervised, after it exited. Resolves at once before disposal.
   */
  whenStopped(): Promise<void> {
    return this.stopping ?? Promise.resolve();
  }

  /** Cancels every queued phase and every live run; resolves when the runs have ended. Sessions stay resumable. */
  async stopAll(reason: string): Promise<void> {
    for (const q of this.queue.splice(0)) this.resolveCancelledTicket(q, reason);
    await Promise.all([...this.agents.values()].map((a) => a.live?.cancel({ reason })));
  }

  /**
   * SIGKILLs, synchronously, every live run's process group and recorded tree: for a second Ctrl+C, when the
   * process exits in the same tick and no grace period is wanted. Returns how many processes were signalled.
   */
  killAllNow(): number {
    let n = 0;
    for (const a of this.agents.values()) {
      const pid = a.live?.pid;
      if (pid === undefined) continue;
      n += signalRecorded(recordProcessTree(pid), 'SIGKILL');
      if (process.platform !== 'win32')
        try {
          process.kill(-pid, 'SIGKILL'); // its process group: children forked since the record
        } catch {
          // the group is gone already
        }
    }
    return n;
  }

  /** Queues a phase for a task; it runs as soon as a slot is free, resuming the task's session if it has one. */
  runPhase(taskId: string, req: PhaseRequest): PoolTicket {
    if (this.isDisposed) throw new Error('the agent pool is disposed');
    if (!this.backends.has(req.backend)) throw new Error(`unknown agent back-end '${req.backend}'`);
    let agent = this.agents.get(taskId);
    if (agent && (agent.status === 'working' || agent.status === 'transitioning'))
      throw new Error(`the agent of task ${taskId} is busy (${agent.status})`);
    if (!agent) {
      const t = this.now();
      agent = {
        agentId: `agent-${taskId}`,
        taskId,
        backend: req.backend,
        status: 'transitioning',
        createdAt: t,
        lastActivityAt: t,
        history: [],
        usage: {},
      };
      this.agents.set(taskId, agent);
    } else {
      if (agent.backend !== req.backend) agent.sessionId = undefined; // a session cannot move between back-ends
      agent.backend = req.backend;
      agent.status = 'transitioning';
      agent.lastError = undefined;
    }
    agent.phase = req.phase;
    agent.lastActivityAt = this.now();
    let resolveRun!: (r: AgentRun | undefined) => void;
    let resolveFinished!: (r: ResultEvent) => void;
    const run = new Promise<AgentRun | undefined>((r) => (resolveRun = r));
    const finished = new Promise<ResultEvent>((r) => (resolveFinished = r));
    const q: Queued = { agent, req, resolveRun, resolveFinished };
    this.queue.push(q);
    this.changed(agent);
    this.pump();
    return {
      taskId,
      run,
      finished,
      cancel: async (reason = 'cancelled') => {
        const i = this.queue.indexOf(q);
        if (i >= 0) {
          this.queue.splice(i, 1);
          this.resolveCancelledTicket(q, reason);
          return;
        }
        const r = await run;
        await r?.cancel({ reason });
      },
    };
  }

  /** Stops a task's agent: cancels its live run (tree-kill) and marks it stopped. Its session stays resumable. */
  async stopAgent(taskId: string, reason = 'stopped'): Promise<void> {
    const a = this.agents.get(taskId);
    if (!a) return;
    for (const q of this.queue.filter((x) => x.agent === a)) {
      this.queue.splice(this.queue.indexOf(q), 1);
      this.resolveCancelledTicket(q, reason);
    }
    await a.live?.cancel({ reason });
    a.status = 'stopped';
    this.changed(a);
  }

  /**
   * Seeds a task's agent with a session known from an earlier process (the machine-local run ledger), so its
   * next phase resumes that session instead of starting a new conversation. No-op while it works. Returns false,
   * adopting nothing, for a value that is not a session id (it would reach the CLI's argv): the next run then
   * starts a fresh session.
   */
  adoptSession(taskId: string, backend: BackendId, sessionId: string): boolean {
    if (!isSafeSessionId(sessionId)) return false;
    const existing = this.agents.get(taskId);
    if (existing && (existing.status === 'working' || existing.status === 'transitioning')) return true;
    const t = this.now();
    const agent: Agent = existing ?? {
      agentId: `agent-${taskId}`,
      taskId,
      backend,
      status: 'stopped',
      createdAt: t,
      lastActivityAt: t,
      history: [],
      usage: {},
    };
    agent.backend = backend;
    agent.sessionId = sessionId;
    this.agents.set(taskId, agent);
    this.changed(agent);
    return true;
  }

  /** A person's message for the task's live run, delivered at its next turn; else refused, saying why. */
  messageAgent(taskId: string, text: unknown): MessageOutcome {
    return messageLiveRun(this.agents.get(taskId)?.live, text);
  }

  /** Stops agents idle longer than the timeout. Returns the task ids stopped. */
  sweepIdle(): string[] {
    const stopped: string[] = [];
    const t = this.now();
    for (const a of this.agents.values()) {
      if (a.status === 'idle' && t - a.lastActivityAt > this.idleTimeoutMs) {
        a.status = 'stopped';
        stopped.push(a.taskId);
        this.changed(a);
      }
    }
    return stopped;
  }

  agent(taskId: string): AgentInfo | undefined {
    const a = this.agents.get(taskId);
    return a && snapshot(a);
  }

  list(): AgentInfo[] {
    return [...this.agents.values()].map(snapshot);
  }

  stats(): PoolStats {
    const agents: Record<AgentStatus, number> = { idle: 0, working: 0, transitioning: 0, stopped: 0, failed: 0 };
    for (const a of this.agents.values()) agents[a.status]++;
    const { runs: _runs, ...usage } = sumUsage([...this.agents.values()].map((a) => a.usage));
    return {
      maxConcurrent: this.opts.maxConcurrent,
      running: this.running,
      queued: this.queue.length,
      agents,
      runsStarted: this.runsStarted,
      runsFinished: this.runsFinished,
      runsByStatus: { ...this.runsByStatus },
      usage,
    };
  }

  private resolveCancelledTicket(q: Queued, reason: string): void {
    q.resolveRun(undefined);
    q.resolveFinished({
      t: 'result',
      runId: '',
      status: 'cancelled',
      durationMs: 0,
      errorMessage: reason,
      sessionId: q.agent.sessionId,
    });
    if (q.agent.status === 'transitioning') {
      q.agent.status = q.agent.history.length ? 'idle' : 'stopped';
      this.changed(q.agent);
    }
  }

  private pump(): void {
    while (this.running < this.opts.maxConcurrent && this.queue.length) this.launch(this.queue.shift()!);
  }

  private launch(q: Queued): void {
    const { agent, req } = q;
    const backend = this.backends.get(req.backend)!;
    const { backend: _b, phase, ...rest } = req;
    const stateDir =
      rest.stateDir ?? (this.opts.stateRoot ? path.join(this.opts.stateRoot, agent.taskId, req.backend) : undefined);
    // Only a checked id is resumed (it reaches the CLI's argv); anything else starts a fresh session.
    const resumeId = isSafeSessionId(agent.sessionId) && backend.capabilities.resume ? agent.sessionId : undefined;
    const startReq: StartRequest = { ...rest, taskId: agent.taskId, stateDir };
    let run: AgentRun;
    try {
      const first = resumeId ? backend.resume({ ...startReq, resumeSessionId: resumeId }) : backend.start(startReq);
      run = withFollowUps(backend, startReq, first); // a person's messages become resumed turns (followUpRun.ts)
    } catch (err) {
      // A back-end that cannot even start (bad configuration) fails the agent, not the pool.
      const message = (err as Error).message;
      agent.status = 'failed';
      agent.lastError = message;
      this.changed(agent);
      q.resolveRun(undefined);
      q.resolveFinished({ t: 'result', runId: '', status: 'crashed', durationMs: 0, errorMessage: message });
      return;
    }
    this.running++;
    this.runsStarted++;
    const record: AgentRunRecord = {
      runId: run.runId,
      phase,
      resumed: !!resumeId,
      startedAt: this.now(),
      sessionId: resumeId,
    };
    agent.history.push(record);
    agent.live = run;
    agent.currentRunId = run.runId;
    agent.status = 'working';
    agent.lastActivityAt = this.now();
    this.changed(agent);
    if (this.opts.transcripts) void this.opts.transcripts.record(agent.taskId, run).catch(() => undefined);
    const sub = run.onEvent((event) => {
      agent.lastActivityAt = this.now();
      if (event.t === 'session' && event.sessionId && event.sessionId !== agent.sessionId) {
        agent.sessionId = record.sessionId = event.sessionId;
        this.changed(agent);
      }
      this._onDidRunEvent.fire({ taskId: agent.taskId, agentId: agent.agentId, event });
    });
    q.resolveRun(run);
    void run.finished.then((result) => {
      sub.dispose();
      this.running--;
      this.runsFinished++;
      this.runsByStatus[result.status] = (this.runsByStatus[result.status] ?? 0) + 1;
      record.endedAt = this.now();
      record.status = result.status;
      record.usage = result.usage;
      record.errorMessage = result.errorMessage;
      if (result.sessionId) agent.sessionId = record.sessionId = result.sessionId;
      if (result.usage) agent.usage = (({ runs: _r, ...u }) => u)(sumUsage([agent.usage, result.usage]));
      agent.live = undefined;
      agent.currentRunId = undefined;
      agent.lastActivityAt = this.now();
      if (agent.status === 'working') {
        agent.status = result.status === 'error' || result.status === 'crashed' ? 'failed' : 'idle';
        if (agent.status === 'failed') agent.lastError = result.errorMessage;
      }
      this.changed(agent);
      q.resolveFinished(result);
      this.pump();
    });
  }

  private changed(a: Agent): void {
    this._onDidChangeAgent.fire(snapshot(a));
  }
}

function snapshot(a: Agent): AgentInfo {
  const { live: _live, ...info } = a;
  return { ...info, history: a.history.map((h) => ({ ...h })), usage: { ...a.usage } };
}
