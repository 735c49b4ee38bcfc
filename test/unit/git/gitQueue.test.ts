import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner, type GitExecutor } from '../../../src/core/git/gitCommand';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { parseGitVersion, isSupportedGitVersion } from '../../../src/core/git/gitVersion';
import { parseWorktreeList } from '../../../src/core/git/worktreeList';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

describe('git queue', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('runs jobs one at a time in arrival order, and a failure rejects only its own job', async () => {
    const registry = track(new GitQueueRegistry());
    const q = registry.forRepo(makeRepo());
    const log: string[] = [];
    const job = (name: string, ms: number, fail = false) =>
      q.enqueue(name, async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([job('a', 30), job('b', 5, true), job('c', 1)]);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(q.length, 0);
    registry.dispose();
    await assert.rejects(
      q.enqueue('late', async () => 1),
      /closed/,
    );
  });

  it('hands out one queue per repository, whatever path spelling is used', () => {
    const registry = track(new GitQueueRegistry());
    const root = makeRepo();
    assert.equal(registry.forRepo(root), registry.forRepo(`${root}/./`));
    assert.notEqual(registry.forRepo(root), registry.forRepo(makeRepo()));
  });

  it('waits out a lock another process holds instead of failing', async () => {
    const registry = track(new GitQueueRegistry());
    const root = makeRepo();
    const lock = path.join(root, '.git', 'index.lock');
    fs.writeFileSync(lock, '');
    setTimeout(() => fs.rmSync(lock), 150);
    await registry.forRepo(root).enqueue('commit', (g) => g.run(['commit', '-q', '-m', 'while locked']));
    assert.equal(git(root, 'log', '-1', '--format=%s'), 'while locked');
  });

  it('removes a stale lock through the hook after the retries, and reports a live one', async () => {
    const root = makeRepo();
    const lock = path.join(root, '.git', 'index.lock');
    fs.writeFileSync(lock, '');
    const asked: string[] = [];
    const fast = [5, 10, 20];
    const registry = track(
      new GitQueueRegistry({
        lockRetryDelaysMs: fast,
        onStuckLock: async (_root, l) => (asked.push(l), fs.rmSync(l), true),
      }),
    );
    await registry.forRepo(root).enqueue('commit', (g) => g.run(['commit', '-q', '-m', 'after stale lock']));
    assert.deepEqual(asked, [lock]);
    fs.writeFileSync(lock, '');
    const refusing = track(new GitQueueRegistry({ lockRetryDelaysMs: fast, onStuckLock: async () => false }));
    await assert.rejects(
      refusing.forRepo(root).enqueue('commit', (g) => g.run(['commit', '-q', '--allow-empty', '-m', 'x'])),
      (e: unknown) => e instanceof GitCommandError && e.lockFile === lock,
    );
  });

  it("starts every runner's git through the executor it was given", async () => {
    const ran: string[] = [];
    const inThisProcess = new GitCommandRunner();
    const executor: GitExecutor = { run: (req) => (ran.push(req.args.join(' ')), inThisProcess.run(req)) };
    const registry = track(new GitQueueRegistry({ executor }));
    const root = makeRepo();
    const out = await registry.forRepo(root).enqueue('read', (g) => g.run(['rev-parse', '--abbrev-ref', 'HEAD']));
    assert.equal(out.trim(), 'main');
    assert.deepEqual(ran, ['rev-parse --abbrev-ref HEAD']);
  });
});

describe('git plumbing parsers', () => {
  it('parses git versions and compares with the minimum', () => {
    assert.deepEqual(parseGitVersion('git version 2.39.5\n'), {
      major: 2,
      minor: 39,
      patch: 5,
      raw: 'git version 2.39.5',
    });
    assert.equal(parseGitVersion('git version 2.45.1.windows.1')?.minor, 45);
    assert.equal(isSupportedGitVersion(parseGitVersion('git version 2.24.3 (Apple Git-128)')!), false);
    assert.equal(isSupportedGitVersion(parseGitVersion('git version 2.25')!), true);
    assert.equal(isSupportedGitVersion(parseGitVersion('git version 3.0.0')!), true);
    assert.equal(parseGitVersion('hello'), undefined);
  });

  it('parses worktree list --porcelain', () => {
    const out =
      'worktree /r\nHEAD abc\nbranch refs/heads/main\n\nworktree /r/.git-worktrees/d\nHEAD def\nbranch refs/heads/helix-design-docs\nlocked reason here\n\nworktree /gone\nHEAD 123\ndetached\nprunable gitdir file points to non-existent location\n\n';
    const e = parseWorktreeList(out);
    assert.deepEqual(
      e.map((x) => [x.path, x.branch, x.isMain, x.locked, x.detached, x.prunable]),
      [
        ['/r', 'refs/heads/main', true, false, false, false],
        ['/r/.git-worktrees/d', 'refs/heads/helix-design-docs', false, true, false, false],
        ['/gone', undefined, false, false, true, true],
      ],
    );
  });
});
