import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { claimRefOf } from '../../../src/core/workers/claimRefs';
import { claimQueuedBatch, type ClaimChoice, type QueuedClaimDeps } from '../../../src/core/workers/queuedClaim';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, commitOn, makeRemoteWorld, type RemoteWorld } from './remoteWorld';

const BRANCH = 'helix-design-docs';
const DOCS = `refs/heads/${BRANCH}`;
const folder = (n: number) => `design/tasks/${String(n).padStart(6, '0')}_remote-task-${n}`;

/** The remote's design-docs branch gains SpecTasks 000001…00000n, queued for implementation. */
function queueTasks(world: RemoteWorld, n = 1): void {
  const seed = world.clone();
  git(seed, 'checkout', '-q', '-b', 'docs', `origin/${BRANCH}`);
  for (let i = 1; i <= n; i++) {
    fs.mkdirSync(path.join(seed, folder(i)), { recursive: true });
    const record = { ...newSpecTaskRecord({ number: i, title: `Remote task ${i}` }), status: 'queued_implementation' };
    fs.writeFileSync(path.join(seed, folder(i), 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
  }
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', `${n} tasks`);
  git(seed, 'push', '-q', 'origin', `HEAD:${DOCS}`);
}

/** The scheduler's choice stand-in: the first `free` of `tasks` no claim holds, in order. */
function firstFree(tasks: string[], free: number): (taken: ReadonlySet<string>) => ClaimChoice[] {
  return (taken) =>
    tasks
      .filter((t) => !taken.has(t))
      .slice(0, free)
      .map((task) => ({ task, trigger: 'implementation_slot_free' as const }));
}

const statusOn = (world: RemoteWorld, n: number) =>
  JSON.parse(git(world.bare, 'show', `${DOCS}:${folder(n)}/spectask.json`)).status as string;

/** `deps` whose claim pushes see another push land on the design-docs branch first, `times` times; counts pushes. */
function racedDeps(world: RemoteWorld, times: number): { deps: QueuedClaimDeps; pushes: () => number } {
  const a = world.clone();
  const other = world.clone();
  const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
  const client = clientIn(a, 60_000);
  let raced = 0;
  let pushes = 0;
  // Another worker's tick push lands between our read of the head and our claim push.
  const moveHead = () => {
    const head = world.remoteSha(DOCS)!;
    git(other, 'fetch', '-q', 'origin', DOCS);
    git(other, 'push', '-q', 'origin', `${commitOn(other, head, `ticks of another worker ${raced}`)}:${DOCS}`);
  };
  const claimAll = client.claimAll.bind(client);
  client.claimAll = async (...args) => {
    pushes++;
    if (raced++ < times) moveHead();
    return claimAll(...args);
  };
  return { deps: { client, refs, docsBranch: BRANCH, note: 'claimed by test', jitterMs: 5 }, pushes: () => pushes };
}

describe('queuedClaim: queued SpecTasks claimed together in one atomic push, chosen again when refused', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('claims several SpecTasks in ONE push: every claim ref and one status commit moving them all', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 3);
    const { deps, pushes } = racedDeps(world, 0);
    const got = await claimQueuedBatch(deps, firstFree(['000001', '000002', '000003'], 3));
    assert.deepEqual(
      got.held.map((h) => h.task),
      ['000001', '000002', '000003'],
    );
    assert.equal(pushes(), 1, 'one push for the three');
    for (const h of got.held) assert.equal(world.remoteSha(claimRefOf(h.task)), h.sha);
    for (const n of [1, 2, 3]) assert.equal(statusOn(world, n), 'implementation');
    assert.equal(git(world.bare, 'rev-list', '--count', `${DOCS}^..${DOCS}`), '1', 'one status commit');
  });

  it('claims on the new head after the head moved under the first push', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 1);
    const { deps, pushes } = racedDeps(world, 1);
    const got = await claimQueuedBatch(deps, firstFree(['000001'], 1));
    assert.equal(got.held.length, 1, 'claimed at the second push');
    assert.equal(pushes(), 2);
    assert.equal(world.remoteSha(claimRefOf('000001')), got.held[0].sha);
    assert.equal(statusOn(world, 1), 'implementation', 'with its status commit');
  });

  it('gives up after a bounded number of pushes when the head keeps moving', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 1);
    const { deps, pushes } = racedDeps(world, 10);
    const got = await claimQueuedBatch({ ...deps, attempts: 3 }, firstFree(['000001'], 1));
    assert.deepEqual(got.held, []);
    assert.equal(pushes(), 3);
    assert.equal(world.remoteSha(claimRefOf('000001')), undefined);
  });

  it('a claim another worker holds is left out before the push: the others are claimed, its claim untouched', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 3);
    const rival = clientIn(world.clone(), 60_000, 'rival');
    const theirs = await rival.claim('000002');
    assert.ok(theirs);
    const { deps, pushes } = racedDeps(world, 0);
    const got = await claimQueuedBatch(deps, firstFree(['000001', '000002', '000003'], 2));
    assert.deepEqual(
      got.held.map((h) => h.task),
      ['000001', '000003'],
      'the next free task takes its place',
    );
    assert.equal(pushes(), 1);
    assert.equal(world.remoteSha(claimRefOf('000002')), theirs.sha);
  });

  it('a claim taken between the read and the push refuses the whole push; chosen again without it', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 3);
    const rival = clientIn(world.clone(), 60_000, 'rival');
    const { deps, pushes } = racedDeps(world, 0);
    let theirs: string | undefined;
    const claimAll = deps.client.claimAll.bind(deps.client);
    deps.client.claimAll = async (...args) => {
      theirs ??= (await rival.claim('000001'))?.sha;
      return claimAll(...args);
    };
    const got = await claimQueuedBatch(deps, firstFree(['000001', '000002', '000003'], 2));
    assert.ok(theirs, 'the rival won 000001');
    assert.deepEqual(
      got.held.map((h) => h.task),
      ['000002', '000003'],
    );
    assert.equal(pushes(), 2, 'refused once (exactly one winner per claim), then claimed without it');
    assert.equal(world.remoteSha(claimRefOf('000001')), theirs);
    assert.equal(statusOn(world, 1), 'queued_implementation', "the rival's claim carried no status commit here");
  });

  it('a push whose answer was lost on the way back is held: the next read shows our claims', async () => {
    const world = makeRemoteWorld();
    queueTasks(world, 2);
    const { deps, pushes } = racedDeps(world, 0);
    const claimAll = deps.client.claimAll.bind(deps.client);
    deps.client.claimAll = async (...args) => ({ ...(await claimAll(...args)), ok: false });
    const got = await claimQueuedBatch(deps, firstFree(['000001', '000002'], 2));
    assert.equal(pushes(), 1, 'not pushed again');
    assert.deepEqual(
      got.held.map((h) => h.task),
      ['000001', '000002'],
    );
    for (const h of got.held) assert.equal(world.remoteSha(claimRefOf(h.task)), h.sha);
  });
});
