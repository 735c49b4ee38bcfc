import type { GitRunner } from '../git/gitRunner';
import { assertBranchName } from '../git/refName';
import type { RefUpdate, RemoteRefs } from './remoteRefs';

/**
 * The ref updates that publish a worker's local work: the design-docs branch (leased on the remote head the
 * last sync integrated — its remote-tracking ref — so the push is a fast-forward of exactly what we read; a lease
 * on the remote's current sha would let a forced push drop what another worker pushed since) and the code
 * branches of the SpecTasks it holds (leased on what the remote has of each: only the holder pushes them).
 * Branches whose remote sha already equals ours are left out.
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
  const sha = async (ref: string) =>
    (await git.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]))?.trim();
  for (const branch of [docsBranch, ...taskBranches]) {
    const ref = `refs/heads/${branch}`;
    const local = await sha(ref);
    if (!local) continue;
    const theirs = remote.get(ref) ?? '';
    if (theirs === local) continue;
    const integrated = branch === docsBranch ? await sha(`refs/remotes/${refs.remote}/${branch}`) : undefined;
    updates.push({ ref, expect: branch === docsBranch ? (integrated ?? '') : theirs, to: local });
  }
  return updates;
}

/**
 * Whether every update's lease is contained in what it pushes. A lease on a head our branch does not contain —
 * the remote-tracking ref moved by a fetch whose integration has not happened yet (a claim's status commit) —
 * would force the push over that head and drop it from the remote.
 */
export async function leasesContained(git: GitRunner, updates: readonly RefUpdate[]): Promise<boolean> {
  for (const u of updates)
    if (u.expect && u.to && (await git.tryRun(['merge-base', '--is-ancestor', u.expect, u.to])) === undefined)
      return false;
  return true;
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
