import { reviewedRevision } from '../../core/review/reviewComments';
import type { SpecTaskRepository } from '../extensionContext';

/** The revision the reviewer of a SpecTask looks at (while it waits for spec review); see reviewedRevision. */
export function revisionUnderReview(repo: SpecTaskRepository, taskId: string): number | undefined {
  const t = repo.orchestrator.task(taskId);
  return reviewedRevision(t?.status, t?.record?.revisionCount);
}
