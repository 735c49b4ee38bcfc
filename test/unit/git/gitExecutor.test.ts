import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import type { GitExecutor } from '../../../src/core/git/gitCommand';
import { defaultGitExecutor, findGitWorkerScript } from '../../../src/core/git/gitExecutor';
import { ProcessGitExecutor } from '../../../src/core/git/gitProcessExecutor';
import { WorkerGitExecutor } from '../../../src/core/git/gitThreadExecutor';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

/** The bundled helper (dist/gitWorker.js, built by `node esbuild.mjs` before the tests run). */
function workerScript(): string {
  const s = findGitWorkerScript();
  assert.ok(s, 'dist/gitWorker.js was not built');
  return s;
}

const CHILD_BUNDLE = path.resolve('out/test/unit/git/gitExecutorChild.js');
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('git helper', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('is a helper process for every GitRunner by default, found from the test bundle', () => {
    assert.ok(defaultGitExecutor() instanceof ProcessGitExecutor, 'git would be started from this process itself');
    assert.equal(path.basename(workerScript()), 'gitWorker.js');
  });

  const kinds: { name: string; stops: RegExp; make: () => GitExecutor & { dispose(): Promise<void> } }[] = [
    {
      name: 'ProcessGitExecutor',
      stops: /git helper process stopped/,
      make: () => new ProcessGitExecutor(workerScript()),
    },
    {
      name: 'WorkerGitExecutor',
      stops: /git worker thread stopped/,
      make: () => new WorkerGitExecutor(workerScript()),
    },
  ];
  for (const kind of kinds) {
    describe(kind.name, () => {
      it('runs git in the given folder with extra environment variables, and reports git errors as GitCommandError', async () => {
        const repo = makeRepo();
        const exec = track(kind.make());
        const runner = new GitRunner(repo, 'git', undefined, [], exec);
        assert.equal((await runner.run(['rev-parse', '--show-toplevel'])).trim(), fs.realpathSync(repo));
        fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
        await runner.run(['add', 'a.txt']);
        await runner.run(['commit', '-m', 'by the helper'], {
          env: { GIT_AUTHOR_NAME: 'Helper Author', GIT_AUTHOR_EMAIL: 'w@example.invalid' },
        });
        assert.equal(git(repo, 'log', '-1', '--format=%an|%s'), 'Helper Author|by the helper');
        const err = await runner.run(['rev-parse', '--verify', 'no-such-ref']).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof GitCommandError);
        assert.equal(err.spawnFailed, false);
        assert.match(err.message, /rev-parse --verify no-such-ref failed/);
      });

      it('gives git an input on its stdin, byte for byte, and closes stdin when there is none', async () => {
        const repo = makeRepo();
        const runner = new GitRunner(repo, 'git', undefined, [], track(kind.make()));
        const text = 'line one\nünïcode ✓\n\0 after a NUL\n';
        const sha = (await runner.run(['hash-object', '--stdin'], { input: text })).trim();
        const file = path.join(repo, 'expected.txt');
        fs.writeFileSync(file, text);
        assert.equal(sha, git(repo, 'hash-object', file));
        // Without an input, a command that reads stdin sees it closed (an empty blob), never waits on it.
        assert.equal((await runner.run(['hash-object', '--stdin'])).trim(), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
      });

      it('says the binary is missing when git cannot be started', async () => {
        const exec = track(kind.make());
        const runner = new GitRunner(makeRepo(), '/nonexistent/git-binary', undefined, [], exec);
        const err = await runner.run(['status']).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof GitCommandError);
        assert.equal(err.spawnFailed, true);
      });

      it('fails the commands in flight when the helper dies, and starts a new one for the next command', async () => {
        const repo = makeRepo();
        const exec = track(kind.make());
        const runner = new GitRunner(repo, 'git', undefined, [], exec);
        await runner.run(['status', '--short']);
        // Stopped right after the request is sent, before the helper can answer it.
        const inFlight = runner.run(['log', '--all']);
        await exec.dispose();
        await assert.rejects(inFlight, kind.stops);
        assert.equal((await runner.run(['rev-parse', '--is-inside-work-tree'])).trim(), 'true');
      });

      it('keeps a process alive while a command is in flight and lets it exit when idle', () => {
        // A child process whose only pending work is a git command on the helper: it must print the result and exit.
        const repo = makeRepo();
        const script = `const { ${kind.name} } = require(${JSON.stringify(CHILD_BUNDLE)});
          new ${kind.name}(${JSON.stringify(workerScript())}).run({ binary: 'git', cwd: ${JSON.stringify(repo)}, args: ['rev-parse', '--is-inside-work-tree'] }).then((o) => process.stdout.write('result:' + o));`;
        const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
        assert.equal(r.signal, null, `the process did not exit by itself: ${r.stderr}`);
        assert.equal(r.stdout.trim(), 'result:true');
      });

      it('runs git with the environment as it is when the command runs', async () => {
        const repo = makeRepo();
        const exec = track(kind.make());
        const runner = new GitRunner(repo, 'git', undefined, [], exec);
        await runner.run(['status', '--short']); // the helper has started with the environment of that moment
        // XDG_CONFIG_HOME names a folder whose git/config git reads: set after the helper started.
        const xdg = fs.mkdtempSync(path.join(path.dirname(repo), 'xdg-'));
        fs.mkdirSync(path.join(xdg, 'git'));
        fs.writeFileSync(path.join(xdg, 'git', 'config'), '[spectask]\n\tprobe = set-later\n');
        const before = process.env.XDG_CONFIG_HOME;
        process.env.XDG_CONFIG_HOME = xdg;
        try {
          assert.equal((await runner.run(['config', 'spectask.probe'])).trim(), 'set-later');
        } finally {
          if (before === undefined) delete process.env.XDG_CONFIG_HOME;
          else process.env.XDG_CONFIG_HOME = before;
          fs.rmSync(xdg, { recursive: true, force: true });
        }
        assert.equal(await runner.tryRun(['config', 'spectask.probe']), undefined, 'the variable was removed again');
      });
    });
  }

  it('runs git from a worker thread when the helper process cannot be started, and says so once', async () => {
    const repo = makeRepo();
    const exec = track(new ProcessGitExecutor(workerScript(), '/nonexistent/node-runtime'));
    const runner = new GitRunner(repo, 'git', undefined, [], exec);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
    try {
      // Both sent before the failed start is known: neither ran, so both are run by the fallback.
      const [a, b] = await Promise.all([
        runner.run(['rev-parse', '--is-inside-work-tree']),
        runner.run(['rev-parse', '--show-toplevel']),
      ]);
      assert.equal(a.trim(), 'true');
      assert.equal(b.trim(), fs.realpathSync(repo));
      assert.equal((await runner.run(['rev-parse', '--is-inside-work-tree'])).trim(), 'true');
    } finally {
      console.warn = warn;
    }
    assert.equal(exec.pid, undefined, 'no helper process runs');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /git helper process could not be started .*ENOENT.*worker thread/);
  });

  it('the helper process goes away when the process that started it is killed', async () => {
    const repo = makeRepo();
    // The parent prints the helper's pid once a command has run through it, then waits to be killed.
    const script = `const { ProcessGitExecutor } = require(${JSON.stringify(CHILD_BUNDLE)});
      const e = new ProcessGitExecutor(${JSON.stringify(workerScript())});
      e.run({ binary: 'git', cwd: ${JSON.stringify(repo)}, args: ['status'] }).then(() => { process.stdout.write(String(e.pid) + '\\n'); setInterval(() => {}, 1000); });`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    track({ dispose: () => void parent.kill('SIGKILL') });
    const helperPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      parent.on('exit', () => reject(new Error(`the parent exited early: ${out}`)));
    });
    assert.ok(helperPid > 0 && isAlive(helperPid), 'the helper is running');
    parent.kill('SIGKILL');
    for (let i = 0; i < 100 && isAlive(helperPid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(helperPid), false, `the helper ${helperPid} outlived its parent`);
  });
});
