import { GitCommandError } from '../git/gitErrors';

/**
 * git's answer to a commit when another process moved the branch between the commit's read of HEAD and its update
 * of it: two processes commit to one design-docs worktree (a window and an agent's `spectask mark`, two windows),
 * each through its own git queue. Nothing was committed; the same commit made again lands on the new head.
 */
const HEAD_MOVED = /cannot lock ref '[^'\n]+': is at [0-9a-f]+ but expected [0-9a-f]+/;

/** Waits before each new attempt: the other process's commit has landed by then (it is what moved HEAD). */
export const MOVED_HEAD_RETRY_DELAYS_MS: readonly number[] = [5, 20, 50, 100, 200, 400];

export function isHeadMovedMeanwhile(e: unknown): boolean {
  return e instanceof GitCommandError && HEAD_MOVED.test(e.stderr);
}

/**
 * Runs `commit` (a `git commit` and whatever it reads first, such as the parent it is expected on) again while git
 * refuses it because another process moved HEAD meanwhile; any other failure, or the last refusal, is thrown.
 * Only for commits that read HEAD themselves: an `update-ref` from an expected old value means to fail.
 */
export async function commitRetryingMovedHead<T>(commit: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await commit();
    } catch (e) {
      if (!isHeadMovedMeanwhile(e) || attempt >= MOVED_HEAD_RETRY_DELAYS_MS.length) throw e;
      await new Promise((resolve) => setTimeout(resolve, MOVED_HEAD_RETRY_DELAYS_MS[attempt]));
    }
  }
}
