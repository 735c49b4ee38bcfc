import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import { quietCommandEnv } from '../../../src/core/git/gitQuietCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

// Issue 24: a design-docs commit runs `commit -q` (no diffstat) without simple-git, whose completion check
// waits 50 ms after a command that printed nothing. The quiet path must keep simple-git's rules.
describe('quiet git commands (run without simple-git)', function () {
  this.timeout(30_000);
  after(cleanupTemp);
  const runner = (root: string) => new GitRunner(root, 'git', undefined, [10], new GitCommandRunner());

  it('runs a silent command and returns its (empty) output; its failures read like the simple-git path', async () => {
    const root = makeRepo();
    fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
    const g = runner(root);
    await g.run(['add', 'a.txt']);
    assert.equal(await g.run(['commit', '-q', '-m', 'quiet one'], { quiet: true }), '');
    assert.equal(git(root, 'log', '-1', '--format=%s').trim(), 'quiet one');
    // "no changes added to commit" is on stdout: it becomes the message, as simple-git's path makes it.
    const nothing = await g.run(['commit', '-q', '-m', 'again'], { quiet: true }).catch((e: unknown) => e);
    assert.ok(
      nothing instanceof GitCommandError && /nothing to commit|no changes added to commit/.test(nothing.stderr),
      String(nothing),
    );
    const missing = await new GitRunner(root, path.join(root, 'no-such-git'), undefined, [10], new GitCommandRunner())
      .run(['status'], { quiet: true })
      .catch((e: unknown) => e);
    assert.ok(missing instanceof GitCommandError && missing.spawnFailed, String(missing));
  });

  it('runs no hook and no fsmonitor the repository configures', async () => {
    const root = makeRepo();
    const marker = path.join(root, '..', `${path.basename(root)}-hook-ran`);
    const hook = path.join(root, '.git', 'hooks', 'post-commit');
    fs.mkdirSync(path.dirname(hook), { recursive: true });
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    git(root, 'config', 'core.fsmonitor', `touch '${marker}'`);
    fs.writeFileSync(path.join(root, 'b.txt'), 'b\n');
    const g = runner(root);
    await g.run(['add', '--verbose', 'b.txt']);
    await g.run(['commit', '-q', '-m', 'no hooks'], { quiet: true });
    assert.equal(fs.existsSync(marker), false, 'a hook or the fsmonitor ran');
  });

  it("gets simple-git's environment: no ambient GIT_* but the allowed ones, no editor; extra variables win", () => {
    const saved = { ...process.env };
    try {
      process.env.GIT_DIR = '/elsewhere';
      process.env.GIT_AUTHOR_NAME = 'ambient';
      process.env.EDITOR = 'vi';
      process.env.SPECTASK_PLAIN = 'kept';
      const plain = quietCommandEnv(undefined);
      assert.equal(plain.GIT_DIR, undefined);
      assert.equal(plain.EDITOR, undefined);
      assert.equal(plain.GIT_AUTHOR_NAME, 'ambient');
      assert.equal(plain.SPECTASK_PLAIN, 'kept');
      assert.equal(plain.GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS, 'true');
      const extra = quietCommandEnv({ GIT_COMMITTER_NAME: 'us' });
      assert.equal(extra.GIT_AUTHOR_NAME, undefined, 'with extra variables, no ambient GIT_* at all');
      assert.equal(extra.GIT_COMMITTER_NAME, 'us');
      assert.equal(extra.SPECTASK_PLAIN, 'kept');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
