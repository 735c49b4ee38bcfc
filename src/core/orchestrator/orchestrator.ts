import * as path from 'node:path';
import type { BackendId } from '../agents/agentBackend';
import type { ResultEvent } from '../agents/agentEvents';
import type { AgentInfo, AgentPool } from '../agents/agentPool';
import type { ChecklistItem } from '../checklist/checklistTypes';
import type { DesignDocsWatcher, DesignDocsEvent } from '../docs/designDocsWatcher';
import type { SpecTaskDetails } from '../docs/specTaskReader';
import type { CreateSpecTaskInput, SpecTaskStore } from '../docs/specTaskStore';
import type { Priority, SpecTaskRecord } from '../docs/specTaskSchema';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import {
  isProcessAliveAsync,
  processIdentity,
  recordProcessTreeAsync,
  signalRecordedAsync,
} from '../agents/processTree';
import type { FleetSnapshot } from '../../protocol/fleet';
import { codeWorktreeFor, CodeWorktrees, type CodeWorktree } from './codeWorktrees';
import { openPullRequest, pullRequestText } from './pullRequest';
import { implementationVerdict, planningVerdict } from './completion';
import { buildFleetSnapshot, describeToolCall, type RunView, type TaskView } from './fleetView';
import type { RunLedger } from './ledger';
import {
  CHANGES_REQUESTED,
  nudgeReason,
  REOPENED,
  RESUMED_AFTER_RESTART,
  RESUMED_ORPHAN,
  retryReason,
  RETRIED_AFTER_FAILURE,
  revisionReason,
  unfinishedWork,
} from './restartReason';
import {
  implementationChangesPrompt,
  implementationNudge,
  implementationPrompt,
  planningNudge,
  planningPrompt,
  revisionPrompt,
  type ImplementationPaths,
  type PlanningPaths,
  type PromptTask,
  type ReviewComment,
} from './prompts';
import { schedule, type SchedulableTask, type ScheduleDecision } from './scheduler';
import { implementationPolicy, PLANNING_POLICY, type OrchestratorSettings } from './settings';
import type { SpecTaskStatus, Trigger } from './statusMachine';

type Phase = 'planning' | 'implementation';

/** A run the orchestrator is waiting on. */
interface ActiveRun extends RunView {
  runId?: string;
  phase: Phase;
  /** The working directory the agent was started in (its code worktree). */
  cwd: string;
  nudges: number;
  retries: number;
  /** Set by Stop: the run's end must not count as a failure to retry. */
  stopping?: string;
  cancel(reason: string): Promise<void>;
}

/** Everything the orchestrator is built from (constructor injection; the composition root or CLI wires it). */
export interface OrchestratorDeps {
  repoRoot: string;
  store: SpecTaskStore;
  watcher: DesignDocsWatcher;
  pool: AgentPool;
  worktrees: CodeWorktrees;
  ledger: RunLedger;
  settings: () => OrchestratorSettings;
  /** Where the back-ends keep per-agent state (sessions), so a restart can resume them. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  now?: () => number;
  /** Checked before any agent starts (workspace trust); returns why not, or undefined. */
  mayRunAgents?: () => string | undefined;
}

/** Something the UI should tell the user about, with the SpecTask it concerns. */
export interface OrchestratorNotice {
  kind: 'spec-ready' | 'implementation-ready' | 'done' | 'failed' | 'error';
  taskId: string;
  message: string;
}

const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const STATUSES_WITH_RUNS: ReadonlySet<SpecTaskStatus> = new Set(['spec_generation', 'implementation']);

/**
 * The SpecTask orchestrator (DESIGN.md §5–§7): moves SpecTasks through the status machine, starts
 * planning and implementation agents within the per-phase caps, commits their ticks as they appear,
 * decides completion from git and the files, nudges and retries bounded times, merges on Accept, and
 * resumes interrupted runs after a crash or reload. Event-driven (watcher, agent events, user intents)
 * with a reconcile tick that repairs drift.
 */
export class Orchestrator extends Disposable {
  private readonly tasks = new Map<string, TaskView & { record?: SpecTaskRecord; folder: string; path: string }>();
  private readonly runs = new Map<string, ActiveRun>();
  /** Tasks the scheduler is moving into a working status and starting: not orphans, though no run is registered yet. */
  private readonly starting = new Set<string>();
  /** The last run of each task as the dashboard shows it (kept after the run ends). */
  private readonly runViews = new Map<string, RunView>();
  private queueReasons = new Map<string, string>();
  private readonly agents = new Map<string, AgentInfo>();
  /** Tasks whose last design-docs commit failed: the user was told once, and is not told again until one succeeds. */
  private readonly commitFailing = new Set<string>();
  private tickRunning = false;
  private tickAgain = false;
  private started = false;
  private readonly now: () => number;
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** Anything the fleet snapshot or the tree shows changed. Consumers coalesce. */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly _onDidNotice = this._register(new Emitter<OrchestratorNotice>());
  readonly onDidNotice: Event<OrchestratorNotice> = this._onDidNotice.event;

  constructor(private readonly deps: OrchestratorDeps) {
    super();
    this.now = deps.now ?? Date.now;
    this._register(deps.watcher.onDidChange((e) => void this.onDocsEvent(e)));
    this._register(
      deps.pool.onDidChangeAgent((a) => {
        this.agents.set(a.taskId, a);
        this._onDidChange.fire();
      }),
    );
    this._register(
      deps.pool.onDidRunEvent(({ taskId, event }) => {
        const run = this.runs.get(taskId);
        if (!run) return;
        if (event.t === 'tool_call') {
          // The agent names files in its worktree and in its SpecTask folder, which lives in the design-docs worktree.
          run.lastActivity = describeToolCall(event, [run.cwd, this.deps.store.worktreePath]);
          run.lastActivityAt = this.now();
          this.runViews.set(taskId, run);
          this._onDidChange.fire();
        } else if (event.t === 'session' && event.sessionId) {
          void this.rememberSession(taskId, run.phase, event.sessionId);
        }
      }),
    );
  }

  // ---------------------------------------------------------------- state

  /** Reads every SpecTask without starting anything (for one-shot commands such as `spectask approve`). */
  load(): Promise<void> {
    return this.refreshAll();
  }

  /** Loads every SpecTask, resumes interrupted runs, and starts the reconcile tick. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.refreshAll();
    await this.resumeInterrupted();
    await this.relaunchOrphans();
    const interval = this.deps.settings().reconcileIntervalMs;
    if (interval > 0) {
      const t = setInterval(() => void this.reconcile(), interval);
      t.unref?.();
      this._register(toDisposable(() => clearInterval(t)));
    }
    this.kick();
  }

  /** The complete dashboard view-model. */
  fleetSnapshot(): FleetSnapshot {
    return buildFleetSnapshot({
      tasks: this.tasks.values(),
      agents: this.agents,
      runs: this.runViews,
      queueReasons: this.queueReasons,
      contextItems: this.deps.settings().contextItems,
      now: this.now(),
    });
  }

  /** The tasks as the tree shows them, with their queue reasons and whether an agent is on them. */
  taskViews(): (TaskView & {
    record?: SpecTaskRecord;
    folder: string;
    path: string;
    queueReason?: string;
    agentWorking: boolean;
  })[] {
    return [...this.tasks.values()].map((t) => ({
      ...t,
      queueReason: this.queueReasons.get(t.id),
      agentWorking: this.runs.has(t.id),
    }));
  }

  task(id: string) {
    return this.tasks.get(id);
  }

  /** The code worktree of a task (whether or not it exists yet). */
  worktreeOf(id: string): CodeWorktree | undefined {
    const t = this.tasks.get(id);
    if (!t?.record) return undefined;
    return codeWorktreeFor(this.deps.repoRoot, path.basename(t.folder), t.record.baseBranch ?? 'main');
  }

  // ---------------------------------------------------------------- user intents

  async create(
    input: Omit<CreateSpecTaskInput, 'baseBranch'> & { baseBranch?: string },
    opts: { startPlanning?: boolean; skipPlanning?: boolean } = {},
  ): Promise<string> {
    const baseBranch =
      input.baseBranch ??
      this.deps.settings().defaultBaseBranch ??
      (await this.deps.worktrees.currentBranch()) ??
      'main';
    const summary = await this.deps.store.create({
      ...input,
      baseBranch,
      backend: input.backend ?? this.deps.settings().implementation.backend,
    });
    await this.refreshTask(summary.id);
    if (opts.skipPlanning) await this.skipPlanning(summary.id);
    else if (opts.startPlanning) await this.startPlanning(summary.id);
    this._onDidChange.fire();
    return summary.id;
  }

  startPlanning(id: string): Promise<void> {
    return this.apply(id, 'start_planning');
  }

  skipPlanning(id: string): Promise<void> {
    return this.apply(id, 'skip_planning', 'planning skipped');
  }

  async approve(id: string, note?: string): Promise<void> {
    await this.apply(id, 'approve', note, false);
    await this.apply(id, 'enqueue_implementation');
  }

  /** Sends the open comments to the same planning session as a revision. */
  async requestSpecChanges(id: string, comments: readonly ReviewComment[], note?: string): Promise<void> {
    const list = comments.map((c, i) => ({
      id: `c${this.now()}-${i}`,
      document: c.document,
      line: c.line,
      quote: c.quote,
      comment: c.comment,
      createdAt: new Date(this.now()).toISOString(),
    }));
    await this.deps.store.update(
      id,
      `request changes (${comments.length} comment${comments.length === 1 ? '' : 's'})`,
      (r) => {
        r.reviewComments.push(...list);
      },
    );
    await this.apply(id, 'request_spec_changes', note);
  }

  reject(id: string, note?: string): Promise<void> {
    return this.apply(id, 'reject', note);
  }

  /** Accept: merge into the base (or open a pull request), then done. A conflict leaves everything as it was. */
  async accept(id: string): Promise<{ sha?: string; pullRequest?: string }> {
    const t = this.requireTask(id);
    if (t.status !== 'implementation_review')
      throw new Error(`SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')}, not waiting for implementation review.`);
    const wt = this.worktreeOf(id)!;
    const s = this.deps.settings();
    if (s.mergeStrategy === 'pull-request') {
      const text = await pullRequestText(t.path, {
        number: t.number,
        title: t.title,
        checklist: t.items.map((i) => i.text),
      });
      const url = await openPullRequest(this.deps.worktrees.queue, wt, text);
      await this.apply(id, 'accept', `pull request ${url}`, false);
      await this.refreshTask(id);
      this.notice({ kind: 'done', taskId: id, message: `Opened a pull request for #${t.number} "${t.title}": ${url}` });
      this.kick();
      return { pullRequest: url };
    }
    const { sha } = await this.deps.worktrees.merge(
      wt,
      s.mergeStrategy,
      `spectask(${t.number}): merge "${t.title}"\n\nSpecTask: ${t.number}`,
    );
    await this.apply(id, 'accept', `merged into ${wt.baseBranch} at ${sha.slice(0, 12)}`, false);
    if (s.cleanupWorktreeOnDone && !(await this.deps.worktrees.remove(wt)))
      this.log('warn', `kept ${wt.path}: it has uncommitted changes`);
    await this.refreshTask(id);
    this.notice({
      kind: 'done',
      taskId: id,
      message: `SpecTask #${t.number} "${t.title}" was merged into ${wt.baseBranch}.`,
    });
    this.kick(); // tasks that depended on this one may start now
    return { sha };
  }

  async requestImplementationChanges(id: string, comments: string): Promise<void> {
    await this.apply(id, 'request_implementation_changes', comments, false);
    const t = this.requireTask(id);
    await this.launch(
      t,
      'implementation',
      (task, paths) => implementationChangesPrompt(task, paths as ImplementationPaths, comments),
      { reason: CHANGES_REQUESTED },
    );
  }

  /** Stops the task's agent (tree-kill). The task fails with "stopped by you", so Retry resumes it. */
  async stop(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) {
      await this.deps.pool.stopAgent(id, 'stopped by the user');
      return;
    }
    await run.cancel('stopped by the user');
  }

  retry(id: string): Promise<void> {
    return this.apply(id, 'retry');
  }

  async archive(id: string): Promise<void> {
    if (this.runs.has(id)) await this.stop(id);
    await this.apply(id, 'archive');
  }

  restore(id: string): Promise<void> {
    return this.apply(id, 'restore');
  }

  async reopen(id: string): Promise<void> {
    await this.apply(id, 'reopen', undefined, false);
    const t = this.requireTask(id);
    await this.launch(
      t,
      'implementation',
      (task, paths) => implementationPrompt(task, paths as ImplementationPaths, { hasSpec: true }),
      { reason: REOPENED },
    );
  }

  // ---------------------------------------------------------------- the loop

  /** Schedules a pass of the loop soon; passes never overlap. */
  kick(): void {
    if (this.tickRunning) {
      this.tickAgain = true;
      return;
    }
    this.tickRunning = true;
    void (async () => {
      try {
        do {
          this.tickAgain = false;
          await this.tick();
        } while (this.tickAgain && !this.isDisposed);
      } catch (e) {
        this.log('error', `orchestrator pass failed: ${(e as Error).message}`);
      } finally {
        this.tickRunning = false;
      }
    })();
  }

  /** Repairs drift: re-reads every task and restarts work that should be running but is not. */
  async reconcile(): Promise<void> {
    // Changes a failed commit left behind (a full disk, a lock) are committed as soon as git can again, even
    // when no agent writes anything more to carry them.
    for (const id of [...this.commitFailing]) await this.commitTaskFolder(id, 'commit changes a failed commit left');
    await this.refreshAll();
    await this.relaunchOrphans();
    this.kick();
  }

  /** Tasks whose status says an agent works on them, but none does here (a crash, another process's change). */
  private async relaunchOrphans(): Promise<void> {
    if (this.deps.mayRunAgents?.()) return;
    for (const t of this.tasks.values()) {
      if (!STATUSES_WITH_RUNS.has(t.status) || this.runs.has(t.id) || this.starting.has(t.id)) continue;
      this.log(
        'warn',
        `SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')} but no agent runs for it; resuming its agent`,
      );
      const last = t.record?.history.at(-1);
      const changes = last?.trigger === 'request_implementation_changes' ? last.note : undefined;
      await this.launch(
        t,
        t.status === 'spec_generation' ? 'planning' : 'implementation',
        (task, paths, phase) =>
          changes
            ? implementationChangesPrompt(task, paths as ImplementationPaths, changes)
            : this.continuePrompt(task, paths, phase),
        { reason: RESUMED_ORPHAN },
      ).catch((e) => this.log('error', `could not resume SpecTask ${t.number}: ${(e as Error).message}`));
    }
  }

  private async tick(): Promise<void> {
    if (this.isDisposed) return;
    const blocked = this.deps.mayRunAgents?.();
    const schedulable: SchedulableTask[] = [...this.tasks.values()].map((t) => ({
      id: t.id,
      number: t.number,
      status: t.status,
      priorityRank: PRIORITY_RANK[t.record?.priority ?? 'medium'],
      dependsOn: t.record?.dependsOn ?? [],
    }));
    const s = this.deps.settings();
    const decision = schedule(schedulable, {
      planning: s.caps.planning,
      implementation: s.caps.implementation,
      autoStart: s.autoStart,
    });
    this.queueReasons = decision.queueReasons;
    if (blocked) {
      for (const d of decision.start) if (d.trigger !== 'start_planning') this.queueReasons.set(d.taskId, blocked);
      this._onDidChange.fire();
      return;
    }
    for (const d of decision.start) {
      const t = this.tasks.get(d.taskId);
      if (!t) continue;
      this.starting.add(d.taskId);
      try {
        await this.startDecided(d, t.number);
      } finally {
        this.starting.delete(d.taskId);
      }
    }
    this._onDidChange.fire();
  }

  /** Carries out one start decision of the scheduler: the transition, then the run. */
  private async startDecided(d: ScheduleDecision['start'][number], number: string): Promise<void> {
    try {
      await this.apply(d.taskId, d.trigger, undefined, false);
    } catch (e) {
      // The decision was made on a view that is stale by now (another pass or process moved the task
      // first): the status machine refused it, which is the point. Skip it; the next pass sees the truth.
      this.log('info', `skipped "${d.trigger}" for SpecTask ${number}: ${(e as Error).message}`);
      await this.refreshTask(d.taskId);
      return;
    }
    try {
      if (d.trigger === 'start_planning') {
        this.tickAgain = true;
        return;
      }
      const task = this.requireTask(d.taskId);
      // The transition just applied is the last history entry; a Retry on the failed task is the one before it.
      const reason = task.record?.history.at(-2)?.trigger === 'retry' ? RETRIED_AFTER_FAILURE : undefined;
      if (d.trigger === 'planning_slot_free')
        await this.launch(task, 'planning', (pt, paths) => planningPrompt(pt, paths as PlanningPaths), { reason });
      else if (d.trigger === 'revision_resumed') {
        const comments = (task.record?.reviewComments ?? [])
          .filter((c) => !c.resolvedAt)
          .map((c) => ({
            document: c.document as ReviewComment['document'],
            line: c.line ?? 1,
            quote: c.quote ?? '',
            comment: c.comment,
          }));
        await this.launch(
          task,
          'planning',
          (pt, paths) => revisionPrompt(pt, paths as PlanningPaths, comments, task.record?.revisionCount ?? 1),
          { reason: revisionReason(comments.length) },
        );
      } else if (d.trigger === 'implementation_slot_free') {
        const hasSpec = (task.record?.history ?? []).some((h) => h.to === 'spec_approved');
        await this.launch(
          task,
          'implementation',
          (pt, paths) => implementationPrompt(pt, paths as ImplementationPaths, { hasSpec }),
          { reason },
        );
      }
    } catch (e) {
      this.log('error', `could not start SpecTask ${number}: ${(e as Error).message}`);
      await this.fail(
        d.taskId,
        d.trigger === 'implementation_slot_free' ? 'implementation' : 'planning',
        (e as Error).message,
      );
    }
  }

  // ---------------------------------------------------------------- runs

  /**
   * Starts a run of the task's agent. `restart` counts the nudges and retries so far and says why this run is
   * not the task's first, for its dashboard card.
   */
  private async launch(
    task: TaskView & { folder: string; path: string; record?: SpecTaskRecord },
    phase: Phase,
    makePrompt: (t: PromptTask, paths: PlanningPaths | ImplementationPaths, phase: Phase) => string,
    restart: { nudges?: number; retries?: number; reason?: string } = {},
  ): Promise<void> {
    const blocked = this.deps.mayRunAgents?.();
    if (blocked) {
      // The status stays; whoever may run agents (a trusted window, `spectask run`) picks it up.
      this.queueReasons.set(task.id, blocked);
      this._onDidChange.fire();
      return;
    }
    const s = this.deps.settings();
    const wt = this.worktreeOf(task.id)!;
    let ticket: { cancel(reason?: string): Promise<void> } | undefined;
    // Registered before the first await: a Stop that arrives while the worktree is being prepared must win.
    const active: ActiveRun = {
      phase,
      cwd: wt.path,
      startedAt: this.now(),
      restartReason: restart.reason,
      nudges: restart.nudges ?? 0,
      retries: restart.retries ?? 0,
      cancel: async (reason) => {
        active.stopping ??= reason;
        await ticket?.cancel(reason);
      },
    };
    const previous = this.runViews.get(task.id);
    this.runs.set(task.id, active);
    this.runViews.set(task.id, {
      startedAt: active.startedAt,
      restartReason: active.restartReason,
      lastActivity: previous?.lastActivity,
      lastActivityAt: previous?.lastActivityAt,
    });
    this._onDidChange.fire();
    let runId: string;
    let started: ReturnType<AgentPool['runPhase']>;
    try {
      // Planning runs in the code worktree too: the agent reads the code there, and its session (scoped to
      // the cwd by some back-ends) can then be resumed for implementation in the same folder.
      await this.deps.worktrees.ensure(wt);
      if (phase === 'implementation') await this.deps.worktrees.fastForwardToBase(wt).catch(() => false);
      if (!task.record?.branch)
        await this.deps.store.update(task.id, `code branch ${wt.branch}`, (r) => {
          r.branch = wt.branch;
          r.baseBranch = wt.baseBranch;
        });
      const promptTask: PromptTask = {
        number: task.number,
        title: task.title,
        goal: task.record?.prompt ?? task.title,
      };
      const tasksFile = path.join(task.path, 'tasks.md');
      const paths: PlanningPaths & ImplementationPaths = {
        repoRoot: wt.path,
        taskFolder: task.path,
        worktree: wt.path,
        branch: wt.branch,
        baseBranch: wt.baseBranch,
        tasksFile,
        requirementsFile: path.join(task.path, 'requirements.md'),
        designFile: path.join(task.path, 'design.md'),
      };
      const cfg = phase === 'planning' ? s.planning : s.implementation;
      const backend: BackendId = cfg.backend;
      const baseSha = await this.deps.worktrees.headSha(wt);
      runId = `${task.id}-${phase}-${this.now().toString(36)}`;
      if (active.stopping) throw new Error(active.stopping);
      await this.deps.ledger.append({
        kind: 'run-started',
        runId,
        taskId: task.id,
        phase,
        backend,
        cwd: wt.path,
        baseSha,
        at: this.now(),
        sessionId: task.record?.agentSessions?.[backend],
      });
      started = this.deps.pool.runPhase(task.id, {
        backend,
        phase,
        worktree: wt.path,
        prompt: makePrompt(promptTask, paths, phase),
        model: cfg.model,
        permissions: phase === 'planning' ? PLANNING_POLICY : implementationPolicy(s),
        limits: { wallClockMs: s.wallClockTimeoutMs || undefined, idleMs: s.idleTimeoutMs || undefined },
        // The agent ticks its own tasks.md, which lives in the design-docs worktree (DESIGN.md §6).
        extraDirs: [task.path],
        cpuPriority: s.agentCpuPriority,
      });
      ticket = started;
    } catch (e) {
      if (this.runs.get(task.id) === active) {
        this.runs.delete(task.id);
        this.endRunView(task.id);
      }
      if (active.stopping) {
        await this.fail(task.id, phase, active.stopping);
        return;
      }
      throw e;
    }
    const finalRunId = runId;
    const ticketRef = started;
    void ticketRef.run
      .then(async (run) => {
        if (!run) return;
        active.runId = run.runId;
        // Only the root's start time is needed (PID-reuse guard): one /proc read, off the event loop.
        const identity = run.pid ? await processIdentity(run.pid) : undefined;
        return this.deps.ledger.append({
          kind: 'run-attached',
          runId: finalRunId,
          pid: run.pid,
          processStartTime: identity?.startTime,
          at: this.now(),
        });
      })
      .catch((e) =>
        this.log(
          'warn',
          `could not record the process of SpecTask ${task.number} in the run ledger: ${(e as Error).message}`,
        ),
      );
    void ticketRef.finished
      .then((result) => this.onRunFinished(task.id, finalRunId, active, result, makePrompt))
      .catch((e) => {
        this.log('error', `after the run of ${task.number}: ${(e as Error).message}`);
        this.notice({
          kind: 'error',
          taskId: task.id,
          message: `#${task.number} "${task.title}": the agent's run ended but its result could not be handled: ${(e as Error).message}`,
        });
      });
  }

  private async onRunFinished(
    id: string,
    runId: string,
    active: ActiveRun,
    result: ResultEvent,
    makePrompt: (t: PromptTask, paths: PlanningPaths | ImplementationPaths, phase: Phase) => string,
  ): Promise<void> {
    // Cut short by this orchestrator shutting down (Reload Window, VS Code closing): the run stays open in the
    // ledger, so the next start resumes it on its session (resumeInterrupted) instead of starting afresh.
    if (this.isDisposed) return;
    // A ledger that cannot be written (disk full) must not stop the run's end from being handled; the run then
    // merely looks interrupted to the next start, which resumes it.
    await this.deps.ledger
      .append({ kind: 'run-ended', runId, outcome: result.status, at: this.now() })
      .catch((e) =>
        this.log('warn', `could not record the end of run ${runId} in the run ledger: ${(e as Error).message}`),
      );
    try {
      await this.handleRunEnd(id, active, result, makePrompt);
    } finally {
      // Only now is the task free for another run. While its end was being handled (committing, checking the
      // work: git, seconds on a busy machine) the status still said an agent works on it; had the run been
      // forgotten earlier, the reconcile tick took the task for an orphan and started a second run on the same
      // agent, and the next phase then failed with "the agent is busy".
      if (this.runs.get(id) === active) {
        this.runs.delete(id);
        this.endRunView(id);
        if (!this.isDisposed) {
          this._onDidChange.fire();
          this.kick();
        }
      }
    }
  }

  private async handleRunEnd(
    id: string,
    active: ActiveRun,
    result: ResultEvent,
    makePrompt: (t: PromptTask, paths: PlanningPaths | ImplementationPaths, phase: Phase) => string,
  ): Promise<void> {
    if (this.isDisposed) return;
    if (result.status !== 'success' && (await this.deps.store.restoreEmptiedChecklist(id).catch(() => false)))
      this.log(
        'warn',
        `SpecTask ${id}: the agent's run ended ${result.status} leaving tasks.md empty; restored it as last committed`,
      );
    // Whatever the agent wrote in its SpecTask folder is committed first, so nothing is lost either way.
    await this.commitTaskFolder(id, `${active.phase} run ${result.status}`);
    const task = await this.refreshTask(id);
    if (!task) return;
    const expected: SpecTaskStatus = active.phase === 'planning' ? 'spec_generation' : 'implementation';
    if (task.status !== expected) return; // moved on meanwhile (archived, stopped, …)
    if (active.stopping) {
      await this.fail(id, active.phase, active.stopping);
      return;
    }
    // Checking the work needs git and the files; when that fails (disk full, a broken worktree) the run is not
    // done, for a reason the user can act on, instead of the task staying "working" with no agent.
    const verdict = await (
      active.phase === 'planning'
        ? planningVerdict((await this.deps.store.get(id)) as SpecTaskDetails, task.record?.prompt, result.status)
        : this.implementationVerdictOf(task)
    ).catch((e): { ok: false; problems: string[] } => ({
      ok: false,
      problems: [`could not check the agent's work: ${(e as Error).message}`],
    }));
    if (verdict.ok) {
      await this.apply(
        id,
        active.phase === 'planning' ? 'planning_succeeded' : 'implementation_complete',
        undefined,
        false,
      );
      if (this.tasks.get(id)?.record?.error)
        await this.deps.store
          .update(id, 'clear error', (r) => {
            delete r.error;
          })
          .catch(() => undefined);
      await this.refreshTask(id);
      this.notice(
        active.phase === 'planning'
          ? {
              kind: 'spec-ready',
              taskId: id,
              message: `The spec for #${task.number} "${task.title}" is ready for review.`,
            }
          : {
              kind: 'implementation-ready',
              taskId: id,
              message: `#${task.number} "${task.title}" is implemented and waits for your review.`,
            },
      );
      this.kick();
      return;
    }
    // How the run ended comes first: for an agent that died or went silent it is the cause, and the unfinished
    // checklist only its consequence.
    const ending = result.errorMessage
      ? [`the agent's run ended ${result.status}: ${result.errorMessage}`]
      : result.status !== 'success'
        ? [`the agent's run ended ${result.status}`]
        : [];
    const why = [
      ...ending,
      ...verdict.problems,
      ...(result.deniedTools?.length ? [`denied tools: ${result.deniedTools.join(', ')}`] : []),
    ];
    const s = this.deps.settings();
    const refreshed = this.requireTask(id);
    const unfinished = unfinishedWork(active.phase, refreshed.items);
    if (active.nudges < s.maxNudges && result.status !== 'crashed') {
      this.log(
        'info',
        `SpecTask ${task.number}: nudging the agent (${active.nudges + 1}/${s.maxNudges}): ${verdict.problems.join('; ')}`,
      );
      await this.launch(
        refreshed,
        active.phase,
        (t, paths) =>
          active.phase === 'planning'
            ? planningNudge(t, paths as PlanningPaths, verdict.problems)
            : implementationNudge(t, paths as ImplementationPaths, verdict.problems),
        {
          nudges: active.nudges + 1,
          retries: active.retries,
          reason: nudgeReason(active.nudges + 1, s.maxNudges, unfinished),
        },
      );
      return;
    }
    if (active.retries < s.maxRetries) {
      const wait = s.retryBackoffMs * 2 ** active.retries;
      this.log('info', `SpecTask ${task.number}: retrying in ${wait} ms (${active.retries + 1}/${s.maxRetries})`);
      await new Promise((r) => setTimeout(r, wait));
      const again = this.tasks.get(id);
      if (!again || again.status !== expected || this.isDisposed) return;
      await this.launch(again, active.phase, makePrompt, {
        nudges: 0,
        retries: active.retries + 1,
        reason: retryReason(active.retries + 1, s.maxRetries, result, unfinished),
      });
      return;
    }
    await this.fail(id, active.phase, why.join('; '));
  }

  private async implementationVerdictOf(task: TaskView & { folder: string }) {
    const wt = this.worktreeOf(task.id)!;
    const [status, commits] = await Promise.all([
      this.deps.worktrees.status(wt),
      this.deps.worktrees.commitsSinceBase(wt),
    ]);
    const details = await this.deps.store.get(task.id);
    return implementationVerdict({ number: task.number, items: details.checklist?.items ?? [], status, commits });
  }

  private continuePrompt(t: PromptTask, paths: PlanningPaths | ImplementationPaths, phase: Phase): string {
    return phase === 'planning'
      ? planningNudge(t, paths as PlanningPaths, [
          'your previous run was interrupted (the editor or the orchestrator restarted); continue where you left off',
        ])
      : implementationNudge(t, paths as ImplementationPaths, [
          'your previous run was interrupted (the editor or the orchestrator restarted); continue with the first item that is not [x]',
        ]);
  }

  /** After a crash or reload: every run the ledger shows unfinished is ended and resumed on its session. */
  private async resumeInterrupted(): Promise<void> {
    const open = await this.deps.ledger.interruptedRuns();
    for (const r of open) {
      // An agent orphaned by the previous process would keep writing: stop its whole tree first, but only
      // if that PID is still the same process (start time), never a stranger that reused the number.
      if (r.pid && (await isProcessAliveAsync({ pid: r.pid, startTime: r.processStartTime ?? '' })))
        await signalRecordedAsync(await recordProcessTreeAsync(r.pid), 'SIGKILL');
      await this.deps.ledger.append({ kind: 'run-ended', runId: r.runId, outcome: 'interrupted', at: this.now() });
      const t = this.tasks.get(r.taskId);
      if (!t || !STATUSES_WITH_RUNS.has(t.status) || this.runs.has(t.id) || this.starting.has(t.id)) continue;
      const sessionId = r.sessionId ?? t.record?.agentSessions?.[r.backend];
      if (sessionId) this.deps.pool.adoptSession(t.id, r.backend as BackendId, sessionId);
      if (this.deps.mayRunAgents?.()) continue;
      this.log(
        'info',
        `resuming the interrupted ${r.phase} run of SpecTask ${t.number}${sessionId ? ` on session ${sessionId}` : ''}`,
      );
      await this.launch(t, r.phase, (task, paths, phase) => this.continuePrompt(task, paths, phase), {
        reason: RESUMED_AFTER_RESTART,
      });
    }
  }

  private async rememberSession(id: string, phase: Phase, sessionId: string): Promise<void> {
    const t = this.tasks.get(id);
    const backend =
      phase === 'planning' ? this.deps.settings().planning.backend : this.deps.settings().implementation.backend;
    if (!t?.record || t.record.agentSessions[backend] === sessionId) return;
    await this.deps.store
      .update(id, `agent session ${sessionId.slice(0, 8)}`, (r) => {
        r.agentSessions[backend] = sessionId;
      })
      .catch((e) => this.log('warn', `could not record the session: ${(e as Error).message}`));
    await this.refreshTask(id);
  }

  // ---------------------------------------------------------------- helpers

  /** A run ended: its card keeps when it started and what it did last, but the reason it started was about it alone. */
  private endRunView(id: string): void {
    const view = this.runViews.get(id);
    if (view?.restartReason === undefined) return;
    this.runViews.set(id, {
      startedAt: view.startedAt,
      lastActivity: view.lastActivity,
      lastActivityAt: view.lastActivityAt,
    });
  }

  /**
   * Commits a task's folder (ticks, documents). A failure (disk full, a lock held too long) loses nothing: the
   * changes stay in the files and the committer carries them into the next commit. The user is told at the
   * first failure, not at every tick of a burst, and again only after a commit succeeded in between.
   */
  private async commitTaskFolder(id: string, what: string): Promise<void> {
    try {
      await this.deps.store.commitFolder(id, what);
      this.commitFailing.delete(id);
    } catch (e) {
      const number = this.tasks.get(id)?.number ?? id;
      this.log('warn', `could not commit the changes of SpecTask ${number}: ${(e as Error).message}`);
      if (this.commitFailing.has(id)) return;
      this.commitFailing.add(id);
      this.notice({
        kind: 'error',
        taskId: id,
        message: `Could not commit the changes of #${number} to the design-docs branch: ${(e as Error).message}. They are kept in the files and committed with the next change.`,
      });
    }
  }

  private async apply(id: string, trigger: Trigger, note?: string, kick = true): Promise<void> {
    await this.deps.store.transition(id, trigger, note);
    await this.refreshTask(id);
    this._onDidChange.fire();
    if (kick) this.kick();
  }

  private async fail(id: string, phase: Phase, reason: string): Promise<void> {
    const t = this.tasks.get(id);
    try {
      await this.deps.store.update(id, 'record failure', (r) => {
        r.error = reason;
      });
      const trigger: Trigger = phase === 'planning' ? 'planning_failed' : 'implementation_failed';
      if (t && (t.status === 'spec_generation' || t.status === 'implementation'))
        await this.deps.store.transition(id, trigger, reason);
    } catch (e) {
      this.log('error', `could not record the failure of ${id}: ${(e as Error).message}`);
    }
    await this.refreshTask(id);
    this.notice({ kind: 'failed', taskId: id, message: `#${t?.number ?? id} "${t?.title ?? ''}" failed: ${reason}` });
    this.kick();
  }

  private async onDocsEvent(e: DesignDocsEvent): Promise<void> {
    if (e.kind === 'checklistChanged') {
      const t = this.tasks.get(e.taskId);
      if (t) {
        // The fast path of live progress: the watcher already parsed the file; show it before committing
        // (usually done already by the `documentChanged` event of the same reading, which carries these items).
        if (t.items !== e.items) {
          t.items = e.items;
          t.updatedAt = this.now();
          this._onDidChange.fire();
        }
        const run = this.runs.get(e.taskId);
        if (run?.phase === 'implementation' && e.changes.some((c) => c.before && c.after)) {
          const what = e.changes
            .filter((c) => c.after)
            .map((c) => `mark "${c.text.slice(0, 60)}" ${c.after}`)
            .join(', ');
          await this.commitTaskFolder(e.taskId, what || 'update checklist');
        }
      }
      return;
    }
    if (e.kind === 'documentChanged' && e.change === 'changed' && e.items) {
      // A checklist rewritten (an agent's tick): the watcher parsed it already, and nothing else of the task
      // lives in that file, so there is nothing to read again. A `checklistChanged` event follows for ticks.
      const t = this.tasks.get(e.taskId);
      if (t?.record) {
        t.items = e.items;
        t.updatedAt = this.now();
        this._onDidChange.fire();
        return;
      }
    }
    if (e.kind === 'taskAdded' || e.kind === 'taskRemoved' || e.kind === 'documentChanged') {
      const before = this.tasks.get(e.taskId)?.status;
      await this.refreshTask(e.taskId);
      this._onDidChange.fire();
      // A status changed outside this process (the CLI, a teammate's pull): let the scheduler look again.
      if (this.tasks.get(e.taskId)?.status !== before || e.kind === 'taskAdded') this.kick();
    }
  }

  private async refreshAll(): Promise<void> {
    const list = await this.deps.store.list();
    const seen = new Set<string>();
    for (const s of list) {
      seen.add(s.id);
      await this.refreshTask(s.id);
    }
    for (const id of [...this.tasks.keys()]) if (!seen.has(id)) this.tasks.delete(id);
    this._onDidChange.fire();
  }

  private async refreshTask(id: string) {
    let d: SpecTaskDetails;
    try {
      d = await this.deps.store.get(id);
    } catch {
      this.tasks.delete(id);
      return undefined;
    }
    if (!d.record || !d.status) {
      // A legacy or broken folder: listed, never scheduled.
      this.tasks.set(d.id, {
        id: d.id,
        number: d.id,
        title: d.title,
        status: 'backlog',
        items: d.checklist?.items ?? [],
        hasWorktree: false,
        updatedAt: this.now(),
        folder: d.folder,
        path: d.path,
        error: d.problems.map((p) => p.message).join('; ') || undefined,
      });
      return this.tasks.get(d.id);
    }
    const prev = this.tasks.get(d.id);
    const view = {
      id: d.id,
      number: d.record.id,
      title: d.title,
      status: d.record.status,
      backend: d.record.backend,
      items: d.checklist?.items ?? ([] as ChecklistItem[]),
      error: d.record.error,
      hasWorktree: !!d.record.branch,
      updatedAt: Math.max(prev?.updatedAt ?? 0, Date.parse(d.record.updatedAt) || 0),
      record: d.record,
      folder: d.folder,
      path: d.path,
    };
    this.tasks.set(d.id, view);
    return view;
  }

  private requireTask(id: string) {
    const t = this.tasks.get(id);
    if (!t) throw new Error(`no SpecTask ${id}`);
    return t;
  }

  private notice(n: OrchestratorNotice): void {
    this._onDidNotice.fire(n);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log?.(level, message);
  }

  override dispose(): void {
    for (const r of this.runs.values()) void r.cancel('orchestrator shut down');
    super.dispose();
  }
}
