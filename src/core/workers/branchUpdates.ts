import { GitCommandError } from '../git/gitErrors';
import type { GitRunner } from '../git/gitRunner';
import { assertBranchName } from '../git/refName';
import { inCloneFetchLock } from './cloneFetchLock';
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
  return branchUpdatesOn(git, refs.remote, await refs.list('refs/heads/'), docsBranch, taskBranches, false);
}

/**
 * {@link branchUpdates} on the remote's branch heads read earlier (`remoteHeads`), for a push right after a sync:
 * the task branches only their holder pushes, so what the remote had of them holds; the design-docs branch is
 * leased on its remote-tracking ref as ever, and left out when the sync found nothing of ours to publish
 * (`skipIntegrated`: our head is what it integrated).
 */
export async function branchUpdatesOn(
  git: GitRunner,
  remoteName: string,
  remoteHeads: ReadonlyMap<string, string>,
  docsBranch: string,
  taskBranches: readonly string[],
  skipIntegrated = true,
): Promise<RefUpdate[]> {
  assertBranchName(docsBranch, 'the design-docs branch');
  for (const b of taskBranches) assertBranchName(b, 'the task branch');
  const updates: RefUpdate[] = [];
  const sha = async (ref: string) =>
    (await git.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]))?.trim();
  for (const branch of [docsBranch, ...taskBranches]) {
    const ref = `refs/heads/${branch}`;
    const local = await sha(ref);
    if (!local) continue;
    const theirs = remoteHeads.get(ref) ?? '';
    if (theirs === local) continue;
    const integrated = branch === docsBranch ? await sha(`refs/remotes/${remoteName}/${branch}`) : undefined;
    if (skipIntegrated && integrated === local) continue;
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
  const args = ['-c', 'fetch.fsckObjects=true', 'fetch', '--no-tags', '--quiet', '--end-of-options', remote];
  return inCloneFetchLock(git, () => git.run([...args, `+${ref}:${ref}`])).then(
    () => true,
    (e: unknown) => {
      // Not on the remote (never pushed) is an answer; a git that could not start is not.
      if (e instanceof GitCommandError && !e.spawnFailed) return false;
      throw e;
    },
  );
}
