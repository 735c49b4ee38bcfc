import * as assert from 'node:assert/strict';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import type { HeldClaim } from '../../../src/core/workers/claimClient';
import { newWorkerIdentity } from '../../../src/core/workers/claimClient';
import {
  isAddressedTo,
  obeyStopRequests,
  parseStopMessage,
  requestStop,
  stopRefOf,
} from '../../../src/core/workers/stopRequests';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, makeRemoteWorld } from './remoteWorld';

const refsIn = (clone: string) =>
  new RemoteRefs(new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner()), 'origin');

describe('stop requests: a person stops a run a worker holds (issue 23)', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it("a worker obeys the requests meant for it, deletes them, and leaves other workers' and unreadable ones", async () => {
    const world = makeRemoteWorld();
    const [worker, local] = [world.clone(), world.clone()];
    const me = clientIn(worker, 30_000, 'build-box').worker.id;
    const local$ = refsIn(local);
    assert.equal(await requestStop(local$, '000007', me, 'laptop:1'), true);
    assert.equal(await requestStop(local$, '000007', me, 'laptop:2'), true, 'asking again replaces the request');
    assert.equal(await requestStop(local$, '000008', 'another-worker', 'laptop:1'), true);
    // Anyone who can push may write a stop ref: one that is not a request we wrote stops nothing.
    const tree = git(worker, 'rev-parse', 'HEAD^{tree}');
    const junk = git(worker, 'commit-tree', tree, '-m', `spectask stop #000009\n\n{"v":1,"task":"000009","worker":7}`);
    git(worker, 'push', '-q', 'origin', `${junk}:${stopRefOf('000009')}`);
    const held = new Map([
      ['000007', 'id-7'],
      ['000008', 'id-8'],
      ['000009', 'id-9'],
      ['000010', 'id-10'],
    ]);
    const stopped: string[] = [];
    const log: string[] = [];
    const done = await obeyStopRequests(
      refsIn(worker),
      (_task, w) => w === me,
      held,
      async (id) => void stopped.push(id),
      (m) => log.push(m),
    );
    assert.deepEqual(done, ['000007']);
    assert.deepEqual(stopped, ['id-7']);
    assert.match(log[0], /by laptop:2/);
    assert.equal(world.remoteSha(stopRefOf('000007')), undefined, 'an obeyed request is deleted');
    assert.ok(world.remoteSha(stopRefOf('000008')), "another worker's request stays");
    assert.deepEqual(
      await obeyStopRequests(
        refsIn(worker),
        (_t, w) => w === me,
        held,
        async () => assert.fail('stopped twice'),
      ),
      [],
    );
  });

  it('a request is passed on with the claim: the holder that took it over from the named worker obeys it', () => {
    const me = newWorkerIdentity('box-b');
    const claim = (takenOverFrom?: string) =>
      ({ record: { takenOverFrom } as HeldClaim['record'] }) as unknown as HeldClaim;
    assert.equal(isAddressedTo(me.id, me, undefined), true);
    assert.equal(isAddressedTo('worker-a', me, claim('worker-a')), true, 'sent to the holder we took it over from');
    assert.equal(isAddressedTo('worker-a', me, claim()), false, 'a fresh claim: a stale request stops nothing');
    assert.equal(isAddressedTo('worker-a', me, claim('worker-c')), false);
  });

  it('parses only requests it wrote', () => {
    const ok = { v: 1, task: '000001', worker: 'w', by: 'b', at: 't', nonce: 'n' };
    assert.deepEqual(parseStopMessage(`spectask stop #000001\n\n${JSON.stringify(ok)}`), ok);
    for (const bad of [
      { ...ok, v: 2 },
      { ...ok, task: '1' },
      { ...ok, worker: 'x'.repeat(101) },
      { ...ok, by: ['b'] },
      null,
    ])
      assert.equal(parseStopMessage(`spectask stop #000001\n\n${JSON.stringify(bad)}`), undefined);
    assert.equal(parseStopMessage(`something else\n\n${JSON.stringify(ok)}`), undefined);
    assert.throws(() => stopRefOf('../x'));
  });
});
