import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { CLAIMS_PREFIX } from '../../../src/core/workers/claimRefs';
import { inCloneFetchLock } from '../../../src/core/workers/cloneFetchLock';
import { mirrorPrefix } from '../../../src/core/workers/claimClient';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { cleanupTemp, git, GIT_ENV } from '../../support/tempRepo';
import { commitOn, makeRemoteWorld } from './remoteWorld';

const CLAIMS = 6;
const ROUNDS = 12;

/** Every claim ref of the remote moved (a new commit each), some deleted and made again: what a busy fleet does. */
function moveClaims(seedClone: string, bare: string, round: number): void {
  const base = git(seedClone, 'rev-parse', 'HEAD');
  const specs: string[] = [];
  for (let i = 1; i <= CLAIMS; i++) {
    const ref = `${CLAIMS_PREFIX}${String(i).padStart(6, '0')}`;
    specs.push(
      round % 3 === 2 && i % 2 ? `:${ref}` : `+${commitOn(seedClone, base, `claim ${i} round ${round}`)}:${ref}`,
    );
  }
  git(seedClone, 'push', '-q', bare, ...specs);
}

describe("cloneFetchLock: fetches into one clone's refs, one at a time", function () {
  this.timeout(120_000);
  after(cleanupTemp);

  it('two reads of the claims at once in one clone both succeed, and the mirror ends as the remote is', async () => {
    const world = makeRemoteWorld();
    const writer = world.clone();
    const clone = world.clone();
    // Two parts of one process with their own runners on the same clone (a worker's pass and a stop's read, a
    // claimant's acquire and its poll, the remote-runs watcher).
    const refs = [0, 1, 2].map(
      () => new RemoteRefs(new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner()), 'origin'),
    );
    const prefix = mirrorPrefix('origin');
    for (let round = 0; round < ROUNDS; round++) {
      moveClaims(writer, world.bare, round);
      const results = await Promise.allSettled(refs.map((r) => r.mirror(CLAIMS_PREFIX, prefix)));
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.deepEqual(
        failed.map((f) => String((f.reason as Error).message).split('\n')[0]),
        [],
        `round ${round}: no read of the claims may fail`,
      );
      const local = git(clone, 'for-each-ref', '--format=%(objectname) %(refname:lstrip=5)', prefix);
      const remote = git(world.bare, 'for-each-ref', '--format=%(objectname) %(refname:lstrip=3)', CLAIMS_PREFIX);
      assert.equal(local, remote, `round ${round}: the mirror is the remote's claims`);
    }
  });

  it('fetches of one clone from its root and from a linked worktree never run at once in this process', async () => {
    const world = makeRemoteWorld();
    const clone = world.clone();
    const linked = `${clone}-linked`;
    git(clone, 'worktree', 'add', '-q', '--detach', linked);
    let active = 0;
    let most = 0;
    const fetchFrom = (dir: string) => {
      const runner = new GitRunner(dir, 'git', undefined, undefined, new GitCommandRunner());
      return inCloneFetchLock(runner, async () => {
        most = Math.max(most, ++active);
        try {
          await runner.run(['fetch', '--no-tags', '--quiet', 'origin', `+refs/heads/main:refs/remotes/origin/main`]);
        } finally {
          active--;
        }
      });
    };
    await Promise.all([fetchFrom(clone), fetchFrom(linked), fetchFrom(clone), fetchFrom(linked)]);
    assert.equal(most, 1, 'one fetch at a time per clone (its git common dir)');
    // Another clone is not held up by this one's fetches.
    const other = world.clone();
    let both = 0;
    let overlap = 0;
    const tracked = (dir: string) =>
      inCloneFetchLock(new GitRunner(dir, 'git', undefined, undefined, new GitCommandRunner()), async () => {
        overlap = Math.max(overlap, ++both);
        await new Promise((r) => setTimeout(r, 50));
        both--;
      });
    await Promise.all([tracked(clone), tracked(other)]);
    assert.equal(overlap, 2, 'two clones fetch side by side');
  });

  it("a read racing another process's fetch of the same refs in the clone is tried again, not failed", async () => {
    const world = makeRemoteWorld();
    const writer = world.clone();
    const clone = world.clone();
    const refs = new RemoteRefs(new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner()), 'origin');
    const prefix = mirrorPrefix('origin');
    const spec = `+${CLAIMS_PREFIX}*:${prefix}*`;
    for (let round = 0; round < ROUNDS; round++) {
      moveClaims(writer, world.bare, round);
      // Another process (`spectask fleet`, a second window) fetching the same claims at the same moment.
      const other = spawn('git', ['fetch', '--prune', '--no-tags', '--quiet', 'origin', spec], {
        cwd: clone,
        env: GIT_ENV,
        stdio: 'ignore',
      });
      const exited = new Promise((r) => other.on('exit', r));
      await refs.mirror(CLAIMS_PREFIX, prefix);
      await exited;
    }
  });
});
