import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInvocation } from '../../../../src/core/agents/agentHost';
import { sandboxPolicyFor } from '../../../../src/core/agents/sandbox/sandboxPolicy';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../../support/tempRepo';

describe('sandboxPolicyFor (what one invocation hides and binds)', () => {
  after(cleanupTemp);

  /** A linked worktree, a home with an npm-installed CLI and a PATH entry, a runtime dir, a state dir to create. */
  function world() {
    const repo = makeCleanRepo();
    const worktree = path.join(repo, '.git-worktrees', '000001_p');
    git(repo, 'worktree', 'add', '-q', '-b', 'spectask/000001-p', worktree);
    const home = tempDir('spectask-policy-home-');
    const pkg = path.join(home, '.npm-global', 'lib', 'node_modules', 'agent-cli');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'cli.js'), '#!/bin/sh\n', { mode: 0o755 });
    const bin = path.join(home, '.npm-global', 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(path.join(pkg, 'cli.js'), path.join(bin, 'agent-cli'));
    fs.mkdirSync(path.join(home, '.codex'));
    const runtime = tempDir('spectask-policy-run-');
    const stateDir = path.join(repo, '.git', 'spectask', 'agents', '000001', 'codex');
    const inv: AgentInvocation = {
      command: 'agent-cli',
      args: [],
      cwd: worktree,
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, XDG_RUNTIME_DIR: runtime },
      stdin: 'ignore',
      sandbox: { writable: [worktree, path.join(home, 'missing')], stateDirs: [stateDir], backend: 'codex' },
    };
    return { repo, worktree, home, bin, pkg, runtime, stateDir, inv };
  }

  it('hides the home and the runtime dir, keeps the CLI install readable, binds the existing state, finds every git dir', async () => {
    const w = world();
    const r = await sandboxPolicyFor(w.inv, w.home);
    assert.ok('policy' in r);
    assert.equal(r.command, path.join(w.bin, 'agent-cli'));
    assert.deepEqual(r.policy.hidden, [w.home, w.runtime]);
    assert.deepEqual([...r.policy.readOnly].sort(), [w.bin, path.dirname(w.pkg)].sort());
    assert.deepEqual(r.policy.writable, [w.worktree], 'a missing folder is left out');
    assert.deepEqual(r.policy.state, [w.stateDir, path.join(w.home, '.codex')]);
    assert.ok(fs.statSync(w.stateDir).isDirectory(), 'the state folder was created');
    assert.deepEqual(
      [...r.policy.gitDirs].sort(),
      [
        path.join(w.repo, '.git'),
        path.join(w.repo, '.git', 'worktrees', '000001_p'),
        path.join(w.worktree, '.git'),
      ].sort(),
    );
  });

  it("creates the CLI's state folder on its first run, so the session it writes outlives the run", async () => {
    const w = world();
    const claude = { ...w.inv, sandbox: { ...w.inv.sandbox!, backend: 'claude-cli' } };
    const r = await sandboxPolicyFor(claude, w.home);
    assert.ok('policy' in r);
    assert.ok(fs.statSync(path.join(w.home, '.claude')).isDirectory(), '~/.claude was created');
    assert.ok(r.policy.state.includes(path.join(w.home, '.claude')), 'and is bound writable');
    assert.ok(!fs.existsSync(path.join(w.home, '.claude.json')), 'a state file is not made up');
  });

  it('names a program that is nowhere on PATH instead of starting bwrap for it', async () => {
    const w = world();
    assert.deepEqual(await sandboxPolicyFor({ ...w.inv, command: 'no-such-cli' }, w.home), { missing: 'no-such-cli' });
  });
});
