import { schedule, type ScheduleDecision } from '../orchestrator/scheduler';
import type { SpecTaskStatus } from '../orchestrator/statusMachine';
import type { Priority } from '../docs/specTaskSchema';

const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** What the worker's choice reads of a SpecTask (the orchestrator's task views carry it). */
export interface ClaimableTask {
  id: string;
  number: string;
  status: SpecTaskStatus;
  record?: { priority?: Priority; dependsOn?: readonly string[] };
}

/**
 * The SpecTasks a worker tries to claim now, chosen by the local scheduler (priority, dependencies, revisions
 * first) with `free` slots. Tasks other workers hold, and working tasks in general, take no slot of ours (each
 * worker has its own caps), and a task whose claim exists is never chosen.
 */
export function chooseClaims(
  tasks: readonly ClaimableTask[],
  claimed: ReadonlySet<string>,
  free: number,
): ScheduleDecision['start'] {
  if (free <= 0) return [];
  const decision = schedule(
    tasks.map((t) => ({
      id: t.id,
      number: t.number,
      // A working task is someone's (ours count in `free` already); it must not use up a slot here. Nor a claimed
      // one that still reads queued here (its claim's status commit not integrated yet): chosen first, then
      // dropped as claimed, it left the free tasks behind it unchosen — and an `--until-idle` worker stopped.
      status:
        t.status === 'spec_generation' || t.status === 'implementation' || claimed.has(t.number)
          ? 'implementation_review'
          : t.status,
      priorityRank: PRIORITY_RANK[t.record?.priority ?? 'medium'],
      dependsOn: t.record?.dependsOn ?? [],
    })),
    { planning: free, implementation: free, autoStart: false },
  );
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return decision.start
    .filter((d) => d.trigger !== 'start_planning' && !claimed.has(byId.get(d.taskId)!.number))
    .slice(0, free);
}
