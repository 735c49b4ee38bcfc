import * as os from 'node:os';
import type { ReviewService } from '../../core/review/reviewService';
import type { SpecTaskRepository } from '../extensionContext';

/** The ReviewService of a repository: its orchestrator's, so the UI and the CLI request changes the same way. */
export function reviewServiceFor(repo: SpecTaskRepository): ReviewService {
  return repo.orchestrator.review;
}

/** The name review comments are signed with: the OS user, as in the reference system. */
export function reviewerName(): string {
  try {
    return os.userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}
