import type { MessageOutcome } from '../agents/agentMessages';
import type { DesignDocsEvent } from '../docs/designDocsWatcher';
import type { CreateSpecTaskInput } from '../docs/specTaskStore';
import type { Priority, SpecTaskRecord } from '../docs/specTaskSchema';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import { SerialPasses } from '../serialPasses';
import { FleetStore } from '../store/fleetStore';
import type { FleetSnapshot } from '../../protocol/fleet';
import { startClaimedRun, type ClaimedStart } from './claimedStart';
import type { CodeWorktree } from './codeWorktrees';
import { buildFleetSnapshot, type RunView, type TaskView } from './fleetView';
import { FolderCommits } from './folderCommits';
import { Integrator, type AcceptResult } from './integrator';
import type { LogLevel, OrchestratorContext, OrchestratorDeps, OrchestratorNotice } from './orchestratorContext';
import { DEFAULT_PERMISSION_TIMEOUT_MS, PermissionRoom } from './permissionRoom';
import { PHASES, phaseOfStartTrigger } from './phases';
import { implementationChangesPrompt, implementationPrompt } from './prompts';
import { ReviewService, type NewReviewComment } from '../review/reviewService';
import { CHANGES_REQUESTED, REOPENED, RETRIED_AFTER_FAILURE } from './restartReason';
import { RunSupervisor } from './runSupervisor';
import { schedule, type SchedulableTask, type ScheduleDecision } from './scheduler';
import type { Trigger } from './statusMachine';
import { TaskBook } from './taskBook';

export type { OrchestratorDeps, OrchestratorNotice } from './orchestratorContext';

const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * The SpecTask orchestrator (DESIGN.md §5–§7), a thin coordinator: it turns user intents and the scheduler's
 * decisions into status-machine transitions, keeps the tasks as last read in step with the watcher, and runs
 * the reconcile tick that repairs drift. Running the agents (launch, verdict, nudge, retry, resume) is the
 * {@link RunSupervisor}'s job; bringing an accepted branch into its base is the {@link Integrator}'s.
 */
export class Orchestrator extends Disposable {
  private readonly book: TaskBook;
  private readonly runs: RunSupervisor;
  private readonly integrator: Integrator;
  /** Review comments and the Request-changes intent (one commit); the review UI uses the same instance. */
  readonly review: ReviewService;
  private readonly commits: FolderCommits;
  /** What every surface shows; the orchestrator's parts write it, the surfaces project from it. */
  readonly fleet: FleetStore;
  /** Tool calls runs wait on a person for ("waiting for you"); the surfaces answer them here. */
  readonly permissions: PermissionRoom;
  /** Scheduler passes: never two at once; a kick during a pass runs one more after it. */
  private readonly passes = new SerialPasses(
    () => this.tick(),
    (e) => this.log('error', `orchestrator pass failed: ${(e as Error).message}`),
    () => this.isDisposed,
  );
  private started = false;
  private readonly now: () => number;
  /** Anything the fleet snapshot or the tree shows changed: the fleet store's one coalesced change, with its rev. */
  readonly onDidChange: Event<number>;
  private readonly _onDidNotice = this._register(new Emitter<OrchestratorNotice>());
  readonly onDidNotice: Event<OrchestratorNotice> = this._onDidNotice.event;

  constructor(private readonly deps: OrchestratorDeps) {
    super();
    this.now = deps.now ?? Date.now;
    this.fleet = this._register(new FleetStore());
    this.onDidChange = this.fleet.onDidChange;
    this.permissions = this._register(
      new PermissionRoom({
        dispatch: (e) => this.fleet.dispatch(e),
        now: () => this.now(),
        timeoutMs: () => deps.settings().permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS,
      }),
    );
    this.book = new TaskBook(deps.store, this.fleet, deps.repoRoot, this.now);
    this.commits = new FolderCommits(
      deps.store,
      (id) => this.book.get(id)?.number,
      (n) => this.notice(n),
      (level, message) => this.log(level, message),
    );
    const ctx = this.context();
    this.runs = this._register(new RunSupervisor(ctx));
    this.integrator = new Integrator(ctx, {
      // A conflict or failing tests: the same agent session works on it again (like Request changes).
      sendBack: (id, prompt, reason) => this.runs.launch(this.book.require(id), 'implementation', prompt, { reason }),
      isStarted: () => this.started,
    });
    // Its commits are this process's own writes: they reach the store through onDidWriteRecord; once the
    // Request-changes commit is made, the scheduler may start the revision.
    this.review = new ReviewService({ store: deps.store, now: () => this.now(), afterTransition: () => this.kick() });
    this._register(deps.watcher.onDidChange((e) => void this.onDocsEvent(e)));
    this._register(deps.pool.onDidChangeAgent((agent) => this.fleet.dispatch({ type: 'agentChanged', agent })));
    // A spectask.json written in this process (an intent, a run's end, the review) is taken as written; the
    // watcher does not report it again (SpecTaskStore.isOwnWrite). The scheduler is not kicked from here: the
    // record is announced before its commit, and a pass started now would write the next status into the same
    // coalesced commit (Request changes' comments and the revision's start as one commit). The writers kick
    // once their commit is made (apply, the run supervisor, the ReviewService's afterTransition).
    this._register(deps.store.onDidWriteRecord((record) => this.book.recordWritten(record)));
    this._register(toDisposable(() => clearTimeout(this.claimRetry)));
  }

  /** What the run supervisor and the integrator may do through the coordinator. */
  private context(): OrchestratorContext {
    return {
      deps: this.deps,
      book: this.book,
      now: this.now,
      isDisposed: () => this.isDisposed,
      fleet: this.fleet,
      permissions: this.permissions,
      kick: () => this.kick(),
      apply: (id, trigger, note, kick) => this.apply(id, trigger, note, kick),
      commitTaskFolder: (id, what) => this.commits.commit(id, what),
      notice: (n) => this.notice(n),
      log: (level, message) => this.log(level, message),
    };
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
    await this.integrator.recover();
    await this.runs.resumeInterrupted();
    await this.runs.relaunchOrphans();
    const interval = this.deps.settings().reconcileIntervalMs;
    if (interval > 0) {
      const t = setInterval(() => void this.reconcile(), interval);
      t.unref?.();
      this._register(toDisposable(() => clearInterval(t)));
    }
    this.kick();
  }

  /** The pass that retries refused claims, while one is due. */
  private claimRetry: NodeJS.Timeout | undefined;

  /** The complete dashboard view-model. */
  fleetSnapshot(): FleetSnapshot {
    const state = this.fleet.state;
    return buildFleetSnapshot({
      tasks: state.tasks.values(),
      agents: state.agents,
      runs: state.runs,
      working: state.working,
      queueReasons: state.queueReasons,
      integrationQueue: this.integrator.queue().map((t) => t.id),
      filePredictions: this.integrator.predictionChecks.notes(),
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
    /** Tool calls its agent waits on a person for. */
    waiting?: RunView['waiting'];
  })[] {
    const state = this.fleet.state;
    return [...state.tasks.values()].map((t) => ({
      ...t,
      queueReason: state.queueReasons.get(t.id),
      agentWorking: state.working.has(t.id),
      waiting: state.runs.get(t.id)?.waiting,
    }));
  }

  task(id: string) {
    return this.book.get(id);
  }

  /** The code worktree of a task (whether or not it exists yet). */
  worktreeOf(id: string): CodeWorktree | undefined {
    return this.book.worktreeOf(id);
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
    await this.book.refresh(summary.id);
    if (opts.skipPlanning) await this.skipPlanning(summary.id);
    else if (opts.startPlanning) await this.startPlanning(summary.id);
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

  /**
   * Sends the open comments to the same planning session as a revision: the comments, their "sent" marks and
   * the move to spec_revision are one design-docs commit (ReviewService), so no revision starts without them.
   */
  async requestSpecChanges(id: string, comments: readonly NewReviewComment[], note?: string): Promise<void> {
    await this.review.requestSpecChanges(id, comments, note);
  }

  reject(id: string, note?: string): Promise<void> {
    return this.apply(id, 'reject', note);
  }

  /**
   * Accept: the SpecTask enters the integration queue. Where the loop runs, resolves once it is merged (or its
   * pull request opened) and rejects with the reason when it was not (sent back to its agent, held); a one-shot
   * command only enqueues (`queued` = its place) and `spectask run` integrates.
   */
  accept(id: string): Promise<AcceptResult> {
    return this.integrator.accept(id);
  }

  /** The integration queue in order (ids), for `spectask queue`. */
  integrationQueue(): string[] {
    return this.integrator.queue().map((t) => t.id);
  }

  /** Each queued or integrating SpecTask's place and why it waits (what the tick gives the views). */
  integrationQueueReasons(): Map<string, string> {
    return this.integrator.queueReasons();
  }

  /** Nothing to integrate now: no integration runs and every queued SpecTask is held (or none is queued). */
  integrationIdle(): boolean {
    return this.integrator.isIdle();
  }

  /** Resolves when no integration runs. */
  whenIntegrationIdle(): Promise<void> {
    return this.integrator.whenIdle();
  }

  async requestImplementationChanges(id: string, comments: string): Promise<void> {
    await this.apply(id, 'request_implementation_changes', comments, false);
    await this.runs.launch(
      this.book.require(id),
      'implementation',
      (task, paths) => implementationChangesPrompt(task, paths, comments),
      { reason: CHANGES_REQUESTED },
    );
  }

  /** Stops the task's agent (tree-kill). The task is "stopped by you" (not failed), and Retry resumes it. */
  stop(id: string): Promise<void> {
    return this.runs.stop(id);
  }

  /** A person's message for the SpecTask's live run (issue 20): taken for its next turn, or refused saying why. */
  messageAgent(id: string, text: unknown): MessageOutcome {
    return this.deps.pool.messageAgent(id, text);
  }

  retry(id: string): Promise<void> {
    return this.apply(id, 'retry');
  }

  async archive(id: string): Promise<void> {
    if (this.runs.isRunning(id)) await this.stop(id);
    await this.apply(id, 'archive');
  }

  restore(id: string): Promise<void> {
    return this.apply(id, 'restore');
  }

  async reopen(id: string): Promise<void> {
    await this.apply(id, 'reopen', undefined, false);
    await this.runs.launch(
      this.book.require(id),
      'implementation',
      (task, paths) => implementationPrompt(task, paths, { hasSpec: true }),
      { reason: REOPENED },
    );
  }

  /** Starts the agent of a SpecTask this process claimed on the remote (a worker): see claimedStart.ts. */
  startClaimed(id: string, claim: ClaimedStart): Promise<void> {
    return this.runs.whileStarting(id, () => startClaimedRun(this.runs, this.book.get(id), claim));
  }

  // ---------------------------------------------------------------- the loop

  /** Schedules a pass of the loop soon; passes never overlap. */
  kick(): void {
    this.passes.request();
  }

  /** Repairs drift: re-reads every task and restarts work that should be running but is not. */
  async reconcile(): Promise<void> {
    await this.commits.retryFailed();
    await this.refreshAll();
    await this.runs.relaunchOrphans();
    this.kick();
  }

  private async tick(): Promise<void> {
    if (this.isDisposed) return;
    const blocked = this.deps.mayRunAgents?.();
    const files = await this.integrator.predictedFiles();
    const schedulable: SchedulableTask[] = [...this.book.all()].map((t) => ({
      id: t.id,
      number: t.number,
      status: t.status,
      priorityRank: PRIORITY_RANK[t.record?.priority ?? 'medium'],
      dependsOn: t.record?.dependsOn ?? [],
      files: files.get(t.id),
      elsewhere: this.deps.claims?.elsewhere(t.number),
    }));
    const s = this.deps.settings();
    const decision = schedule(schedulable, {
      planning: s.caps.planning,
      implementation: s.caps.implementation,
      autoStart: s.autoStart,
      fileOverlap: s.fileOverlap,
    });
    for (const w of decision.warnings) this.log('warn', w);
    const reasons = new Map(decision.queueReasons);
    for (const [id, r] of this.integrator.queueReasons(blocked)) reasons.set(id, r);
    if (blocked) for (const d of decision.start) if (d.trigger !== 'start_planning') reasons.set(d.taskId, blocked);
    this.fleet.dispatch({ type: 'queueReasons', reasons });
    if (blocked) return;
    if (this.started) await this.integrator.pass();
    for (const d of decision.start) {
      const t = this.book.get(d.taskId);
      if (!t) continue;
      await this.runs.whileStarting(d.taskId, () => this.startDecided(d, t.number));
    }
  }

  /** Carries out one start decision of the scheduler: the transition, then the run. */
  private async startDecided(d: ScheduleDecision['start'][number], number: string): Promise<void> {
    // With claims (pushToRemote), the claim carries the transition: it is on the remote before any agent starts.
    const claim =
      d.trigger !== 'start_planning' ? await this.deps.claims?.acquire(d.taskId, number, d.trigger) : undefined;
    if (claim?.kind === 'refused') {
      // Refused (the remote moved meanwhile, or was out of reach): another pass tries again in a moment, not only
      // at the next change or reconcile tick, which may never come while nothing else runs.
      this.claimRetry ??= setTimeout(() => ((this.claimRetry = undefined), this.kick()), 1000).unref();
      return this.fleet.dispatch({ type: 'queueReason', id: d.taskId, reason: claim.reason });
    }
    try {
      if (claim) await this.book.refresh(d.taskId);
      else await this.apply(d.taskId, d.trigger, undefined, false);
    } catch (e) {
      // The decision was made on a view that is stale by now (another pass or process moved the task
      // first): the status machine refused it, which is the point. Skip it; the next pass sees the truth.
      this.log('info', `skipped "${d.trigger}" for SpecTask ${number}: ${(e as Error).message}`);
      await this.book.refresh(d.taskId);
      return;
    }
    const phase = phaseOfStartTrigger(d.trigger);
    if (!phase) {
      // `start_planning` only queues the task: the same pass may give it a planning slot.
      this.passes.request();
      return;
    }
    try {
      const task = this.book.require(d.taskId);
      const plan = PHASES[phase].starts[d.trigger]!(task);
      // The transition just applied is the last history entry; a Retry on the failed task is the one before it.
      const retried = task.record?.history.at(-2)?.trigger === 'retry' ? RETRIED_AFTER_FAILURE : undefined;
      await this.runs.launch(task, phase, plan.prompt, { reason: plan.reason ?? retried });
    } catch (e) {
      this.log('error', `could not start SpecTask ${number}: ${(e as Error).message}`);
      await this.runs.fail(d.taskId, phase, (e as Error).message);
    }
  }

  // ---------------------------------------------------------------- helpers

  private async apply(id: string, trigger: Trigger, note?: string, kick = true): Promise<void> {
    await this.deps.store.transition(id, trigger, note);
    await this.book.refresh(id);
    if (kick) this.kick();
  }

  private async onDocsEvent(e: DesignDocsEvent): Promise<void> {
    if (e.kind === 'checklistChanged') {
      if (!this.book.get(e.taskId)) return;
      // The fast path of live progress: the watcher already parsed the file; show it before committing
      // (usually done already by the `documentChanged` event of the same reading, which carries these items).
      this.book.setItems(e.taskId, e.items);
      if (this.runs.phaseOf(e.taskId) === 'implementation' && e.changes.some((c) => c.before && c.after)) {
        const what = e.changes
          .filter((c) => c.after)
          .map((c) => `mark "${c.text.slice(0, 60)}" ${c.after}`)
          .join(', ');
        await this.commits.commit(e.taskId, what || 'update checklist');
      }
      return;
    }
    if (e.kind === 'documentChanged' && e.change === 'changed' && e.items) {
      // A checklist rewritten (an agent's tick): the watcher parsed it already, and nothing else of the task
      // lives in that file, so there is nothing to read again. A `checklistChanged` event follows for ticks.
      if (this.book.get(e.taskId)?.record) {
        this.book.setItems(e.taskId, e.items);
        return;
      }
    }
    if (e.kind === 'taskAdded' || e.kind === 'taskRemoved' || e.kind === 'documentChanged') {
      const before = this.book.get(e.taskId)?.status;
      await this.book.refresh(e.taskId, e.kind === 'documentChanged');
      // A status changed outside this process (the CLI, a teammate's pull): let the scheduler look again.
      if (this.book.get(e.taskId)?.status !== before || e.kind === 'taskAdded') this.kick();
    }
  }

  private refreshAll(): Promise<void> {
    return this.book.refreshAll(this.deps.watcher.takeBaseline()); // the first: what the watcher's first scan read
  }

  private notice(n: OrchestratorNotice): void {
    this._onDidNotice.fire(n);
  }

  private log(level: LogLevel, message: string): void {
    this.deps.log?.(level, message);
  }
}
