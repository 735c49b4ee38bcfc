import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { RepositoryRefusedError } from '../../../src/core/git/gitErrors';
import { cleanupTemp, git, GIT_ENV, makeRepo, tempDir, tryGit, userState } from '../../support/tempRepo';

const WT = path.join('.git-worktrees', 'helix-design-docs');

describe('design-docs branch and worktree', function () {
  this.timeout(20_000);
  let registry: GitQueueRegistry;
  beforeEach(() => (registry = new GitQueueRegistry()));
  afterEach(() => registry.dispose());
  after(cleanupTemp);

  async function open(root: string, opts: Partial<Parameters<typeof openDesignDocs>[1]> = {}) {
    const dd = await openDesignDocs(root, { registry, ...opts });
    dd.store.dispose();
    return dd;
  }

  it('creates the orphan branch with a README and its worktree, touching nothing of the user', async () => {
    const root = makeRepo();
    const before = userState(root);
    const dd = await open(root);
    assert.equal(dd.location.origin, 'created');
    assert.equal(dd.location.branch, 'helix-design-docs');
    assert.equal(dd.location.worktreePath, path.join(root, WT));
    assert.match(fs.readFileSync(path.join(root, WT, 'README.md'), 'utf8'), /design\/tasks\/<NNNNNN>_<slug>/);
    assert.equal(tryGit(root, 'merge-base', 'main', 'helix-design-docs'), undefined, 'the branch is an orphan');
    assert.equal(git(root, 'rev-list', '--count', 'helix-design-docs'), '1');
    assert.deepEqual(userState(root), before, "the user's branch, index and files are untouched");
    assert.match(fs.readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8'), /^\/\.git-worktrees\/$/m);
    assert.equal(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), 'node_modules/\n');
    assert.doesNotMatch(git(root, 'status', '--porcelain', '--untracked-files=all'), /git-worktrees/);
    assert.equal(git(path.join(root, WT), 'rev-parse', '--abbrev-ref', 'HEAD'), 'helix-design-docs');
  });

  it('is idempotent: a second open adopts the local branch and repairs nothing', async () => {
    const root = makeRepo();
    await open(root);
    const head = git(root, 'rev-parse', 'helix-design-docs');
    const again = await open(root);
    assert.equal(again.location.origin, 'local');
    assert.deepEqual(again.location.repairs, []);
    assert.equal(git(root, 'rev-parse', 'helix-design-docs'), head);
    assert.equal(
      (fs.readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8').match(/git-worktrees/g) ?? []).length,
      1,
    );
  });

  it('uses the configured branch name', async () => {
    const root = makeRepo();
    const dd = await open(root, { branch: 'team-specs' });
    assert.equal(dd.location.branch, 'team-specs');
    assert.equal(dd.location.worktreePath, path.join(root, '.git-worktrees', 'team-specs'));
  });

  it('adopts origin/helix-design-docs instead of creating a new branch', async () => {
    const upstream = makeRepo();
    await open(upstream);
    fs.writeFileSync(path.join(upstream, WT, 'NOTE.md'), 'from upstream\n');
    git(path.join(upstream, WT), 'add', 'NOTE.md');
    git(path.join(upstream, WT), 'commit', '-q', '-m', 'note');
    const clone = tempDir('spectask-clone-');
    git(clone, 'clone', '-q', upstream, '.');
    const before = userState(clone);
    const dd = await open(clone);
    assert.equal(dd.location.origin, 'remote');
    assert.equal(fs.readFileSync(path.join(clone, WT, 'NOTE.md'), 'utf8'), 'from upstream\n');
    assert.equal(git(clone, 'rev-parse', '--abbrev-ref', 'helix-design-docs@{upstream}'), 'origin/helix-design-docs');
    assert.deepEqual(userState(clone), before);
  });

  it("adopts the reference system's helix-specs branch, locally or on the remote", async () => {
    const upstream = makeRepo();
    git(upstream, 'branch', 'helix-specs', 'main');
    const local = await open(upstream);
    assert.equal(local.location.origin, 'legacy-local');
    assert.equal(local.location.branch, 'helix-specs');
    assert.equal(local.location.worktreePath, path.join(upstream, WT));
    const clone = tempDir('spectask-clone-');
    git(clone, 'clone', '-q', upstream, '.');
    const remote = await open(clone);
    assert.equal(remote.location.origin, 'legacy-remote');
    assert.equal(git(path.join(clone, WT), 'rev-parse', '--abbrev-ref', 'HEAD'), 'helix-specs');
  });

  it('repairs a worktree folder deleted by hand (prune and re-add)', async () => {
    const root = makeRepo();
    await open(root);
    fs.rmSync(path.join(root, WT), { recursive: true, force: true });
    const before = userState(root);
    const dd = await open(root);
    assert.ok(
      dd.location.repairs.some((r) => /deleted/.test(r)),
      dd.location.repairs.join('; '),
    );
    assert.ok(fs.existsSync(path.join(root, WT, 'README.md')));
    assert.deepEqual(userState(root), before);
  });

  it('moves a design-docs worktree registered at another path to the expected one', async () => {
    const root = makeRepo();
    const elsewhere = path.join(tempDir('spectask-elsewhere-'), 'docs');
    git(root, 'branch', 'helix-design-docs', 'main');
    git(root, 'worktree', 'add', '-q', elsewhere, 'helix-design-docs');
    fs.writeFileSync(path.join(elsewhere, 'uncommitted.md'), 'keep me\n');
    const before = userState(root);
    const dd = await open(root);
    assert.ok(
      dd.location.repairs.some((r) => r.startsWith('moved the design-docs worktree')),
      dd.location.repairs.join('; '),
    );
    assert.equal(fs.readFileSync(path.join(root, WT, 'uncommitted.md'), 'utf8'), 'keep me\n');
    assert.equal(fs.existsSync(elsewhere), false);
    assert.deepEqual(userState(root), before);
  });

  it('forgets a registration whose folder is gone and checks the branch out again', async () => {
    const root = makeRepo();
    const elsewhere = path.join(tempDir('spectask-elsewhere-'), 'docs');
    git(root, 'branch', 'helix-design-docs', 'main');
    git(root, 'worktree', 'add', '-q', elsewhere, 'helix-design-docs');
    fs.rmSync(elsewhere, { recursive: true, force: true });
    const dd = await open(root);
    assert.ok(
      dd.location.repairs.some((r) => /no longer exists/.test(r)),
      dd.location.repairs.join('; '),
    );
    assert.equal(git(path.join(root, WT), 'rev-parse', '--abbrev-ref', 'HEAD'), 'helix-design-docs');
  });

  it('sets aside, never deletes, an unregistered folder in the way', async () => {
    const root = makeRepo();
    fs.mkdirSync(path.join(root, WT), { recursive: true });
    fs.writeFileSync(path.join(root, WT, 'stray.txt'), 'stray\n');
    const dd = await open(root);
    const aside = fs
      .readdirSync(path.join(root, '.git-worktrees'))
      .find((n) => n.startsWith('helix-design-docs.orphaned-'));
    assert.ok(aside, dd.location.repairs.join('; '));
    assert.equal(fs.readFileSync(path.join(root, '.git-worktrees', aside!, 'stray.txt'), 'utf8'), 'stray\n');
  });

  it('removes a stale index.lock left by a crash, but not one a running git may hold', async () => {
    const root = makeRepo();
    await open(root);
    const lock = path.join(root, '.git', 'worktrees', 'helix-design-docs', 'index.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);

    // A live git working in the worktree (waiting on stdin) means the lock may be its: leave it alone.
    const holder = spawn('git', ['hash-object', '--stdin'], {
      cwd: path.join(root, WT),
      env: GIT_ENV,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await new Promise((r) => setTimeout(r, 150));
    try {
      const held = await open(root);
      assert.equal(fs.existsSync(lock), true, 'kept while git runs here');
      assert.equal(held.location.repairs.filter((r) => r.includes('index.lock')).length, 0);
    } finally {
      holder.stdin!.end();
      await new Promise((r) => holder.on('exit', r));
    }
    const dd = await open(root);
    assert.equal(fs.existsSync(lock), false);
    assert.ok(
      dd.location.repairs.some((r) => r.includes('index.lock')),
      dd.location.repairs.join('; '),
    );
  });

  describe('refuses clearly and changes nothing', () => {
    async function refusal(
      folder: string,
      opts: Partial<Parameters<typeof openDesignDocs>[1]> = {},
    ): Promise<RepositoryRefusedError> {
      try {
        await open(folder, opts);
      } catch (e) {
        assert.ok(e instanceof RepositoryRefusedError, String(e));
        return e;
      }
      assert.fail('expected a refusal');
    }
    const listing = (d: string) => fs.readdirSync(d, { recursive: true }).map(String).sort();

    it('when the folder is not a git repository, and says how to start one', async () => {
      const dir = tempDir('spectask-plain-');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      const e = await refusal(dir);
      assert.equal(e.code, 'not-a-repo');
      assert.match(e.message, /git init/);
      assert.deepEqual(listing(dir), ['notes.txt']);
    });

    it('for a bare repository', async () => {
      const dir = tempDir('spectask-bare-');
      git(dir, 'init', '-q', '--bare');
      const before = listing(dir);
      const e = await refusal(dir);
      assert.equal(e.code, 'bare-repo');
      assert.deepEqual(listing(dir), before);
    });

    it('for a repository with no commits', async () => {
      const root = makeRepo({ commits: false });
      fs.writeFileSync(path.join(root, 'a.txt'), 'a');
      const before = userState(root);
      const e = await refusal(root);
      assert.equal(e.code, 'no-commits');
      assert.match(e.message, /first commit/);
      assert.deepEqual(userState(root), before);
      assert.equal(fs.existsSync(path.join(root, '.git-worktrees')), false);
    });

    it('when git is missing', async () => {
      const root = makeRepo();
      const before = userState(root);
      registry = new GitQueueRegistry({ binary: path.join(tempDir(), 'no-such-git') });
      const e = await refusal(root);
      assert.equal(e.code, 'git-missing');
      assert.match(e.message, /2\.25/);
      assert.deepEqual(userState(root), before);
    });

    it('when git is too old, naming the minimum version', async () => {
      const root = makeRepo();
      const fake = path.join(tempDir(), 'old-git');
      fs.writeFileSync(fake, '#!/bin/sh\necho "git version 2.20.1"\n', { mode: 0o755 });
      registry = new GitQueueRegistry({ binary: fake });
      const before = userState(root);
      const e = await refusal(root);
      assert.equal(e.code, 'git-too-old');
      assert.match(e.message, /2\.20\.1 is too old.*2\.25 or newer/);
      assert.deepEqual(userState(root), before);
    });

    it("when the branch is checked out in the user's own working tree", async () => {
      const root = makeRepo();
      git(root, 'branch', 'helix-design-docs', 'main');
      git(root, 'stash', '-q', '-u');
      git(root, 'switch', '-q', 'helix-design-docs');
      const before = userState(root);
      const e = await refusal(root);
      assert.equal(e.code, 'branch-checked-out-in-main');
      assert.match(e.message, /will not switch your branch/);
      assert.deepEqual(userState(root), before);
      assert.equal(fs.existsSync(path.join(root, '.git-worktrees')), false);
    });

    it('when the worktree path belongs to another branch', async () => {
      const root = makeRepo();
      git(root, 'worktree', 'add', '-q', '-b', 'other', path.join(root, WT), 'main');
      const e = await refusal(root);
      assert.equal(e.code, 'worktree-path-taken');
      assert.equal(tryGit(root, 'rev-parse', '--verify', '-q', 'refs/heads/helix-design-docs'), undefined);
    });

    it('to create a branch when asked only to adopt one', async () => {
      const root = makeRepo();
      const e = await refusal(root, { createBranch: false });
      assert.equal(e.code, 'not-initialized');
      assert.match(e.message, /spectask init/);
    });
  });
});
