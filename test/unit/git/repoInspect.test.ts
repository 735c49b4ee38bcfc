import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RepositoryRefusedError } from '../../../src/core/git/gitErrors';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { inspectRepository } from '../../../src/core/git/repoInspect';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

/** A git that appends each invocation's arguments to a log, then runs the real one. */
function loggingGit(): { bin: string; calls: () => string[] } {
  const dir = tempDir();
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'git.log');
  const bin = path.join(dir, 'logging-git');
  fs.writeFileSync(bin, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return { bin, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('inspectRepository', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  it('answers the usual case (a work tree with commits) with git --version and one rev-parse', async () => {
    const repo = makeRepo();
    const fake = loggingGit();
    const info = await inspectRepository(path.join(repo), new GitRunner(repo, fake.bin));
    assert.equal(info.root, fs.realpathSync(repo));
    assert.equal(info.gitDir, fs.realpathSync(path.join(repo, '.git')));
    assert.equal(info.commonDir, fs.realpathSync(path.join(repo, '.git')));
    assert.equal(fake.calls().length, 2, fake.calls().join('\n'));
  });

  it('still says exactly what is wrong when the quick look does not fit', async () => {
    const refusal = async (folder: string) => {
      const e = await inspectRepository(folder, new GitRunner(folder)).then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(e instanceof RepositoryRefusedError, `refused: ${folder}`);
      return e.code;
    };
    const empty = makeRepo({ commits: false });
    assert.equal(await refusal(empty), 'no-commits');
    const bare = tempDir();
    git(bare, 'init', '-q', '--bare');
    assert.equal(await refusal(bare), 'bare-repo');
    assert.equal(await refusal(path.join(makeRepo(), '.git')), 'not-a-repo');
    assert.equal(await refusal(tempDir()), 'not-a-repo');
  });
});
