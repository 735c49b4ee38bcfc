import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLAIMS_PREFIX, claimRefOf } from '../../../src/core/workers/claimRefs';
import { parseClaimMessage } from '../../../src/core/workers/claimRecord';
import { LeaseObserver } from '../../../src/core/workers/leaseObserver';
import { LeaseKeeper, type LostClaim } from '../../../src/core/workers/leaseKeeper';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, commitOn, makeRemoteWorld } from './remoteWorld';

const DOCS = 'refs/heads/helix-design-docs';

describe('claims: SpecTasks taken through the git remote (DESIGN.md §9)', function () {
  this.timeout(60_000);
  after(cleanupTemp);
  const track = disposeAfterEach();

  it('a claim is one atomic push with the status commit; a second worker cannot claim it too', async () => {
    const world = makeRemoteWorld();
    const [a, b] = [world.clone(), world.clone()];
    const docs = world.remoteSha(DOCS)!;
    const statusA = commitOn(a, docs, 'status: implementation (worker a)');
    const statusB = commitOn(b, docs, 'status: implementation (worker b)');
    const ca = clientIn(a, 30_000, 'host-a');
    const cb = clientIn(b, 30_000, 'host-b');
    const won = await ca.claim('000007', [{ ref: DOCS, expect: docs, to: statusA }]);
    assert.ok(won, 'the first claim is granted');
    assert.equal(world.remoteSha(claimRefOf('000007')), won.sha);
    assert.equal(world.remoteSha(DOCS), statusA, 'the status commit went with the claim');
    const lost = await cb.claim('000007', [{ ref: DOCS, expect: docs, to: statusB }]);
    assert.equal(lost, undefined, 'the claim exists: "must not exist" refuses it');
    assert.equal(world.remoteSha(DOCS), statusA, "the loser's status commit did not land either");
    const seen = await cb.observe();
    assert.deepEqual(
      seen.map((c) => [c.task, c.sha, c.record?.worker.host]),
      [['000007', won.sha, 'host-a']],
    );
  });

  it('a claim whose status commit is leased on a stale design-docs sha is not granted (atomic)', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const docs = world.remoteSha(DOCS)!;
    const teammate = world.clone();
    fs.writeFileSync(path.join(teammate, 'x.md'), 'x\n');
    git(teammate, 'add', '.');
    git(teammate, 'commit', '-q', '-m', 'teammate');
    git(teammate, 'push', '-q', 'origin', `HEAD:${DOCS}`);
    const status = commitOn(a, docs, 'status on the old head');
    const claim = await clientIn(a, 30_000).claim('000003', [{ ref: DOCS, expect: docs, to: status }]);
    assert.equal(claim, undefined);
    assert.equal(world.remoteSha(claimRefOf('000003')), undefined, 'no claim ref without its status commit');
  });

  it('renewal is a compare-and-swap on the last sha: a worker holding an old sha is fenced off', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const ca = clientIn(a, 30_000);
    const held = (await ca.claim('000001'))!;
    const stale = { ...held, record: { ...held.record } };
    assert.deepEqual(await ca.renew([held]), { kind: 'renewed' });
    assert.notEqual(held.sha, stale.sha, 'every renewal writes a new sha');
    assert.equal(world.remoteSha(held.ref), held.sha);
    // The stale copy stands for a worker that was partitioned while another renewed or took over.
    const branchBefore = world.remoteSha('refs/heads/main')!;
    const work = commitOn(a, branchBefore, 'work after losing the claim');
    const outcome = await ca.renew([stale], [{ ref: 'refs/heads/main', expect: branchBefore, to: work }]);
    assert.deepEqual(outcome, { kind: 'lost', tasks: ['000001'] });
    assert.equal(world.remoteSha('refs/heads/main'), branchBefore, 'nothing fenced by a lost claim lands');
  });

  it('an expired claim is taken over; its former holder learns it at its next push and stops', async () => {
    const world = makeRemoteWorld();
    const [a, b] = [world.clone(), world.clone()];
    let clockA = 0;
    const ca = clientIn(a, 1_000, 'host-a');
    const keeperA = track(new LeaseKeeper(ca, () => clockA, 200, 60_000));
    const held = (await ca.claim('000002'))!;
    keeperA.hold(held, clockA);
    const lost: LostClaim[] = [];
    track(keeperA.onDidLose((l) => lost.push(l)));
    // Worker b observes on its own clock: the sha unchanged for longer than the lease means expired.
    let clockB = 5_000;
    const observer = new LeaseObserver(100, () => clockB);
    const cb = clientIn(b, 1_000, 'host-b');
    const [seen] = await cb.observe();
    observer.observe(seen.ref, seen.sha);
    assert.equal(observer.isExpired(seen.ref, seen.sha, seen.record!.leaseMs), false);
    clockB += 1_101;
    assert.equal(observer.isExpired(seen.ref, seen.sha, seen.record!.leaseMs), true);
    const took = await cb.claim('000002', [], { sha: seen.sha, from: seen.record!.worker.id });
    assert.ok(took, 'the takeover is granted');
    assert.equal(took.record.takenOverFrom, held.record.worker.id);
    // a's clock barely moved (it was paused, say): its own judgement still holds the claim, the remote does not.
    clockA += 10;
    assert.equal(await keeperA.push([]), false);
    assert.deepEqual(
      lost.map((l) => l.task),
      ['000002'],
    );
    assert.equal(keeperA.holds('000002'), false);
    assert.equal(world.remoteSha(held.ref), took.sha);
  });

  it('a worker gives its claim up by itself once no renewal got through within the lease', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    let clock = 0;
    const ca = clientIn(a, 1_000);
    const keeper = track(new LeaseKeeper(ca, () => clock, 200, 60_000));
    const held = (await ca.claim('000004'))!;
    keeper.hold(held, clock);
    const lost: LostClaim[] = [];
    track(keeper.onDidLose((l) => lost.push(l)));
    clock = 700;
    assert.equal(await keeper.push([]), true, 'within the lease a renewal goes through');
    clock = 700 + 801; // 801 ms after the start of the last accepted push > lease − margin
    assert.equal(await keeper.push([]), false);
    assert.equal(lost.length, 1);
    assert.match(lost[0].reason, /no renewal reached the remote within the lease/);
  });

  it('judges expiry by its own clock only: claims written by clocks minutes off change nothing', async () => {
    const world = makeRemoteWorld();
    const [a, b] = [world.clone(), world.clone()];
    // Worker a's wall clock is ten minutes behind: its record says the claim expired long ago.
    const ca = clientIn(a, 2_000, 'host-a', () => Date.now() - 10 * 60_000);
    await ca.claim('000005');
    const [seen] = await clientIn(b, 2_000, 'host-b').observe();
    assert.ok(Date.parse(seen.record!.expiresAt) < Date.now(), 'by the wall clock it looks expired');
    let clockB = 0;
    const observer = new LeaseObserver(0, () => clockB);
    observer.observe(seen.ref, seen.sha);
    clockB = 1_999;
    assert.equal(observer.isExpired(seen.ref, seen.sha, seen.record!.leaseMs), false);
    // A renewal (a new sha) restarts the observer's count, whatever either wall clock says.
    clockB = 2_500;
    observer.observe(seen.ref, 'f'.repeat(40));
    assert.equal(observer.isExpired(seen.ref, 'f'.repeat(40), 2_000), false);
  });

  it('a release deletes the claim atomically with the final status commit, leased on our sha', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const ca = clientIn(a, 30_000);
    const held = (await ca.claim('000006'))!;
    const docs = world.remoteSha(DOCS)!;
    const done = commitOn(a, docs, 'status: done');
    assert.deepEqual(await ca.release(held, [{ ref: DOCS, expect: docs, to: done }]), { kind: 'renewed' });
    assert.equal(world.remoteSha(held.ref), undefined);
    assert.equal(world.remoteSha(DOCS), done);
    assert.deepEqual(await ca.observe(), [], 'the mirror is pruned');
  });

  it('a pre-receive hook on the remote refusing the push: failed, the claim still ours', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const ca = clientIn(a, 30_000);
    const held = (await ca.claim('000008'))!;
    const hook = path.join(world.bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "refused by policy" >&2\nexit 1\n', { mode: 0o755 });
    const outcome = await ca.renew([held]);
    assert.equal(outcome.kind, 'failed');
    assert.match((outcome as { message: string }).message, /refused by policy|pre-receive/);
    fs.rmSync(hook);
    assert.deepEqual(await ca.renew([held]), { kind: 'renewed' });
  });

  it('values read from the remote never become options or odd refs', async () => {
    const world = makeRemoteWorld();
    const a = world.clone();
    const runner = new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner());
    assert.throws(() => claimRefOf('--upload-pack=touch /tmp/x'), /not a task number/);
    assert.throws(() => claimRefOf('../000001'), /not a task number/);
    assert.throws(() => new RemoteRefs(runner, '--upload-pack=x'), /not a remote name/);
    const refs = new RemoteRefs(runner, 'origin');
    await assert.rejects(refs.push([{ ref: 'refs/heads/a..b', expect: '' }]), /not a valid ref name/);
    await assert.rejects(refs.push([{ ref: `${CLAIMS_PREFIX}000001`, expect: '--force' }]), /not an object id/);
    assert.equal(parseClaimMessage('spectask claim\n\n{"v":1,"task":"../x"}'), undefined);
    assert.equal(parseClaimMessage('not a claim'), undefined);
  });
});
