import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitCommandError } from '../../../src/core/git/gitErrors';
import { gitCommandEnv } from '../../../src/core/git/gitGuard';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanupTemp, git, makeCleanRepo, makeRepo, tempDir } from '../../support/tempRepo';

/** A runner that starts git from this thread (the code the git helper runs), so that its timers are ours to see. */
const runner = (root: string, binary = 'git') => new GitRunner(root, binary, undefined, [10], new GitCommandRunner());

/**
 * Stops this thread's clock: until `restore`, no setTimeout callback ever runs. `started` counts the timers set,
 * each of which would have been waited for if the command needed it to finish.
 */
function frozenClock(): { started: () => number; restore: () => void } {
  const saved = globalThis.setTimeout;
  let started = 0;
  globalThis.setTimeout = ((..._args: unknown[]) => {
    started++;
    return { ref: () => undefined, unref: () => undefined, hasRef: () => false } as unknown as NodeJS.Timeout;
  }) as unknown as typeof setTimeout;
  return { started: () => started, restore: () => void (globalThis.setTimeout = saved) };
}

/** A git that logs each run before it starts the real one: a refused command must never reach it. */
function loggingGit(): { binary: string; runs: () => string[] } {
  const dir = tempDir('spectask-logging-git-');
  const log = path.join(dir, 'runs.log');
  const binary = path.join(dir, 'git');
  const realGit = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find((g) => fs.existsSync(g)) ?? 'git';
  fs.writeFileSync(binary, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  return { binary, runs: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('the command succeeded'),
    (e: unknown) => {
      assert.ok(e instanceof GitCommandError, String(e));
      return e;
    },
  );

// Issue 24: simple-git waited 50 ms after every git command that printed nothing (its completion plugin), and
// the hot paths picked commands that print to avoid it. Every git command of the host now runs through one
// path of our own, with simple-git's checks (@simple-git/argv-parser) and no wait.
describe('the git command path (no wait after a silent command; the checks simple-git made)', function () {
  this.timeout(30_000);
  after(cleanupTemp);
  before(function () {
    if (process.platform === 'win32') {
      console.log('    (skipped: the logging git stand-in is a POSIX shell script)');
      this.skip();
    }
  });

  it('a silent command (update-ref) finishes with the clock stopped: no timer has to run for it', async () => {
    const root = makeRepo();
    const g = runner(root);
    await g.run(['rev-parse', 'HEAD']); // modules loaded, nothing lazy left on the measured path
    const realTimeout = globalThis.setTimeout;
    const clock = frozenClock();
    let outcome: string;
    try {
      // The guard only turns a hang (simple-git's wait never ends on a stopped clock) into a failure.
      outcome = await Promise.race([
        g.run(['update-ref', 'refs/heads/silent', 'HEAD']).then((out) => `finished:${out}`),
        new Promise<string>((r) => realTimeout(() => r('still waiting on a timer'), 10_000)),
      ]);
    } finally {
      clock.restore();
    }
    assert.equal(outcome, 'finished:', 'update-ref prints nothing');
    assert.equal(git(root, 'rev-parse', 'silent'), git(root, 'rev-parse', 'HEAD'));
  });

  it("a failure reads as before: git's stdout and stderr, else its stdout, else its exit code; a missing git or folder says so", async () => {
    const root = makeCleanRepo();
    const g = runner(root);
    const stderr = await failureOf(g.run(['rev-parse', '--verify', 'no-such-ref']));
    assert.match(stderr.stderr, /fatal: Needed a single revision/);
    assert.equal(await g.tryRun(['rev-parse', '--verify', '-q', 'no-such-ref']), undefined, 'silent failure');
    // Both streams when git wrote to stderr (`push --porcelain` says why a ref was refused on stdout).
    const both = await failureOf(g.run(['rev-parse', 'HEAD', 'no-such-ref']));
    assert.match(both.stderr, new RegExp(`^${git(root, 'rev-parse', 'HEAD').trim()}\n.*fatal: .*no-such-ref`, 's'));
    const silent = await failureOf(g.run(['rev-parse', '--verify', '-q', 'no-such-ref']));
    assert.equal(silent.stderr, 'git exited with code 1');
    const nothing = await failureOf(g.run(['commit', '-q', '-m', 'nothing']));
    assert.match(nothing.stderr, /nothing to commit|nothing added to commit/, 'git says it on stdout');
    const missing = await failureOf(runner(root, path.join(root, 'no-such-git')).run(['status']));
    assert.equal(missing.spawnFailed, true, 'a git that cannot be started');
    const gone = await failureOf(g.run(['status'], { cwd: path.join(root, 'no-such-folder') }));
    assert.equal(gone.spawnFailed, false, 'git is there; the folder is not');
    assert.match(gone.stderr, /the folder does not exist/);
  });

  it('refuses, before git starts, arguments that make git run a program or read another configuration', async () => {
    const root = makeRepo();
    const fake = loggingGit();
    const g = runner(root, fake.binary);
    const refused: string[][] = [
      ['-c', 'core.sshCommand=touch pwned', 'fetch', 'origin'],
      ['fetch', '--upload-pack=touch pwned', 'origin'],
      ['-c', 'alias.st=!touch pwned', 'st'],
      ['-c', 'protocol.ext.allow=always', 'fetch', 'ext::sh -c touch% pwned'],
      ['-c', 'diff.external=touch pwned', 'diff'],
      ['-c', 'include.path=/elsewhere/config', 'status'],
      ['--git-dir=/elsewhere', 'status'],
      ['--exec-path=/elsewhere', 'status'],
      // simple-git let this one through (our own `-c core.fsmonitor=false` needed the exception); now refused.
      ['-c', 'core.fsmonitor=touch pwned', 'status'],
    ];
    for (const args of refused) {
      const e = await failureOf(g.run(args));
      assert.match(e.stderr, /^git was not started: .*not permitted/, args.join(' '));
      assert.equal(e.spawnFailed, false);
    }
    assert.deepEqual(fake.runs(), [], 'refused commands that reached git');
    // The one exception: the integration runs the repository's own hooks when the user asks for them.
    await g.run(['-c', `core.hooksPath=${path.join(root, '.git', 'hooks')}`, 'status', '--porcelain']);
    assert.equal(fake.runs().length, 1);
    assert.match(fake.runs()[0], /^-c core\.fsmonitor=false -c core\.hooksPath=\/dev\/null -c core\.hooksPath=/);
  });

  it('refuses a guarded variable given for one command; removes the ambient ones; refuses abbreviated options', async () => {
    const root = makeRepo();
    const fake = loggingGit();
    const g = runner(root, fake.binary);
    const guardedEnvs: Record<string, string>[] = [
      { GIT_DIR: '/elsewhere' },
      { GIT_SSH_COMMAND: 'touch pwned' },
      { EDITOR: 'vi' },
      { PAGER: 'x' },
    ];
    for (const env of guardedEnvs) {
      const e = await failureOf(g.run(['status'], { env }));
      assert.match(e.stderr, /^git was not started: Use of ".*" is blocked by the environment guard/);
    }
    assert.deepEqual(fake.runs(), [], 'refused commands that reached git');
    assert.equal(
      await g.run(['var', 'GIT_COMMITTER_IDENT'], { env: { GIT_COMMITTER_NAME: 'Us' } }).then((o) => o.split(' <')[0]),
      'Us',
    );
    const saved = { ...process.env };
    try {
      process.env.GIT_DIR = '/elsewhere';
      process.env.GIT_CONFIG_PARAMETERS = "'core.fsmonitor=touch pwned'";
      assert.equal((await g.run(['rev-parse', '--show-toplevel'])).trim(), fs.realpathSync(root));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const abbreviated = await failureOf(g.run(['status', '--porcelai']));
    assert.match(abbreviated.stderr, /disallowed abbreviated or ambiguous option/);
  });

  it("gets simple-git's environment: no ambient GIT_* but the allowed ones, no editor; extra variables win", () => {
    const saved = { ...process.env };
    try {
      process.env.GIT_DIR = '/elsewhere';
      process.env.GIT_AUTHOR_NAME = 'ambient';
      process.env.EDITOR = 'vi';
      process.env.SPECTASK_PLAIN = 'kept';
      const plain = gitCommandEnv(undefined);
      assert.equal(plain.GIT_DIR, undefined);
      assert.equal(plain.EDITOR, undefined);
      assert.equal(plain.GIT_AUTHOR_NAME, 'ambient');
      assert.equal(plain.SPECTASK_PLAIN, 'kept');
      assert.equal(plain.GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS, 'true');
      const extra = gitCommandEnv({ GIT_COMMITTER_NAME: 'us' });
      assert.equal(extra.GIT_AUTHOR_NAME, undefined, 'with extra variables, no ambient GIT_* at all');
      assert.equal(extra.GIT_COMMITTER_NAME, 'us');
      assert.equal(extra.SPECTASK_PLAIN, 'kept');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
