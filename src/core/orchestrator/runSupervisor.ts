import type { BackendId } from '../agents/agentBackend';
import type { ResultEvent } from '../agents/agentEvents';
import { isSafeSessionId } from '../agents/sessionId';
import { Disposable } from '../lifecycle';
import { describeToolCall } from './fleetView';
import type { OrchestratorContext } from './orchestratorContext';
import { PHASES, phaseOfStatus, type MakePrompt, type Phase } from './phases';
import { followLiveUsage } from './liveUsage';
import { agentMismatch, runAgentOf } from './ledgerSessions';
import { implementationChangesPrompt } from './prompts';
import { RunCommits } from './runCommits';
import { recordRunProcess, startAgentRun, type ActiveRun, type StartedRun } from './runLaunch';
import { failRun } from './runFailure';
import { clearOldError, stopRun } from './runStop';
import {
  CHANGES_REQUESTED,
  failureReason,
  nudgeReason,
  RESUMED_AFTER_RESTART,
  RESUMED_ORPHAN,
  retryReason,
  unfinishedWork,
} from './restartReason';
import type { TaskEntry } from './taskBook';

/** How a run continues an earlier one: the nudges and retries so far, and why it is not the task's first. */
export interface Restart {
  nudges?: number;
  retries?: number;
  reason?: string;
}

/**
 * Runs the agents (DESIGN.md §6): launches a phase's run, handles its end (commit, verdict), nudges and retries
 * it a bounded number of times, fails it, and after a crash or reload resumes interrupted runs and relaunches
 * orphans. What differs between planning and implementation comes from the phase table (phases.ts).
 */
export class RunSupervisor extends Disposable {
  private readonly runs = new Map<string, ActiveRun>();
  /** Tasks the scheduler is moving into a working status and starting: not orphans, though no run is registered yet. */
  private readonly starting = new Set<string>();

  /** The orchestrator's commits around a run (agents never write to git). */
  private readonly commits: RunCommits;

  constructor(private readonly ctx: OrchestratorContext) {
    super();
    this.commits = this._register(new RunCommits(ctx, (id) => this.phaseOf(id)));
    this._register(followLiveUsage(ctx.deps.pool.onDidRunEvent, ctx.fleet));
    this._register(
      ctx.deps.pool.onDidRunEvent(({ taskId, event }) => {
        const run = this.runs.get(taskId);
        if (!run) return;
        if (event.t === 'tool_call') {
          // The agent names files in its worktree and in its SpecTask folder, which lives in the design-docs worktree.
          const activity = describeToolCall(event, [run.cwd, ctx.deps.store.worktreePath]);
          ctx.fleet.dispatch({ type: 'runActivity', id: taskId, activity, at: ctx.now() });
        } else if (event.t === 'session' && event.sessionId) {
          void this.rememberSession(taskId, run, event.sessionId);
        }
      }),
    );
  }

  /** Whether an agent works on the task here. */
  isRunning(id: string): boolean {
    return this.runs.has(id);
  }

  /** The phase of the task's run, if an agent works on it here. */
  phaseOf(id: string): Phase | undefined {
    return this.runs.get(id)?.phase;
  }

  /**
   * Marks a task as being started by the scheduler for the duration of `start`: the reconcile tick must not take
   * it for an orphan while its status already says "working" but its run is not registered yet.
   */
  async whileStarting(id: string, start: () => Promise<void>): Promise<void> {
    this.starting.add(id);
    try {
      await start();
    } finally {
      this.starting.delete(id);
    }
  }

  /** Stops the task's agent (tree-kill). The task is "stopped by you" (not failed), and Retry resumes it. */
  async stop(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) {
      await this.ctx.deps.pool.stopAgent(id, 'stopped by the user');
      return;
    }
    await run.cancel('stopped by the user');
  }

  /** Whether the task's status says an agent works on it, but none does or is being started here. */
  private isOrphan(t: TaskEntry): boolean {
    return phaseOfStatus(t.status) !== undefined && !this.runs.has(t.id) && !this.starting.has(t.id);
  }

  /** Tasks whose status says an agent works on them, but none does here (a crash, another process's change). */
  async relaunchOrphans(): Promise<void> {
    if (this.ctx.deps.mayRunAgents?.()) return;
    for (const t of this.ctx.book.all()) {
      const phase = phaseOfStatus(t.status);
      if (!phase || !this.isOrphan(t)) continue;
      const last = t.record?.history.at(-1);
      const changes = last?.trigger === 'request_implementation_changes' ? last.note : undefined;
      // Changes requested from another process (`spectask request-changes`) are the normal way here, no orphan.
      if (changes) this.ctx.log('info', `SpecTask ${t.number}: starting its agent on the requested changes`);
      else
        this.ctx.log(
          'warn',
          `SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')} but no agent runs for it; resuming`,
        );
      await this.launch(
        t,
        phase,
        changes ? (task, paths) => implementationChangesPrompt(task, paths, changes) : PHASES[phase].continuePrompt,
        { reason: changes ? CHANGES_REQUESTED : RESUMED_ORPHAN },
      ).catch((e) => this.ctx.log('error', `could not resume SpecTask ${t.number}: ${(e as Error).message}`));
    }
  }

  /** After a crash or reload: every run the ledger shows unfinished is ended and resumed on its session. */
  async resumeInterrupted(): Promise<void> {
    const { deps } = this.ctx;
    const open = await deps.ledger.interruptedRuns();
    for (const r of open) {
      // An agent orphaned by the previous process would keep writing: stop its whole tree first, but only
      // if that PID is still the same process (start time), never a stranger that reused the number.
      if (r.pid) await deps.pool.host.killTreeOf({ pid: r.pid, startTime: r.processStartTime ?? '' });
      await deps.ledger.append({ kind: 'run-ended', runId: r.runId, outcome: 'interrupted', at: this.ctx.now() });
      const t = this.ctx.book.get(r.taskId);
      if (!t || !this.isOrphan(t)) continue;
      // Session ids are machine-local: only the ledger's is resumed, never `agentSessions` from spectask.json,
      // which lives on the shared branch (a teammate's value would reach the agent's argv).
      let sessionId = r.sessionId;
      // One ACP back-end drives many agents: a session is another agent's when the agent configured now differs.
      const other = sessionId ? agentMismatch(r.agent, runAgentOf(r.backend as BackendId, deps.settings())) : undefined;
      if (other) {
        this.ctx.log(
          'warn',
          `SpecTask ${t.number}: not resuming session ${sessionId}: ${other}; starting a fresh session`,
        );
        sessionId = undefined;
      }
      if (sessionId && !deps.pool.adoptSession(t.id, r.backend as BackendId, sessionId)) {
        this.ctx.log(
          'warn',
          `SpecTask ${t.number}: the run ledger's session ${JSON.stringify(sessionId)} is not a valid session id; starting a fresh session`,
        );
        sessionId = undefined;
      }
      if (deps.mayRunAgents?.()) continue;
      this.ctx.log(
        'info',
        `resuming the interrupted ${r.phase} run of SpecTask ${t.number}${sessionId ? ` on session ${sessionId}` : ''}`,
      );
      await this.launch(t, r.phase, PHASES[r.phase].continuePrompt, { reason: RESUMED_AFTER_RESTART });
    }
  }

  /**
   * Starts a run of the task's agent. `restart` counts the nudges and retries so far and says why this run is
   * not the task's first, for its dashboard card.
   */
  async launch(task: TaskEntry, phase: Phase, makePrompt: MakePrompt, restart: Restart = {}): Promise<void> {
    const { deps } = this.ctx;
    const blocked = deps.mayRunAgents?.(task.id);
    if (blocked) {
      // The status stays; whoever may run agents (a trusted window, `spectask run`) picks it up.
      this.ctx.fleet.dispatch({ type: 'queueReason', id: task.id, reason: blocked });
      return;
    }
    const spec = PHASES[phase];
    const wt = this.ctx.book.worktreeOf(task.id)!;
    let ticket: { cancel(reason?: string): Promise<void> } | undefined;
    // Registered before the first await: a Stop that arrives while the worktree is being prepared must win.
    const active: ActiveRun = {
      phase,
      cwd: wt.path,
      nudges: restart.nudges ?? 0,
      retries: restart.retries ?? 0,
      cancel: async (reason) => {
        active.stopping ??= reason;
        await ticket?.cancel(reason);
      },
    };
    this.runs.set(task.id, active);
    this.ctx.fleet.dispatch({
      type: 'runStarted',
      id: task.id,
      startedAt: this.ctx.now(),
      restartReason: restart.reason,
    });
    let runId: string;
    let started: StartedRun;
    try {
      // Planning runs in the code worktree too: the agent reads the code there, and its session (scoped to
      // the cwd by some back-ends) can then be resumed for implementation in the same folder.
      await clearOldError(this.ctx, task);
      await deps.worktrees.ensure(wt);
      this.ctx.book.worktreePresence(task.id, true);
      if (spec.fastForward) await deps.worktrees.fastForwardToBase(wt).catch(() => false);
      await this.commits.beforeRun(task.id, phase);
      ({ runId, started } = await startAgentRun(this.ctx, task, phase, makePrompt, active));
      ticket = started;
    } catch (e) {
      if (this.runs.get(task.id) === active) this.forget(task.id);
      if (active.stopping) {
        await stopRun(this.ctx, task.id, phase);
        return;
      }
      throw e;
    }
    const finalRunId = runId;
    recordRunProcess(this.ctx, task, finalRunId, active, started);
    void started.finished
      .then((result) => this.onRunFinished(task.id, finalRunId, active, result, makePrompt))
      .catch((e) => {
        this.ctx.log('error', `after the run of ${task.number}: ${(e as Error).message}`);
        this.ctx.notice({
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
    makePrompt: MakePrompt,
  ): Promise<void> {
    // Cut short by this orchestrator shutting down (Reload Window, VS Code closing): the run stays open in the
    // ledger, so the next start resumes it on its session (resumeInterrupted) instead of starting afresh.
    if (this.ctx.isDisposed()) return;
    // A ledger that cannot be written (disk full) must not stop the run's end from being handled; the run then
    // merely looks interrupted to the next start, which resumes it.
    await this.ctx.deps.ledger
      .append({ kind: 'run-ended', runId, outcome: result.status, at: this.ctx.now() })
      .catch((e) =>
        this.ctx.log('warn', `could not record the end of run ${runId} in the run ledger: ${(e as Error).message}`),
      );
    try {
      await this.handleRunEnd(id, active, result, makePrompt);
    } finally {
      // Only now is the task free for another run. While its end was being handled (committing, checking the
      // work: git, seconds on a busy machine) the status still said an agent works on it; had the run been
      // forgotten earlier, the reconcile tick took the task for an orphan and started a second run on the same
      // agent, and the next phase then failed with "the agent is busy".
      if (this.runs.get(id) === active) {
        this.forget(id);
        if (!this.ctx.isDisposed()) this.ctx.kick();
      }
    }
  }

  private async handleRunEnd(id: string, active: ActiveRun, result: ResultEvent, makePrompt: MakePrompt) {
    const { deps } = this.ctx;
    if (this.ctx.isDisposed()) return;
    if (result.status !== 'success' && (await deps.store.restoreEmptiedChecklist(id).catch(() => false)))
      this.ctx.log(
        'warn',
        `SpecTask ${id}: the agent's run ended ${result.status} leaving tasks.md empty; restored it as last committed`,
      );
    // The agent's code is committed (the ticks' commits, then what is left), and whatever it wrote in its
    // SpecTask folder, first, so nothing is lost either way.
    await this.commits.afterRun(id, active.phase, result.status);
    await this.ctx.commitTaskFolder(id, `${active.phase} run ${result.status}`);
    const task = await this.ctx.book.refresh(id);
    if (!task) return;
    const spec = PHASES[active.phase];
    if (task.status !== spec.status) return; // moved on meanwhile (archived, stopped, …)
    if (active.stopping) {
      await stopRun(this.ctx, id, active.phase);
      return;
    }
    // Checking the work needs git and the files; when that fails (disk full, a broken worktree) the run is not
    // done, for a reason the user can act on, instead of the task staying "working" with no agent.
    const verdict = await spec
      .verdict({ task, result, store: deps.store, worktrees: deps.worktrees, worktree: this.ctx.book.worktreeOf(id)! })
      .catch((e): { ok: false; problems: string[] } => ({
        ok: false,
        problems: [`could not check the agent's work: ${(e as Error).message}`],
      }));
    if (verdict.ok) {
      await this.ctx.apply(id, spec.succeeded, undefined, false);
      if (this.ctx.book.get(id)?.record?.error)
        await deps.store
          .update(id, 'clear error', (r) => {
            delete r.error;
          })
          .catch(() => undefined);
      await this.ctx.book.refresh(id);
      this.ctx.notice({ taskId: id, ...spec.ready(task) });
      this.ctx.kick();
      return;
    }
    // A refused login, a missing binary, an API error the CLI calls final: no nudge or retry can help.
    if (result.errorKind) return this.fail(id, active.phase, failureReason(result, []));
    const s = deps.settings();
    const refreshed = this.ctx.book.require(id);
    const unfinished = unfinishedWork(active.phase, refreshed.items);
    if (active.nudges < s.maxNudges && result.status !== 'crashed') {
      this.ctx.log(
        'info',
        `SpecTask ${task.number}: nudging the agent (${active.nudges + 1}/${s.maxNudges}): ${verdict.problems.join('; ')}`,
      );
      await this.launch(refreshed, active.phase, (t, paths) => spec.nudge(t, paths, verdict.problems), {
        nudges: active.nudges + 1,
        retries: active.retries,
        reason: nudgeReason(active.nudges + 1, s.maxNudges, unfinished),
      });
      return;
    }
    if (active.retries < s.maxRetries) {
      const wait = s.retryBackoffMs * 2 ** active.retries;
      this.ctx.log('info', `SpecTask ${task.number}: retrying in ${wait} ms (${active.retries + 1}/${s.maxRetries})`);
      await new Promise((r) => setTimeout(r, wait));
      const again = this.ctx.book.get(id);
      if (!again || again.status !== spec.status || this.ctx.isDisposed()) return;
      await this.launch(again, active.phase, makePrompt, {
        nudges: 0,
        retries: active.retries + 1,
        reason: retryReason(active.retries + 1, s.maxRetries, result, unfinished),
      });
      return;
    }
    await this.fail(id, active.phase, failureReason(result, verdict.problems));
  }

  /** Records why the task's run failed and moves it to its phase's failed status (when it is still working). */
  fail(id: string, phase: Phase, reason: string): Promise<void> {
    return failRun(this.ctx, id, phase, reason);
  }

  /**
   * Records the session a run reported in the run ledger, so a restart resumes it (resumeInterrupted). Session ids
   * are machine-local: never written to spectask.json, which is shared with teammates and remotes.
   */
  private async rememberSession(id: string, run: ActiveRun, sessionId: string): Promise<void> {
    if (!run.ledgerRunId || run.sessionId === sessionId) return;
    if (!isSafeSessionId(sessionId)) {
      this.ctx.log('warn', `SpecTask ${id}: the agent reported ${JSON.stringify(sessionId)}, not a valid session id`);
      return;
    }
    run.sessionId = sessionId;
    await this.ctx.deps.ledger
      .append({ kind: 'run-attached', runId: run.ledgerRunId, sessionId, at: this.ctx.now() })
      .catch((e) => this.ctx.log('warn', `could not record the session: ${(e as Error).message}`));
  }

  /** The run ended: the task is free for another, and its card says no agent works on it. */
  private forget(id: string): void {
    this.runs.delete(id);
    this.ctx.fleet.dispatch({ type: 'runEnded', id });
  }

  override dispose(): void {
    for (const r of this.runs.values()) void r.cancel('orchestrator shut down');
    super.dispose();
  }
}
