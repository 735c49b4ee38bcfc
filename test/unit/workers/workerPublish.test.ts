import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { claimRefOf } from '../../../src/core/workers/claimRefs';
import { parseClaimMessage } from '../../../src/core/workers/claimRecord';
import { LeaseKeeper, type LostClaim } from '../../../src/core/workers/leaseKeeper';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { publishFenced, type WorkerPublishDeps } from '../../../src/core/workers/workerPublish';
import { cleanupTemp, git } from '../../support/tempRepo';
import { clientIn, commitOn, makeRemoteWorld, type RemoteWorld } from './remoteWorld';

const BRANCH = 'helix-design-docs';
const DOCS = `refs/heads/${BRANCH}`;
const TRACKING = `refs/remotes/origin/${BRANCH}`;

interface Setup {
  world: RemoteWorld;
  /** The worker's clone. */
  a: string;
  /** Another worker's clone. */
  b: string;
  keeper: LeaseKeeper;
  lost: LostClaim[];
  deps: WorkerPublishDeps;
  refused: string[];
  /** Pushes that reached the remote (its pre-receive hook counts them; `decline` makes it refuse them). */
  pushes(): number;
  decline(): void;
  /** How often the worker synced. */
  syncs: { n: number; after?: () => void };
}

/** Worker B pushes a commit of its own on the remote's design-docs branch (a fast-forward, as its sync makes it). */
function otherWorkerPushes(s: Setup, text: string): string {
  const head = s.world.remoteSha(DOCS)!;
  git(s.b, 'fetch', '-q', 'origin', `${DOCS}:${TRACKING}`);
  const theirs = commitOn(s.b, head, text);
  git(s.b, 'push', '-q', 'origin', `${theirs}:${DOCS}`);
  return theirs;
}

async function setup(tasks: string[]): Promise<Setup> {
  const world = makeRemoteWorld();
  const [a, b] = [world.clone(), world.clone()];
  const counter = path.join(world.bare, 'pushes');
  const hook = path.join(world.bare, 'hooks', 'pre-receive');
  fs.writeFileSync(hook, `#!/bin/sh\ncat >/dev/null\necho >> '${counter}'\n`, { mode: 0o755 });
  git(a, 'branch', BRANCH, `origin/${BRANCH}`);
  const client = clientIn(a, 60_000);
  const keeper = new LeaseKeeper(client);
  const lost: LostClaim[] = [];
  keeper.onDidLose((l) => lost.push(l));
  for (const t of tasks) {
    const held = await client.claim(t);
    assert.ok(held, `claimed ${t}`);
    keeper.hold(held, performance.now());
  }
  // The worker's own work on the branch: a tick commit on what it read.
  git(a, 'update-ref', DOCS, commitOn(a, git(a, 'rev-parse', TRACKING), 'ticks of worker a'));
  const syncs: Setup['syncs'] = { n: 0 };
  const refused: string[] = [];
  const refs = new RemoteRefs(new GitRunner(a, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
  const deps: WorkerPublishDeps = {
    keeper,
    refs,
    docsBranch: BRANCH,
    // The test's stand-in for DesignDocsSync (fetch, then ours replayed on theirs): real git, no push.
    resync: async () => {
      syncs.n++;
      git(a, 'fetch', '-q', 'origin', `+${DOCS}:${TRACKING}`);
      const [ours, theirs] = [git(a, 'rev-parse', DOCS), git(a, 'rev-parse', TRACKING)];
      const contains = (x: string, y: string) => {
        try {
          git(a, 'merge-base', '--is-ancestor', x, y);
          return true;
        } catch {
          return false;
        }
      };
      if (contains(ours, theirs)) git(a, 'update-ref', DOCS, theirs);
      else if (!contains(theirs, ours)) git(a, 'update-ref', DOCS, commitOn(a, theirs, 'ticks of worker a, replayed'));
      syncs.after?.();
    },
    ready: async () => true,
    fence: async () => [],
    refused: (m) => refused.push(m),
    jitterMs: 5,
  };
  const s: Setup = {
    world,
    a,
    b,
    keeper,
    lost,
    deps,
    refused,
    syncs,
    pushes: () => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').length - 1 : 0),
    decline: () => fs.writeFileSync(hook, '#!/bin/sh\ncat >/dev/null\necho declined >&2\nexit 1\n', { mode: 0o755 }),
  };
  return s;
}

describe("workerPublish: a worker's fenced push, synced right before it and retried when the head moved", function () {
  this.timeout(60_000);
  const keepers: LeaseKeeper[] = [];
  afterEach(() => keepers.splice(0).forEach((k) => k.dispose()));
  after(cleanupTemp);
  const make = async (tasks: string[]) => {
    const s = await setup(tasks);
    keepers.push(s.keeper);
    return s;
  };

  it("syncs right before building the push: another worker's push since the pass began refuses nothing", async () => {
    const s = await make(['000001']);
    // The pass synced long ago; worker B pushed since (the round trips of a pass in between).
    const theirs = otherWorkerPushes(s, 'ticks of worker b');
    const pushesBefore = s.pushes();
    const result = await publishFenced(s.deps, []);
    assert.equal(result.kind, 'pushed');
    assert.deepEqual(s.refused, [], 'not one push refused');
    assert.equal(s.pushes() - pushesBefore, 1, 'one push');
    const head = s.world.remoteSha(DOCS)!;
    git(s.a, 'merge-base', '--is-ancestor', theirs, head); // B's push is kept under ours
    assert.equal(head, git(s.a, 'rev-parse', DOCS));
  });

  it('a push refused because the design-docs head moved is tried again at once, leased on the renewed claim', async () => {
    const s = await make(['000001']);
    const claimBefore = s.world.remoteSha(claimRefOf('000001'))!;
    // B pushes right after A's sync, before A's push: the first push is refused.
    let theirs = '';
    s.syncs.after = () => {
      if (s.syncs.n === 1) theirs = otherWorkerPushes(s, 'ticks of worker b, between the sync and the push');
    };
    const result = await publishFenced(s.deps, []);
    assert.equal(result.kind, 'pushed', JSON.stringify(result));
    assert.equal(s.refused.length, 1);
    assert.match(s.refused[0], /design-docs head moved/);
    assert.equal(s.syncs.n, 2, 'synced again before the retry');
    const head = s.world.remoteSha(DOCS)!;
    git(s.a, 'merge-base', '--is-ancestor', theirs, head);
    assert.deepEqual(s.lost, [], 'the claim is still ours');
    // The retry renewed the claim on the sha it held: a new commit, seq moved on.
    const claimAfter = s.world.remoteSha(claimRefOf('000001'))!;
    assert.notEqual(claimAfter, claimBefore);
    assert.equal(s.keeper.claimOf('000001')?.sha, claimAfter);
    const record = parseClaimMessage(git(s.world.bare, 'log', '-1', '--format=%B', claimAfter));
    assert.equal(record?.seq, 1);
  });

  it('is tried a bounded number of times when the head keeps moving', async () => {
    const s = await make(['000001']);
    s.syncs.after = () => void otherWorkerPushes(s, `ticks of worker b ${s.syncs.n}`);
    const result = await publishFenced({ ...s.deps, attempts: 3 }, []);
    assert.equal(result.kind, 'failed');
    assert.equal(s.refused.length, 3, 'three pushes, each refused');
    assert.equal(s.syncs.n, 3, 'synced before each push');
    assert.deepEqual(s.lost, []);
  });

  it('a push a hook refuses (the head did not move) is not tried again', async () => {
    const s = await make(['000001']);
    s.decline();
    const result = await publishFenced(s.deps, []);
    assert.equal(result.kind, 'failed');
    assert.equal(s.refused.length, 1);
    assert.doesNotMatch(s.refused[0], /head moved/);
    assert.deepEqual(s.lost, [], 'a refusal is not a lost claim');
  });

  it('a lost claim is final: no retry, its loss reported, nothing of ours on the remote', async () => {
    const s = await make(['000001']);
    const before = s.world.remoteSha(DOCS);
    // Another worker took the claim over (its lease expired on its clock).
    const takeover = commitOn(s.b, before!, 'claim of worker b');
    git(s.b, 'push', '-q', '--force', 'origin', `${takeover}:${claimRefOf('000001')}`);
    const result = await publishFenced(s.deps, []);
    assert.equal(result.kind, 'lost');
    assert.equal(s.refused.length, 1);
    assert.deepEqual(
      s.lost.map((l) => l.task),
      ['000001'],
    );
    assert.equal(s.world.remoteSha(DOCS), before, 'nothing of ours reached the remote');
    assert.equal(s.keeper.heldClaims().length, 0);
  });

  it("releases every finished task of a pass in ONE atomic push, with the others' claims renewed", async () => {
    const s = await make(['000001', '000002', '000003']);
    const pushesBefore = s.pushes();
    const kept = s.world.remoteSha(claimRefOf('000003'));
    const result = await publishFenced(s.deps, [], ['000001', '000002']);
    assert.equal(result.kind, 'pushed');
    assert.equal(s.pushes() - pushesBefore, 1, 'one push for both releases');
    assert.equal(s.world.remoteSha(claimRefOf('000001')), undefined);
    assert.equal(s.world.remoteSha(claimRefOf('000002')), undefined);
    assert.notEqual(s.world.remoteSha(claimRefOf('000003')), kept, 'the claim still held is renewed');
    assert.deepEqual(
      s.keeper.heldClaims().map((c) => c.task),
      ['000003'],
    );
    assert.equal(s.world.remoteSha(DOCS), git(s.a, 'rev-parse', DOCS), 'with the final status');
  });
});
