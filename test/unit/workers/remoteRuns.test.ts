import * as assert from 'node:assert/strict';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import {
  readRemoteRuns,
  RemoteRuns,
  REMOTE_VIEW_ACTIVE_MS,
  REMOTE_VIEW_IDLE_MS,
  withRemoteRuns,
  type RemoteRun,
} from '../../../src/core/workers/remoteRuns';
import { parseHostMessage, PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { emptyFleetSnapshot, type FleetAgentCard } from '../../../src/protocol/fleet';
import { cardLine } from '../../../src/cli/fleetText';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, makeRemoteWorld } from './remoteWorld';

const refsIn = (clone: string) =>
  new RemoteRefs(new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner()), 'origin');

const card = (number: string, phase: FleetAgentCard['phase']): FleetAgentCard => ({
  taskId: `t${number}`,
  number,
  title: `task ${number}`,
  phase,
  progress: { done: 1, total: 3 },
  window: [],
});

describe('remote runs: SpecTasks held by workers, as the local side shows them (issue 23)', function () {
  this.timeout(60_000);
  after(cleanupTemp);
  const track = disposeAfterEach();

  it("reads the remote's claims with their workers; a claim it cannot read is an unknown worker's; a release removes it", async () => {
    const world = makeRemoteWorld();
    const [worker, local] = [world.clone(), world.clone()];
    const client = clientIn(worker, 30_000, 'build-box');
    const held = await client.claim('000007');
    assert.ok(held);
    // Anyone who can push may write a claim ref: its message is not a record we wrote.
    const tree = git(worker, 'rev-parse', 'HEAD^{tree}');
    const junk = git(worker, 'commit-tree', tree, '-m', 'spectask claim\n\n{"v":1,"task":"000009","worker":"<img>"}');
    git(worker, 'push', '-q', 'origin', `${junk}:refs/spectask/claims/000009`);
    const runs = await readRemoteRuns(refsIn(local));
    assert.deepEqual(
      [...runs.values()].map((r) => [r.task, r.name]),
      [
        ['000007', `build-box:${process.pid}`],
        ['000009', 'an unknown worker'],
      ],
    );
    assert.equal(runs.get('000007')?.worker?.startedAt, client.worker.startedAt);
    await client.release(held);
    const after = await readRemoteRuns(refsIn(local));
    assert.deepEqual([...after.keys()], ['000009'], 'the released claim is pruned from the mirror');
  });

  it('marks the cards of remote runs with their worker, live while working; the dashboard accepts them', () => {
    const runs = new Map<string, RemoteRun>([
      [
        '000002',
        { task: '000002', name: 'box:42', sha: 'a', worker: { id: 'x', host: 'box', pid: 42, startedAt: 'T' } },
      ],
      ['000003', { task: '000003', name: 'an unknown worker', sha: 'b' }],
    ]);
    const snapshot = {
      ...emptyFleetSnapshot(),
      cards: [card('000001', 'implementing'), card('000002', 'implementing'), card('000003', 'implementation_review')],
    };
    const s = withRemoteRuns(snapshot, runs);
    assert.deepEqual(
      s.cards.map((c) => [c.number, c.worker?.name, c.runLive]),
      [
        ['000001', undefined, undefined],
        ['000002', 'box:42', true],
        ['000003', 'an unknown worker', undefined],
      ],
    );
    assert.equal(s.cards[1].worker?.startedAt, 'T');
    assert.ok(parseHostMessage({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: 1, snapshot: s }));
    const hostile = { ...s, cards: [{ ...s.cards[1], worker: { name: 7 } }] };
    assert.equal(
      parseHostMessage({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: 1, snapshot: hostile }),
      undefined,
    );
    assert.match(cardLine(s.cards[1]), /on worker box:42/);
    assert.equal(withRemoteRuns(snapshot, new Map()), snapshot, 'nothing held: the same snapshot');
  });

  it('contacts nothing while blocked (an untrusted workspace); polls fast only while a worker holds something', async () => {
    const world = makeRemoteWorld();
    const [worker, local] = [world.clone(), world.clone()];
    let pulls = 0;
    let blocked: string | undefined = 'the workspace is not trusted';
    const view = track(new RemoteRuns({ refs: refsIn(local), pull: async () => void pulls++, blocked: () => blocked }));
    let changes = 0;
    track(view.onDidChange(() => changes++));
    const client = clientIn(worker, 30_000, 'build-box');
    assert.ok(await client.claim('000004'));
    await view.tick();
    assert.equal(pulls, 0, 'no pull while blocked');
    assert.equal(view.runs().size, 0);
    assert.equal(git(local, 'for-each-ref', 'refs/spectask/'), '', 'no fetch while blocked');
    assert.equal(view.nextDelay(), REMOTE_VIEW_IDLE_MS);
    blocked = undefined;
    await view.tick();
    assert.equal(pulls, 1);
    assert.deepEqual([...view.runs().keys()], ['000004']);
    assert.equal(changes, 1);
    assert.equal(view.nextDelay(), REMOTE_VIEW_ACTIVE_MS, 'a worker holds something: the fast interval');
    await view.tick();
    assert.equal(changes, 1, 'the same runs: no change announced');
  });
});
