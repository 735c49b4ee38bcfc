import * as path from 'node:path';
import type { BackendId } from '../agents/agentBackend';
import type { AgentPool } from '../agents/agentPool';
import { processIdentity } from '../agents/processTree';
import { isSafeSessionId } from '../agents/sessionId';
import type { OrchestratorContext } from './orchestratorContext';
import { PHASES, runPaths, type MakePrompt, type Phase } from './phases';
import { adoptLedgerSession, runAgentOf } from './ledgerSessions';
import { withRunNotes, type PromptTask } from './prompts';
import type { TaskEntry } from './taskBook';

/** A run the supervisor is waiting on. Its card (start, activity) is in the fleet store; this is the bookkeeping. */
export interface ActiveRun {
  runId?: string;
  /** The run's id in the run ledger, where the sessions it reports are recorded. */
  ledgerRunId?: string;
  /** The agent session the run resumed or reported last (already in the ledger). */
  sessionId?: string;
  phase: Phase;
  /** The working directory the agent was started in (its code worktree). */
  cwd: string;
  nudges: number;
  retries: number;
  /** Set by Stop: the run's end is the user's choice (a stopped status), not a failure to retry. */
  stopping?: string;
  cancel(reason: string): Promise<void>;
}

/** What `AgentPool.runPhase` hands back: the run once its process started, and its one result. */
export type StartedRun = ReturnType<AgentPool['runPhase']>;

/**
 * Starts the agent of a prepared run (worktree ready, earlier commits done): records the code branch, adopts the
 * ledger's session, writes `run-started` to the ledger and hands the prompt to the pool. Throws when the run was
 * stopped meanwhile (`active.stopping`).
 */
export async function startAgentRun(
  ctx: OrchestratorContext,
  task: TaskEntry,
  phase: Phase,
  makePrompt: MakePrompt,
  active: ActiveRun,
): Promise<{ runId: string; started: StartedRun }> {
  const { deps } = ctx;
  const s = deps.settings();
  const spec = PHASES[phase];
  const wt = ctx.book.worktreeOf(task.id)!;
  if (!task.record?.branch)
    await deps.store.update(task.id, `code branch ${wt.branch}`, (r) => {
      r.branch = wt.branch;
      r.baseBranch = wt.baseBranch;
    });
  const promptTask: PromptTask = {
    number: task.number,
    title: task.title,
    goal: task.record?.prompt ?? task.title,
  };
  const paths = runPaths(task.path, wt);
  const cfg = spec.agent(s);
  const backend: BackendId = cfg.backend;
  const baseSha = await deps.worktrees.headSha(wt);
  const runId = `${task.id}-${phase}-${ctx.now().toString(36)}`;
  // The session the pool resumes: an earlier run's here, or the ledger's (a restart, a new `spectask run`).
  const agent = runAgentOf(backend, s);
  await adoptLedgerSession(deps.pool, deps.ledger, task.id, backend, (l, m) => ctx.log(l, m), agent);
  const known = deps.pool.agent(task.id);
  const sessionId = known?.backend === backend && isSafeSessionId(known.sessionId) ? known.sessionId : undefined;
  if (active.stopping) throw new Error(active.stopping);
  await deps.ledger.append({
    kind: 'run-started',
    runId,
    taskId: task.id,
    phase,
    backend,
    agent,
    cwd: wt.path,
    baseSha,
    at: ctx.now(),
    sessionId,
  });
  active.ledgerRunId = runId;
  active.sessionId = sessionId;
  const asker = ctx.permissions?.openRun(task.id);
  const started = deps.pool.runPhase(task.id, {
    backend,
    phase,
    worktree: wt.path,
    prompt: withRunNotes(makePrompt(promptTask, paths), {
      permissions: spec.permissions(s),
      resumed: !!sessionId,
      tasksFile: path.join(task.path, 'tasks.md'),
    }),
    model: cfg.model,
    permissions: spec.permissions(s),
    limits: { wallClockMs: s.wallClockTimeoutMs || undefined, idleMs: s.idleTimeoutMs || undefined },
    // The agent ticks its own tasks.md, which lives in the design-docs worktree (DESIGN.md §6).
    extraDirs: [task.path],
    cpuPriority: s.agentCpuPriority,
    askPerson: asker?.ask,
  });
  // An agent that crashed or was killed while a person's answer was pending never reads it: the question must
  // leave the card, the status bar count and "Answer the Agent" with the run, even when a child of the agent
  // keeps its output open (the protocol connection then never closes, so nothing else drops the question).
  if (asker)
    void started.finished.then(
      () => asker.close('the agent run ended'),
      () => asker.close('the agent run ended'),
    );
  return { runId, started };
}

/** Records the run's process (pid and start time, the PID-reuse guard) in the ledger once it started. */
export function recordRunProcess(
  ctx: OrchestratorContext,
  task: TaskEntry,
  runId: string,
  active: ActiveRun,
  started: StartedRun,
): void {
  const { deps } = ctx;
  void started.run
    .then(async (run) => {
      if (!run) return;
      active.runId = run.runId;
      // Only the root's start time is needed (PID-reuse guard). The host knows it once the process started
      // (a back-end may resolve its run before the spawn); else one /proc read, off the event loop.
      const identity = run.processIdentity
        ? await run.processIdentity()
        : run.pid
          ? await processIdentity(run.pid)
          : undefined;
      return deps.ledger.append({
        kind: 'run-attached',
        runId,
        pid: identity?.pid ?? run.pid,
        processStartTime: identity?.startTime,
        at: ctx.now(),
      });
    })
    .catch((e) =>
      ctx.log(
        'warn',
        `could not record the process of SpecTask ${task.number} in the run ledger: ${(e as Error).message}`,
      ),
    );
}
