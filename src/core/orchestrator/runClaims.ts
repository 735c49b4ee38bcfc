import type { ScheduleDecision } from './scheduler';

/** The start triggers of the scheduler that start an agent's run (not `start_planning`, which only queues). */
export type RunStartTrigger = Exclude<ScheduleDecision['start'][number]['trigger'], 'start_planning'>;

/** What a claim attempt before a start came to. */
export type ClaimAnswer =
  /** Claimed, and the claim carried the start transition: the task is in its working status already. */
  | { kind: 'claimed' }
  /** Not claimed (another holds it, the remote moved, it could not be reached): why, for the task's card. */
  | { kind: 'refused'; reason: string };

/**
 * Claims on a shared remote for an orchestrator that is not a worker (VS Code or `spectask run` with
 * `spectask.pushToRemote` on; DESIGN.md §9): the same claims workers take, so a teammate's editor and a worker never
 * run the same SpecTask. Implemented in src/core/workers/localClaims.ts.
 */
export interface RunClaims {
  /** Who runs the task elsewhere ("worker host:pid") when another holds its claim, as last read from the remote. */
  elsewhere(taskNumber: string): string | undefined;
  /** Claims the task before the scheduler starts it, atomically with its start transition. */
  acquire(taskId: string, taskNumber: string, trigger: RunStartTrigger): Promise<ClaimAnswer>;
}
