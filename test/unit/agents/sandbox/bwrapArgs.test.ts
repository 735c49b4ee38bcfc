import * as assert from 'node:assert/strict';
import { buildBwrapArgs, SandboxPathError, type SandboxPolicy } from '../../../../src/core/agents/sandbox/bwrapArgs';
import { cliStateDirs } from '../../../../src/core/agents/sandbox/cliStateDirs';
import { describeSandbox, trialArgs } from '../../../../src/core/agents/sandbox/sandboxProbe';

const NONE: SandboxPolicy = { hidden: [], readOnly: [], writable: [], gitDirs: [], state: [] };
const CMD = { command: '/usr/bin/claude', args: ['-p', '--model', 'x'], cwd: '/repo/.git-worktrees/000001_a' };

/** The mount operations of an argv, in order, as `op path`. */
function mounts(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.indexOf('--'); i++) {
    const a = args[i]!;
    if (a === '--tmpfs') out.push(`tmpfs ${args[++i]}`);
    else if (a === '--bind' || a === '--ro-bind') {
      out.push(`${a === '--bind' ? 'rw' : 'ro'} ${args[i + 1]}`);
      assert.equal(args[i + 1], args[i + 2], 'a bind keeps its path');
      i += 2;
    }
  }
  return out;
}

describe('buildBwrapArgs (the sandbox policy as a bwrap argument list)', () => {
  it('starts from a read-only machine with private /tmp, /dev and /proc, its own PID namespace and no caps', () => {
    const args = buildBwrapArgs(NONE, CMD);
    for (const flag of ['--die-with-parent', '--new-session', '--unshare-pid']) assert.ok(args.includes(flag), flag);
    assert.deepEqual(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2), ['--cap-drop', 'ALL']);
    assert.ok(!args.includes('--share-net') && !args.includes('--unshare-net'), 'the network stays shared');
    assert.deepEqual(mounts(args).slice(0, 2), ['ro /', 'tmpfs /tmp']);
    assert.deepEqual(args.slice(args.indexOf('--dev'), args.indexOf('--dev') + 2), ['--dev', '/dev']);
    assert.deepEqual(args.slice(args.indexOf('--proc'), args.indexOf('--proc') + 2), ['--proc', '/proc']);
    // The program and its arguments come after `--`: nothing of them is read as a bwrap option.
    assert.deepEqual(args.slice(args.indexOf('--')), ['--', '/usr/bin/claude', '-p', '--model', 'x']);
    assert.deepEqual(args.slice(args.indexOf('--chdir'), args.indexOf('--chdir') + 2), ['--chdir', CMD.cwd]);
  });

  it('applies mounts shallow to deep: git dirs stay read-only inside the worktree, state inside a git dir writable', () => {
    const args = buildBwrapArgs(
      {
        hidden: ['/home/u'],
        readOnly: ['/home/u/.nvm/versions/node/v20/lib/node_modules'],
        writable: ['/repo/.git-worktrees/000001_a', '/repo/design/tasks/000001_a'],
        gitDirs: ['/repo/.git', '/repo/.git/worktrees/000001_a', '/repo/.git-worktrees/000001_a/.git'],
        state: ['/repo/.git/spectask/agents/000001/claude', '/home/u/.claude'],
      },
      CMD,
    );
    assert.deepEqual(mounts(args), [
      'ro /',
      'tmpfs /tmp',
      'tmpfs /home/u',
      'ro /repo/.git',
      'rw /repo/.git-worktrees/000001_a',
      'rw /home/u/.claude',
      'rw /repo/design/tasks/000001_a',
      'ro /repo/.git/worktrees/000001_a',
      'ro /repo/.git-worktrees/000001_a/.git',
      'rw /repo/.git/spectask/agents/000001/claude',
      'ro /home/u/.nvm/versions/node/v20/lib/node_modules',
    ]);
  });

  it('on the same path read-only wins over writable, and a home inside the worktree is still hidden', () => {
    const args = buildBwrapArgs(
      { ...NONE, hidden: ['/w/home'], writable: ['/w', '/w/.git'], gitDirs: ['/w/.git'] },
      { ...CMD, cwd: '/w' },
    );
    assert.deepEqual(mounts(args).slice(2), ['rw /w', 'tmpfs /w/home', 'ro /w/.git']);
  });

  it('refuses a path that could become an option or a second argument, and hiding or binding / itself', () => {
    for (const bad of ['-rf', '--bind', 'relative/dir', '/a\nb', '/a\0b', '/a\rb', '/', '/x/..'])
      assert.throws(() => buildBwrapArgs({ ...NONE, writable: [bad] }, CMD), SandboxPathError, JSON.stringify(bad));
    assert.throws(() => buildBwrapArgs({ ...NONE, gitDirs: ['--ro-bind'] }, CMD), SandboxPathError);
    assert.throws(() => buildBwrapArgs(NONE, { ...CMD, cwd: '-C' }), SandboxPathError);
    assert.throws(() => buildBwrapArgs(NONE, { ...CMD, command: '--setenv' }), SandboxPathError);
    assert.throws(() => buildBwrapArgs(NONE, { ...CMD, command: '/bin/x\n' }), SandboxPathError);
    // Arguments of the program may look like anything: they follow `--`.
    assert.doesNotThrow(() => buildBwrapArgs(NONE, { ...CMD, args: ['--bind', '/', '/'] }));
  });

  it('normalises paths (`/a/b/../c` binds `/a/c`) and gives a root caller a user namespace with another uid', () => {
    assert.deepEqual(mounts(buildBwrapArgs({ ...NONE, writable: ['/a/b/../c/'] }, CMD)).slice(2), ['rw /a/c']);
    const asRoot = buildBwrapArgs({ ...NONE, uid: 1000 }, CMD);
    assert.deepEqual(asRoot.slice(asRoot.indexOf('--unshare-user'), asRoot.indexOf('--unshare-user') + 5), [
      '--unshare-user',
      '--uid',
      '1000',
      '--gid',
      '1000',
    ]);
    assert.ok(!buildBwrapArgs(NONE, CMD).includes('--unshare-user'));
  });

  it('the probe tries the same namespace options as a real launch', () => {
    const real = buildBwrapArgs(NONE, { command: 'true', args: [], cwd: '/' });
    assert.deepEqual(trialArgs(false), real);
    assert.ok(trialArgs(true).includes('--unshare-user'));
  });
});

describe('cliStateDirs (the CLI state the hidden home keeps writable)', () => {
  it('names each CLI’s own folders under the home, and none for back-ends without a CLI', () => {
    assert.deepEqual(cliStateDirs('claude-cli', '/home/u'), ['/home/u/.claude', '/home/u/.claude.json']);
    assert.deepEqual(cliStateDirs('codex', '/home/u'), ['/home/u/.codex']);
    assert.deepEqual(cliStateDirs('gemini', '/home/u'), ['/home/u/.gemini']);
    assert.deepEqual(cliStateDirs('openai-compat', '/home/u'), []);
    assert.deepEqual(cliStateDirs('custom', '/home/u'), []);
    assert.deepEqual(cliStateDirs('claude-cli', 'relative'), []);
    assert.deepEqual(cliStateDirs('claude-cli', undefined), []);
  });
});

describe('describeSandbox (what Configure Agent Back-ends shows)', () => {
  it('says on with the version, off, unavailable with the reason, or no sandbox on this platform', () => {
    assert.equal(
      describeSandbox({ available: true, bwrap: '/usr/bin/bwrap', version: '0.8.0' }, true),
      'on (bubblewrap 0.8.0)',
    );
    assert.equal(describeSandbox({ available: true, bwrap: '/usr/bin/bwrap', version: '0.8.0' }, false), 'off');
    assert.equal(describeSandbox({ available: false, reason: 'no bwrap' }, true), 'unavailable: no bwrap');
    assert.equal(
      describeSandbox({ available: false, reason: 'x', platform: 'unsupported' }, true),
      'no sandbox on this platform',
    );
  });
});
