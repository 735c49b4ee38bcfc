import { branchUpdatesOn, leasesContained } from './branchUpdates';
import type { LeaseKeeper } from './leaseKeeper';
import type { RemoteRefs } from './remoteRefs';

export interface WorkerPublishDeps {
  keeper: LeaseKeeper;
  refs: RemoteRefs;
  docsBranch: string;
  /** Fetches and integrates the remote's design-docs branch (no push). */
  resync: () => Promise<unknown>;
  /** False while nothing may be pushed (a lost task's agent still runs: lostTasks.ts). */
  ready: () => Promise<boolean>;
  /** Puts back the folders whose claim another holds, after the sync, before each push (foreignFolderFence.ts). */
  fence: () => Promise<unknown>;
  /** A push the remote refused (each attempt), for the log and the bench's count. */
  refused?: (message: string) => void;
  /** Pushes per publish at most (the first and its retries); default 4. */
  attempts?: number;
  /** Upper bound of the random wait before a retry, so workers refused together do not collide again; default 40. */
  jitterMs?: number;
}

export type WorkerPublishResult =
  | { kind: 'pushed'; refs: string[] }
  /** Nothing to push and nothing to release; or nothing may be pushed yet (`ready` said no). */
  | { kind: 'nothing' }
  /** A claim was lost (reported through the keeper's onDidLose): fatal for that task, nothing retried. */
  | { kind: 'lost' }
  | { kind: 'failed'; message: string };

/**
 * One fenced push of a worker's pass (DESIGN.md §9): its design-docs branch and the code branches of the tasks it
 * holds, releasing the claims of `release` (all in ONE atomic push) and renewing every other claim held.
 *
 * The design-docs branch is leased on the head its sync integrated, so the sync runs right before the updates are
 * built, not once at the start of the pass: the round trips in between are what let other workers' pushes
 * overtake it. A push refused because that head moved meanwhile (not a lost claim — that is fencing, final for
 * its task; not a hook or the network — the head did not move) is tried again at once after another sync and a
 * small random wait, at most `attempts` times. Every attempt goes through the keeper, so each is leased on the
 * current claim shas exactly like the first.
 */
export async function publishFenced(
  d: WorkerPublishDeps,
  taskBranches: readonly string[],
  release: readonly string[] = [],
): Promise<WorkerPublishResult> {
  const attempts = Math.max(1, d.attempts ?? 4);
  const docsRef = `refs/heads/${d.docsBranch}`;
  const tracking = `refs/remotes/${d.refs.remote}/${d.docsBranch}`;
  // The code branches only their holder pushes: what the remote has of them does not move under us.
  const remoteHeads = await d.refs.list('refs/heads/');
  let synced = false;
  let message = 'the remote refused the push';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (!(await d.ready())) return { kind: 'nothing' };
    if (!synced) await d.resync();
    synced = false;
    await d.fence();
    const updates = await branchUpdatesOn(d.refs.git, d.refs.remote, remoteHeads, d.docsBranch, taskBranches);
    if (!updates.length && !release.length) return { kind: 'nothing' };
    // A lease on a head the branch does not contain would force the push over it: integrate it first.
    if (!(await leasesContained(d.refs.git, updates))) continue;
    const outcome = release.length ? await d.keeper.releaseAll(release, updates) : await d.keeper.pushFenced(updates);
    if (outcome.kind === 'renewed') return { kind: 'pushed', refs: updates.map((u) => u.ref) };
    if (outcome.kind === 'none') return { kind: 'nothing' };
    if (outcome.kind === 'lost') {
      d.refused?.(`${what(release)}: a claim was lost (${outcome.tasks.join(', ')})`);
      return { kind: 'lost' };
    }
    message = outcome.message;
    if (attempt === attempts) {
      d.refused?.(`${what(release)}: ${message}`);
      break;
    }
    const leased = updates.find((u) => u.ref === docsRef)?.expect;
    await jitter(d.jitterMs ?? 40);
    await d.resync();
    synced = true;
    const moved = leased !== undefined && (await sha(d, tracking)) !== leased;
    d.refused?.(`${what(release)}: ${moved ? 'the design-docs head moved; pushing again' : message}`);
    if (!moved) return { kind: 'failed', message };
  }
  return { kind: 'failed', message: `refused ${attempts} times, the design-docs head moving each time (${message})` };
}

function what(release: readonly string[]): string {
  return release.length ? `release of SpecTask ${release.join(', ')}` : 'ticks and task branches';
}

async function sha(d: WorkerPublishDeps, ref: string): Promise<string | undefined> {
  return (await d.refs.git.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', ref]))?.trim();
}

function jitter(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
}
