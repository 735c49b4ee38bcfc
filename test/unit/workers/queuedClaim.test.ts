import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { claimRefOf } from '../../../src/core/workers/claimRefs';
import { claimQueued, type QueuedClaimDeps } from '../../../src/core/workers/queuedClaim';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, commitOn, makeRemoteWorld, type RemoteWorld } from './remoteWorld';

const BRANCH = 'helix-design-docs';
const DOCS = `refs/heads/${BRANCH}`;

/** The remote's design-docs branch gains SpecTask 000001, queued for implementation. */
function queueTask(world: RemoteWorld): void {
  const seed = world.clone();
  git(seed, 'checkout', '-q', '-b', 'docs', `origin/${BRANCH}`);
  const rel = 'design/tasks/000001_remote-task';
  fs.mkdirSync(path.join(seed, rel), { recursive: true });
  const record = { ...newSpecTaskRecord({ number: 1, title: 'Remote task' }), status: 'queued_implementation' };
  fs.writeFileSync(path.join(seed, rel, 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'task 1');
  git(seed, 'push', '-q', 'origin', `HEAD:${DOCS}`);
}

/** `deps` whose claim pushes see another push land on the design-docs branch first, `times` times. */
function racedDeps(world: RemoteWorld, times: number): { deps: QueuedClaimDeps; other: string } {
  const a = world.clone();
  const other = world.clone();
  const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
  const client = clientIn(a, 60_000);
  let raced = 0;
  // Another worker's tick push lands between our read of the head and our claim push.
  const moveHead = () => {
    const head = world.remoteSha(DOCS)!;
    git(other, 'fetch', '-q', 'origin', DOCS);
    git(other, 'push', '-q', 'origin', `${commitOn(other, head, `ticks of another worker ${raced}`)}:${DOCS}`);
  };
  const claimOrWhy = client.claimOrWhy.bind(client);
  client.claimOrWhy = async (...args) => {
    if (raced++ < times) moveHead();
    return claimOrWhy(...args);
  };
  return { deps: { client, refs, docsBranch: BRANCH, note: 'claimed by test', jitterMs: 5 }, other };
}

describe('queuedClaim: a claim refused only because the design-docs head moved is made again', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('claims on the new head after the head moved under the first push', async () => {
    const world = makeRemoteWorld();
    queueTask(world);
    const { deps } = racedDeps(world, 1);
    const got = await claimQueued(deps, '000001', 'implementation_slot_free');
    assert.ok(got, 'claimed at the second push');
    assert.equal(world.remoteSha(claimRefOf('000001')), got.held.sha);
    const status = git(world.bare, 'show', `${DOCS}:design/tasks/000001_remote-task/spectask.json`);
    assert.match(status, /"status": "implementation"/, 'with its status commit');
  });

  it('gives up after a bounded number of pushes when the head keeps moving', async () => {
    const world = makeRemoteWorld();
    queueTask(world);
    const { deps } = racedDeps(world, 10);
    assert.equal(await claimQueued({ ...deps, attempts: 3 }, '000001', 'implementation_slot_free'), undefined);
    assert.equal(world.remoteSha(claimRefOf('000001')), undefined);
  });

  it('a claim another worker holds is a lost race: not pushed again', async () => {
    const world = makeRemoteWorld();
    queueTask(world);
    const rival = clientIn(world.clone(), 60_000, 'rival');
    const theirs = await rival.claim('000001');
    assert.ok(theirs);
    const { deps } = racedDeps(world, 0);
    let pushes = 0;
    const claimOrWhy = deps.client.claimOrWhy.bind(deps.client);
    deps.client.claimOrWhy = (...args) => (pushes++, claimOrWhy(...args));
    assert.equal(await claimQueued(deps, '000001', 'implementation_slot_free'), undefined);
    assert.equal(pushes, 1, 'one push: the race is lost');
    assert.equal(world.remoteSha(claimRefOf('000001')), theirs.sha);
  });
});
