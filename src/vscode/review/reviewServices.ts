import * as os from 'node:os';
import { ReviewService } from '../../core/review/reviewService';
import type { SpecTaskRepository } from '../extensionContext';

const byRepository = new WeakMap<SpecTaskRepository, ReviewService>();

/**
 * The ReviewService of a repository. Until the orchestrator's coordinator owns one (and delegates its own
 * requestSpecChanges to it), the review UI builds it here; after a transition the orchestrator re-reads its
 * tasks and kicks the scheduler through its public `reconcile`, so the revision starts from the committed record.
 */
export function reviewServiceFor(repo: SpecTaskRepository): ReviewService {
  let service = byRepository.get(repo);
  if (!service) {
    service = new ReviewService({ store: repo.docs.store, afterTransition: () => repo.orchestrator.reconcile() });
    byRepository.set(repo, service);
  }
  return service;
}

/** The name review comments are signed with: the OS user, as in the reference system. */
export function reviewerName(): string {
  try {
    return os.userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}
