import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanupTemp, makeRepo, tempDir } from '../../support/tempRepo';

/**
 * A git binary that dies of SIGBUS (as git does when a file it mapped is truncated under it) for its first
 * `deaths` runs, then is the real git. Each run leaves a line in `runs.log`.
 */
function gitDyingOfSigbus(deaths: number): { binary: string; runs: () => number } {
  const dir = tempDir('spectask-sigbus-');
  const log = path.join(dir, 'runs.log');
  const binary = path.join(dir, 'git');
  const realGit = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find((g) => fs.existsSync(g)) ?? 'git';
  fs.writeFileSync(
    binary,
    `#!/bin/sh
echo run >> '${log}'
if [ "$(wc -l < '${log}')" -le ${deaths} ]; then kill -BUS $$; fi
exec '${realGit}' "$@"
`,
    { mode: 0o755 },
  );
  return {
    binary,
    runs: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

describe('GitRunner', function () {
  this.timeout(20_000);
  after(cleanupTemp);
  before(function () {
    if (process.platform === 'win32') {
      console.log('    (skipped: the fake git is a POSIX shell script)');
      this.skip();
    }
  });

  it('runs a command again when a signal ended git before it finished', async () => {
    const repo = makeRepo();
    const fake = gitDyingOfSigbus(2);
    const runner = new GitRunner(repo, fake.binary);
    assert.equal((await runner.run(['rev-parse', '--is-inside-work-tree'])).trim(), 'true');
    assert.equal(fake.runs(), 3, 'two runs ended by SIGBUS, the third one answered');
  });

  it('gives up after two more tries, saying a signal ended git', async () => {
    const repo = makeRepo();
    const fake = gitDyingOfSigbus(10);
    const runner = new GitRunner(repo, fake.binary);
    const err = await runner.run(['status']).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof GitCommandError);
    assert.equal(err.killedBySignal, true);
    assert.match(err.message, /git status failed in .*: git was ended by a signal before it finished/);
    assert.equal(fake.runs(), 3);
  });

  it('does not run again a command git itself refused', async () => {
    const repo = makeRepo();
    const fake = gitDyingOfSigbus(0);
    const runner = new GitRunner(repo, fake.binary);
    await assert.rejects(
      runner.run(['rev-parse', '--verify', 'no-such-ref']),
      (e: unknown) => e instanceof GitCommandError && !e.killedBySignal,
    );
    assert.equal(fake.runs(), 1);
  });
});
