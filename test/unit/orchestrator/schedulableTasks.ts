import type { SchedulableTask } from '../../../src/core/orchestrator/scheduler';
import type { SpecTaskStatus } from '../../../src/core/orchestrator/statusMachine';

/** A task as the scheduler sees it: number n, priority rank 2, no dependencies unless `extra` says so. */
export const schedulableTask = (
  n: number,
  status: SpecTaskStatus,
  extra: Partial<SchedulableTask> = {},
): SchedulableTask => ({
  id: `t${n}`,
  number: String(n).padStart(6, '0'),
  status,
  priorityRank: 2,
  dependsOn: [],
  ...extra,
});
