import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkedWorktreeHolds } from '../../../src/core/docs/linkedWorktreeCheck';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, FIND_GIT_SUBCOMMAND, git, makeRepo, tempDir } from '../../support/tempRepo';

const REF = 'refs/heads/helix-design-docs';

/** A git that appends each subcommand it runs to a log, then runs the real git. */
function loggingGit(): { bin: string; commands: () => string[]; clear: () => void } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = tempDir('logging-git-');
  const log = path.join(dir, 'git.log');
  const bin = path.join(dir, 'git');
  fs.writeFileSync(bin, `#!/bin/sh\n${FIND_GIT_SUBCOMMAND}\necho "$sub" >> '${log}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  return {
    bin,
    commands: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []),
    clear: () => fs.rmSync(log, { force: true }),
  };
}

describe('opening the design-docs worktree: what it costs', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  async function open(root: string, binary?: string, createBranch = true) {
    const registry = track(new GitQueueRegistry({ binary }));
    const dd = await openDesignDocs(root, { registry, createBranch });
    dd.store.dispose();
    return dd;
  }

  it('opens a healthy worktree without a git worktree process, and finds it ready the same way', async () => {
    const root = makeRepo();
    await open(root);
    const fake = loggingGit();
    const again = await open(root, fake.bin, false);
    assert.equal(again.location.origin, 'local');
    assert.deepEqual(again.location.repairs, []);
    assert.deepEqual(
      fake.commands(),
      ['rev-parse', 'for-each-ref'],
      'no `git worktree list` (`--version` logs no subcommand)',
    );
    fake.clear();
    const located = await again.worktree.locate();
    assert.deepEqual(located, { branch: 'helix-design-docs', ready: true });
    assert.deepEqual(fake.commands(), ['for-each-ref']);
  });

  it('lists the worktrees once when it has to look (a first open), not again when nothing moved', async () => {
    const root = makeRepo();
    git(root, 'branch', 'helix-design-docs', 'main');
    const fake = loggingGit();
    const dd = await open(root, fake.bin);
    assert.equal(dd.location.origin, 'local');
    assert.equal(fake.commands().filter((c) => c === 'worktree').length, 2, 'one `worktree list`, one `worktree add`');
  });

  it("reads git's bookkeeping both ways and answers no at any doubt", async () => {
    const root = makeRepo();
    const dd = await open(root);
    const wt = dd.location.worktreePath;
    const common = path.join(root, '.git');
    assert.equal(await linkedWorktreeHolds(common, wt, REF), true);
    assert.equal(await linkedWorktreeHolds(common, wt, 'refs/heads/main'), false, 'another branch');
    assert.equal(await linkedWorktreeHolds(common, root, REF), false, 'the main worktree has a .git folder');

    // Another worktree on the same branch (forced): git decides which one is ours.
    const second = path.join(tempDir('second-'), 'wt');
    git(root, 'worktree', 'add', '-q', '-f', second, 'helix-design-docs');
    assert.equal(await linkedWorktreeHolds(common, wt, REF), false, 'the branch is checked out twice');
    git(root, 'worktree', 'remove', '--force', second);
    assert.equal(await linkedWorktreeHolds(common, wt, REF), true);

    // A .git file naming another worktree's folder: the back link does not match.
    const other = path.join(tempDir('other-'), 'wt');
    git(root, 'worktree', 'add', '-q', '-b', 'other', other, 'main');
    const dotGit = fs.readFileSync(path.join(wt, '.git'), 'utf8');
    fs.writeFileSync(path.join(wt, '.git'), fs.readFileSync(path.join(other, '.git'), 'utf8'));
    assert.equal(await linkedWorktreeHolds(common, wt, REF), false, 'the back link names another folder');
    fs.writeFileSync(path.join(wt, '.git'), dotGit);

    git(wt, 'switch', '-q', '--detach');
    assert.equal(await linkedWorktreeHolds(common, wt, REF), false, 'a detached HEAD');
  });
});
