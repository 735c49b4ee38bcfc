import * as assert from 'node:assert/strict';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { branchUpdates, leasesContained } from '../../../src/core/workers/branchUpdates';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { cleanupTemp, git } from '../../support/tempRepo';
import { commitOn, makeRemoteWorld } from './remoteWorld';

const BRANCH = 'helix-design-docs';
const DOCS = `refs/heads/${BRANCH}`;

describe("branchUpdates: a worker's push of the design-docs branch", function () {
  this.timeout(30_000);
  after(cleanupTemp);

  it('is leased on what its last sync integrated: a push another worker made since is never overwritten', async () => {
    const world = makeRemoteWorld();
    const [a, b] = [world.clone(), world.clone()];
    const read = world.remoteSha(DOCS)!;
    git(a, 'branch', BRANCH, `origin/${BRANCH}`);
    // Worker B pushes its ticks after A's last sync…
    const theirs = commitOn(b, read, 'ticks of worker b');
    git(b, 'push', '-q', 'origin', `${theirs}:${DOCS}`);
    // …while A committed its own on top of what it read.
    const ours = commitOn(a, read, 'ticks of worker a');
    git(a, 'update-ref', DOCS, ours);
    const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
    const updates = await branchUpdates(refs.git, refs, BRANCH, []);
    assert.deepEqual(updates, [{ ref: DOCS, expect: read, to: ours }]);
    const pushed = await refs.push(updates);
    assert.equal(pushed.ok, false, 'refused: A must integrate B first');
    assert.equal(world.remoteSha(DOCS), theirs, "worker B's push is still there");
  });

  it('an empty new sha is refused before git starts, never pushed as a delete of the ref', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const read = world.remoteSha(DOCS)!;
    const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
    await assert.rejects(refs.push([{ ref: DOCS, expect: read, to: '' }]), /new sha/);
    assert.equal(world.remoteSha(DOCS), read, 'the branch is still on the remote');
  });

  it("is not pushed while its lease is a head the branch does not contain (a claim's status commit fetched, not yet integrated)", async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const read = world.remoteSha(DOCS)!;
    git(a, 'branch', BRANCH, `origin/${BRANCH}`);
    const ours = commitOn(a, read, 'ticks of this clone');
    git(a, 'update-ref', DOCS, ours);
    // A claim of this clone pushed its status commit and the fetch moved the remote-tracking ref to it, but the
    // branch has not integrated it yet: a push leased on it would be forced over it and drop it from the remote.
    const status = commitOn(a, read, 'status of SpecTask 000004: implementation');
    git(a, 'push', '-q', 'origin', `${status}:${DOCS}`);
    git(a, 'update-ref', `refs/remotes/origin/${BRANCH}`, status);
    const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
    const updates = await branchUpdates(refs.git, refs, BRANCH, []);
    assert.deepEqual(updates, [{ ref: DOCS, expect: status, to: ours }]);
    assert.equal(await leasesContained(refs.git, updates), false, 'the status commit would be dropped');
    git(a, 'update-ref', DOCS, commitOn(a, status, 'ticks of this clone, on top of the status commit'));
    assert.equal(await leasesContained(refs.git, await branchUpdates(refs.git, refs, BRANCH, [])), true);
  });
});
