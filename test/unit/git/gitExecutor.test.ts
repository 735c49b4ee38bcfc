import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import { defaultGitExecutor, findGitWorkerScript, WorkerGitExecutor } from '../../../src/core/git/gitExecutor';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanupTemp, git, makeRepo } from '../docs/gitFixture';

/** The bundled worker (dist/gitWorker.js, built by `node esbuild.mjs` before the tests run). */
function workerScript(): string {
  const s = findGitWorkerScript();
  assert.ok(s, 'dist/gitWorker.js was not built');
  return s;
}

describe('git worker thread', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  it('is what every GitRunner uses by default, found from the test bundle', () => {
    assert.ok(defaultGitExecutor() instanceof WorkerGitExecutor, 'git would be started from the host thread');
    assert.equal(path.basename(workerScript()), 'gitWorker.js');
  });

  it('runs git in the given folder with extra environment variables, and reports git errors as GitCommandError', async () => {
    const repo = makeRepo();
    const exec = new WorkerGitExecutor(workerScript());
    const runner = new GitRunner(repo, 'git', undefined, [], exec);
    assert.equal((await runner.run(['rev-parse', '--show-toplevel'])).trim(), fs.realpathSync(repo));
    fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    await runner.run(['add', 'a.txt']);
    await runner.run(['commit', '-m', 'by the worker'], { env: { GIT_AUTHOR_NAME: 'Worker Author', GIT_AUTHOR_EMAIL: 'w@example.invalid' } });
    assert.equal(git(repo, 'log', '-1', '--format=%an|%s'), 'Worker Author|by the worker');
    const err = await runner.run(['rev-parse', '--verify', 'no-such-ref']).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof GitCommandError);
    assert.equal(err.spawnFailed, false);
    assert.match(err.message, /rev-parse --verify no-such-ref failed/);
    await exec.dispose();
  });

  it('says the binary is missing when git cannot be started', async () => {
    const exec = new WorkerGitExecutor(workerScript());
    const runner = new GitRunner(makeRepo(), '/nonexistent/git-binary', undefined, [], exec);
    const err = await runner.run(['status']).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof GitCommandError);
    assert.equal(err.spawnFailed, true);
    await exec.dispose();
  });

  it('fails the commands in flight when the worker dies, and starts a new worker for the next command', async () => {
    const repo = makeRepo();
    const exec = new WorkerGitExecutor(workerScript());
    const runner = new GitRunner(repo, 'git', undefined, [], exec);
    await runner.run(['status', '--short']);
    // Terminated right after the request is posted, before the worker can answer it.
    const inFlight = runner.run(['log', '--all']);
    await exec.dispose();
    await assert.rejects(inFlight, /git worker thread stopped/);
    assert.equal((await runner.run(['rev-parse', '--is-inside-work-tree'])).trim(), 'true');
    await exec.dispose();
  });

  it('keeps a process alive while a command is in flight and lets it exit when idle', () => {
    // A child process whose only pending work is a git command on the worker: it must print the result and exit.
    const repo = makeRepo();
    const script = `const { WorkerGitExecutor } = require(${JSON.stringify(path.resolve('out/test/unit/git/gitExecutorChild.js'))});
      new WorkerGitExecutor(${JSON.stringify(workerScript())}).run({ binary: 'git', cwd: ${JSON.stringify(repo)}, args: ['rev-parse', '--is-inside-work-tree'] }).then((o) => process.stdout.write('result:' + o));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.signal, null, `the process did not exit by itself: ${r.stderr}`);
    assert.equal(r.stdout.trim(), 'result:true');
  });
});
