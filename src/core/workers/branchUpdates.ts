import type { GitRunner } from '../git/gitRunner';
import { assertBranchName } from '../git/refName';
import type { RefUpdate, RemoteRefs } from './remoteRefs';

/**
 * The ref updates that publish a worker's local work: the design-docs branch (leased on the remote head the
 * last sync integrated, so the push is a fast-forward of exactly what we read) and the code branches of the
 * SpecTasks it holds (leased on what the remote has of each). Branches whose remote sha already equals ours are
 * left out.
 */
export async function branchUpdates(
  git: GitRunner,
  refs: RemoteRefs,
  docsBranch: string,
  taskBranches: readonly string[],
): Promise<RefUpdate[]> {
  assertBranchName(docsBranch, 'the design-docs branch');
  for (const b of taskBranches) assertBranchName(b, 'the task branch');
  const remote = await refs.list('refs/heads/');
  const updates: RefUpdate[] = [];
  for (const branch of [docsBranch, ...taskBranches]) {
    const ref = `refs/heads/${branch}`;
    const local = (
      await git.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    )?.trim();
    if (!local) continue;
    const theirs = remote.get(ref) ?? '';
    if (theirs !== local) updates.push({ ref, expect: theirs, to: local });
  }
  return updates;
}

/** Brings a task branch another worker pushed into this clone, before its worktree is made (a takeover). */
export async function fetchTaskBranch(git: GitRunner, remote: string, branch: string): Promise<boolean> {
  assertBranchName(branch, 'the task branch');
  const ref = `refs/heads/${branch}`;
  const exists = await git.tryRun([
    '-c',
    'fetch.fsckObjects=true',
    'fetch',
    '--no-tags',
    '--quiet',
    '--end-of-options',
    remote,
    `+${ref}:${ref}`,
  ]);
  return exists !== undefined;
}
