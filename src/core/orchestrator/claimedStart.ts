import { PHASES, phaseOfStatus, type Phase, type StartPlan } from './phases';
import { implementationChangesPrompt } from './prompts';
import { CHANGES_REQUESTED, RESUMED_AFTER_RESTART, RESUMED_ORPHAN } from './restartReason';
import type { RunSupervisor } from './runSupervisor';
import type { Trigger } from './statusMachine';
import type { TaskEntry } from './taskBook';

/** How a SpecTask came to be claimed (DESIGN.md §9): from the queue, or taken over from an expired lease. */
export interface ClaimedStart {
  /**
   * The claim was taken over from a holder whose lease expired: its agent's work so far is what it pushed
   * (the task branch, the ticks), so the run resumes from there with the prompt a reload uses, on a new session.
   */
  takenOver: boolean;
  /** Who held the claim before (a worker's name), for the card. */
  from?: string;
  /**
   * The claim was this clone's own, held by its process before a restart (holderId.ts): the run resumes like
   * after a reload, with the resume prompt, on a new session.
   */
  restarted?: boolean;
}

/** Why a taken-over run is not the task's first, for its dashboard card. */
export function takenOverReason(from?: string): string {
  return `taken over${from ? ` from ${from}` : ''} after its lease expired; resumed from what was pushed`;
}

/**
 * The run a claimed SpecTask starts with. A claim from the queue carried the scheduler's start transition in its
 * status commit, so the last history entry names the trigger and the run starts the way the local scheduler
 * starts it (the first implementation prompt, the revision with its comments…). A takeover continues someone
 * else's interrupted run: the phase's resume prompt (the one a reload uses) tells the agent to read the checklist
 * and the files and go on with the first item that is not done. Undefined when no agent works in the status.
 */
export function claimedStartPlan(task: TaskEntry, claim: ClaimedStart): { phase: Phase; plan: StartPlan } | undefined {
  const phase = phaseOfStatus(task.status);
  if (!phase) return undefined;
  const spec = PHASES[phase];
  if (claim.restarted) return { phase, plan: { prompt: spec.continuePrompt, reason: RESUMED_AFTER_RESTART } };
  if (claim.takenOver) return { phase, plan: { prompt: spec.continuePrompt, reason: takenOverReason(claim.from) } };
  const last = task.record?.history.at(-1);
  const start = last ? spec.starts[last.trigger as Trigger] : undefined;
  if (start) return { phase, plan: start(task) };
  const changes = last?.trigger === 'request_implementation_changes' ? last.note : undefined;
  if (changes)
    return {
      phase,
      plan: { prompt: (t, paths) => implementationChangesPrompt(t, paths, changes), reason: CHANGES_REQUESTED },
    };
  // Moved into its working status some other way: resumed like any task no agent works on.
  return { phase, plan: { prompt: spec.continuePrompt, reason: RESUMED_ORPHAN } };
}

/** Launches the claimed task's run (nothing when an agent already works on it here or it left its working status). */
export async function startClaimedRun(
  runs: RunSupervisor,
  task: TaskEntry | undefined,
  claim: ClaimedStart,
): Promise<void> {
  if (!task || runs.isRunning(task.id)) return;
  const start = claimedStartPlan(task, claim);
  if (!start) return;
  await runs.launch(task, start.phase, start.plan.prompt, { reason: start.plan.reason });
}
