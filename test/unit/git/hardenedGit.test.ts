import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { probeRepository } from '../../../src/core/git/repoProbe';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

// An agent or a cloned repository can write `.git/config` and `.git/hooks`; the host's next git command ran what
// they named (issue 18: "the host's git then runs it"). Every git of the host now runs with core.fsmonitor off
// and hooks looked up where there are none.
describe('the host runs no program the repository configures', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  /** A repository whose config names an fsmonitor program and whose hooks write marker files when run. */
  function plantedRepo() {
    const repo = makeRepo();
    const markers = tempDir('spectask-markers-');
    const script = (name: string) => {
      const file = path.join(markers, `${name}.sh`);
      fs.writeFileSync(file, `#!/bin/sh\ntouch '${path.join(markers, name)}'\n`, { mode: 0o755 });
      return file;
    };
    git(repo, 'config', 'core.fsmonitor', script('fsmonitor'));
    for (const hook of ['pre-commit', 'post-commit', 'reference-transaction'])
      fs.copyFileSync(script(hook), path.join(repo, '.git', 'hooks', hook));
    const ran = () => fs.readdirSync(markers).filter((f) => !f.endsWith('.sh'));
    const clear = () => ran().forEach((f) => fs.rmSync(path.join(markers, f)));
    return { repo, ran, clear };
  }

  it('a plain git runs them (the test plants real programs)', function () {
    if (process.platform === 'win32') {
      console.log('    skipped: the planted fsmonitor program and hooks are POSIX shell scripts');
      this.skip();
    }
    const r = plantedRepo();
    git(r.repo, 'status', '--porcelain');
    git(r.repo, 'commit', '-q', '--allow-empty', '-m', 'plain');
    assert.deepEqual(r.ran().sort(), ['fsmonitor', 'post-commit', 'pre-commit', 'reference-transaction']);
  });

  it("the host's git status, add and commit run none of them", async function () {
    if (process.platform === 'win32') {
      console.log('    skipped: the planted fsmonitor program and hooks are POSIX shell scripts');
      this.skip();
    }
    const r = plantedRepo();
    r.clear();
    const runner = new GitRunner(r.repo);
    await runner.run(['status', '--porcelain']);
    await runner.run(['add', '-A']);
    await runner.run(['commit', '-q', '-m', 'ours']);
    await runner.run(['diff', 'HEAD~1', '--stat']);
    assert.deepEqual(r.ran(), [], 'the repository-configured programs that ran');
    assert.match(git(r.repo, 'log', '-1', '--format=%s'), /^ours/);
  });

  it('the folder probe of the welcome views runs with the same -c pairs', async function () {
    if (process.platform === 'win32') {
      console.log('    skipped: the logging git stand-in is a POSIX shell script');
      this.skip();
    }
    const r = plantedRepo();
    const log = path.join(tempDir('spectask-probe-'), 'argv');
    const logger = path.join(path.dirname(log), 'git');
    fs.writeFileSync(logger, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nexec git "$@"\n`, { mode: 0o755 });
    const probe = await probeRepository(r.repo, logger);
    assert.equal(probe.kind, 'repo');
    const argv = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(argv.slice(0, 4), ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null']);
    assert.equal(argv[4], 'rev-parse');
  });
});
