import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { branchNameProblem } from '../../../src/core/git/refName';
import { CodeWorktrees, type CodeWorktree } from '../../../src/core/orchestrator/codeWorktrees';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

// issue 18, item 6: `baseBranch` comes from spectask.json on the shared design-docs branch and reached git's argv
// before `--end-of-options`: a teammate's `--output=<file>` made git overwrite a file.
describe('branch names from spectask.json reach git only as checked refs', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('the pure check agrees with `git check-ref-format --branch`', () => {
    const names = [
      'main',
      'feature/x-1',
      'spectask/000001-add-login',
      'release-1.2',
      'dev@home',
      '--output=/tmp/x',
      '-b',
      'a..b',
      'a b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[b',
      'a\\b',
      'a\tb',
      '.hidden',
      'x/.y',
      'x.lock',
      'x/y.lock/z',
      'x/',
      '/x',
      'x//y',
      'x.',
      'a@{1}',
      '',
    ];
    for (const n of names) {
      const byGit = spawnSync('git', ['check-ref-format', '--branch', n], { encoding: 'utf8' }).status === 0;
      assert.equal(branchNameProblem(n) === undefined, byGit, `${JSON.stringify(n)}: git says ${byGit}`);
    }
    // Stricter than git, which expands these to the current branch instead of taking them as names.
    for (const n of ['@', '@{-1}']) assert.ok(branchNameProblem(n), n);
  });

  let repo: string;
  let wts: CodeWorktrees;
  beforeEach(() => {
    repo = makeCleanRepo();
    const registry = track(new GitQueueRegistry());
    wts = new CodeWorktrees(repo, registry.forRepo(repo));
  });
  const worktree = (baseBranch: string): CodeWorktree => ({
    path: path.join(repo, '.git-worktrees', '000001_t'),
    branch: 'spectask/000001-t',
    baseBranch,
  });

  it('refuses a base branch of `--output=<file>` with a clear error, and git writes no file', async () => {
    const out = tempDir('refs-out-');
    // Where git's --output would land for `<base>..<branch>` and `<base>...<branch>` (git log, git diff).
    fs.mkdirSync(path.join(out, 'x..spectask'));
    fs.mkdirSync(path.join(out, 'x...spectask'));
    git(repo, 'branch', 'spectask/000001-t');
    const wt = worktree(`--output=${out}/x`);
    const refused = /Refusing the base branch "--output=.*": not a valid git branch name \(it starts with "-"/;
    await assert.rejects(wts.commitsSinceBase(wt), refused);
    await assert.rejects(wts.changedFiles(wt), refused);
    await assert.rejects(wts.fastForwardToBase(wt), refused);
    await assert.rejects(wts.ensure(wt), refused);
    await assert.rejects(wts.merge(wt, 'fast-forward', 'merge'), refused);
    assert.deepEqual(fs.readdirSync(path.join(out, 'x..spectask')), [], 'git log wrote nothing');
    assert.deepEqual(fs.readdirSync(path.join(out, 'x...spectask')), [], 'git diff wrote nothing');
    assert.equal(fs.existsSync(path.join(repo, '.git-worktrees', '000001_t')), false);
  });

  it('a valid base branch still works: worktree, commits, changed files, fast-forward merge', async () => {
    const wt = worktree('main');
    assert.deepEqual(await wts.ensure(wt), { created: true });
    fs.writeFileSync(path.join(wt.path, 'a.txt'), 'a\n');
    git(wt.path, 'add', 'a.txt');
    git(wt.path, 'commit', '-q', '-m', 'T1: a', '-m', 'SpecTask: 000001');
    const commits = await wts.commitsSinceBase(wt);
    assert.deepEqual(
      commits.map((c) => c.subject),
      ['T1: a'],
    );
    assert.deepEqual(await wts.changedFiles(wt), [{ status: 'A', file: 'a.txt' }]);
    const { sha } = await wts.merge(wt, 'fast-forward', 'merge');
    assert.equal(git(repo, 'rev-parse', 'main'), sha);
  });

  it('a merge commit into a base checked out nowhere still works', async () => {
    git(repo, 'branch', 'base');
    const wt = worktree('base');
    await wts.ensure(wt);
    fs.writeFileSync(path.join(wt.path, 'b.txt'), 'b\n');
    git(wt.path, 'add', 'b.txt');
    git(wt.path, 'commit', '-q', '-m', 'T1: b');
    const { sha } = await wts.merge(wt, 'merge-commit', 'merge it');
    assert.equal(git(repo, 'rev-parse', 'base'), sha);
    assert.equal(git(repo, 'log', '-1', '--format=%s', 'base'), 'merge it');
    assert.equal(await wts.remove(wt), true);
  });

  describe('in the orchestrator', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.dispose();
      h = undefined;
    });

    it('a task whose spectask.json names such a base fails with the reason, and no agent starts', async () => {
      const out = tempDir('refs-out-');
      h = await makeHarness(async () => {});
      const id = await h.orchestrator.create(
        { title: 'Greet', prompt: 'Say hi.', baseBranch: `--output=${out}/x` },
        { startPlanning: true },
      );
      await waitForStatus(h, id, 'spec_failed');
      assert.match(h.orchestrator.task(id)!.record!.error ?? '', /Refusing the base branch "--output=.*": not a valid/);
      assert.equal(h.backend.calls.length, 0);
      assert.deepEqual(fs.readdirSync(out), []);
    });
  });
});
