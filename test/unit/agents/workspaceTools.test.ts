import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PermissionPolicy } from '../../../src/core/agents/agentBackend';
import { isCommandAllowed, splitCommandLine } from '../../../src/core/agents/commandLine';
import { WorkspaceTools } from '../../../src/core/agents/workspaceTools';

const call = (name: string, input: Record<string, unknown>) => ({
  callId: 'c',
  name,
  input,
  rawArguments: JSON.stringify(input),
});
const signal = new AbortController().signal;

describe('WorkspaceTools', () => {
  let base: string;
  let wt: string;
  const tools = (policy: PermissionPolicy = { mode: 'full' }) =>
    new WorkspaceTools({ worktree: wt, policy, sourceEnv: { PATH: process.env.PATH, PLANTED_SECRET: 'x' } });
  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wst-')));
    wt = path.join(base, 'wt');
    fs.mkdirSync(wt);
    fs.writeFileSync(path.join(base, 'secret.txt'), 'outside');
    fs.writeFileSync(path.join(wt, 'a.txt'), 'one two two');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  for (const [label, p] of [
    ['..', '../secret.txt'],
    ['absolute', '/etc/passwd'],
    ['nested ..', 'sub/../../secret.txt'],
  ] as const) {
    it(`refuses a ${label} path outside the worktree, for reads and writes`, async () => {
      for (const c of [
        call('read_file', { path: p }),
        call('write_file', { path: p, content: 'x' }),
        call('list_dir', { path: p }),
      ]) {
        const o = await tools().execute(c, signal);
        assert.equal(o.ok, false);
        assert.ok(o.denied, `${c.name} ${p}`);
      }
      assert.equal(fs.readFileSync(path.join(base, 'secret.txt'), 'utf8'), 'outside');
    });
  }

  it('refuses symlink escapes, also through a not-yet-existing file below a linked directory', async () => {
    fs.symlinkSync(base, path.join(wt, 'link'));
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(wt, 'file-link'));
    for (const c of [
      call('read_file', { path: 'file-link' }),
      call('write_file', { path: 'link/new.txt', content: 'x' }),
      call('edit_file', { path: 'file-link', old_string: 'outside', new_string: 'owned' }),
    ]) {
      assert.ok((await tools().execute(c, signal)).denied, c.name);
    }
    assert.ok(!fs.existsSync(path.join(base, 'new.txt')));
  });

  it('refuses writes into .git but allows reading', async () => {
    fs.mkdirSync(path.join(wt, '.git'));
    fs.writeFileSync(path.join(wt, '.git', 'HEAD'), 'ref');
    assert.ok((await tools().execute(call('write_file', { path: '.git/HEAD', content: 'x' }), signal)).denied);
    assert.equal((await tools().execute(call('read_file', { path: '.git/HEAD' }), signal)).output, 'ref');
  });

  it('edit_file needs exactly one match', async () => {
    assert.match(
      (await tools().execute(call('edit_file', { path: 'a.txt', old_string: 'two', new_string: '2' }), signal)).output,
      /occurs 2 times/,
    );
    const ok = await tools().execute(call('edit_file', { path: 'a.txt', old_string: 'one', new_string: '1' }), signal);
    assert.equal(ok.ok, true);
    assert.deepEqual(ok.fileChange, { path: path.join(wt, 'a.txt'), change: 'update' });
    assert.equal(fs.readFileSync(path.join(wt, 'a.txt'), 'utf8'), '1 two two');
  });

  it('enforces the policy: read-only, edit, edit+commands allow-list, ask', async () => {
    assert.ok(
      (await tools({ mode: 'read-only' }).execute(call('write_file', { path: 'b', content: '' }), signal)).denied,
    );
    assert.equal(
      (await tools({ mode: 'read-only' }).execute(call('search', { pattern: 'two' }), signal)).output,
      'a.txt:1: one two two',
    );
    assert.ok((await tools({ mode: 'edit' }).execute(call('run_command', { command: 'git status' }), signal)).denied);
    const ec: PermissionPolicy = { mode: 'edit+commands', allow: ['git status'] };
    execFileSync('git', ['init', '-q'], { cwd: wt });
    const st = await tools(ec).execute(call('run_command', { command: 'git status --short' }), signal);
    assert.equal(st.ok, true, st.output);
    assert.ok((await tools(ec).execute(call('run_command', { command: 'git status; rm a.txt' }), signal)).denied);
    assert.ok((await tools(ec).execute(call('run_command', { command: 'git push' }), signal)).denied);
    assert.ok(fs.existsSync(path.join(wt, 'a.txt')));
    const asked: string[] = [];
    const ask: PermissionPolicy = {
      mode: 'ask',
      decide: async (r) => (
        asked.push(r.tool),
        r.tool === 'write_file' ? { behavior: 'allow' } : { behavior: 'deny', message: 'no' }
      ),
    };
    assert.equal(
      (await tools(ask).execute(call('write_file', { path: 'b', content: '' }), signal)).allowedByPolicy,
      true,
    );
    assert.ok((await tools(ask).execute(call('run_command', { command: 'ls' }), signal)).denied);
    assert.deepEqual(asked, ['write_file', 'run_command']);
  });

  // Issue 18 finding 4: `git log --output=../../.git/config` passed the `git log` prefix and overwrote the
  // repository's config (an fsmonitor line then runs in the host's next git). Agents never write to git now.
  it('under an allow-list runs only git commands that read, whatever the list says', async () => {
    execFileSync('git', ['init', '-q'], { cwd: wt });
    const config = path.join(wt, '.git', 'config');
    const before = fs.readFileSync(config, 'utf8');
    const ec: PermissionPolicy = {
      mode: 'edit+commands',
      allow: ['git log', 'git add', 'git commit', 'git diff', 'git grep'],
    };
    for (const command of [
      'git log --output=.git/config',
      'git log --outp=.git/config',
      'git log --output .git/config',
      'git diff -o .git/config',
      'git grep -Ofoo two',
      'git grep --open-files-in-pager=touch two',
      'git add a.txt',
      'git commit -m x',
    ]) {
      const o = await tools(ec).execute(call('run_command', { command }), signal);
      assert.ok(o.denied, `${command} was allowed: ${o.output}`);
    }
    assert.equal(fs.readFileSync(config, 'utf8'), before);
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: wt, encoding: 'utf8' }), '?? a.txt\n');
    // The read-only ones still run; `--oneline` is no abbreviation of `--output`.
    const read = await tools(ec).execute(call('run_command', { command: 'git log --oneline' }), signal);
    assert.equal(read.denied, undefined, read.output);
    assert.equal(
      (await tools(ec).execute(call('run_command', { command: 'git grep --untracked -n two' }), signal)).ok,
      true,
    );
  });

  it('runs commands with the allow-listed environment, and reports bad arguments', async () => {
    const o = await tools().execute(call('run_command', { command: 'env' }), signal);
    assert.doesNotMatch(o.output, /PLANTED_SECRET/);
    assert.match(
      (await tools().execute({ callId: 'c', name: 'write_file', input: undefined, rawArguments: '{bad' }, signal))
        .output,
      /not a JSON object/,
    );
  });

  it("runs commands at the agent's CPU priority: lower by default, normal when chosen", async function () {
    this.timeout(30_000);
    const own = os.getPriority();
    // The command waits (at most waitMs) for its priority to change, then prints it. The lower priority is set
    // just after the spawn, which on a loaded machine can take seconds; the normal one must stay unchanged for a
    // second.
    const probe = (waitMs: number) =>
      `${JSON.stringify(process.execPath)} -e "const os = require('os'); const t0 = Date.now(); const w = () => (os.getPriority() !== ${own} || Date.now() - t0 > ${waitMs} ? console.log(os.getPriority()) : setTimeout(w, 10)); w()"`;
    const lower = await tools().execute(call('run_command', { command: probe(15_000) }), signal);
    assert.equal(lower.output.trim().split('\n')[0], String(Math.max(own, 10)), lower.output);
    const normal = await new WorkspaceTools({
      worktree: wt,
      policy: { mode: 'full' },
      sourceEnv: { PATH: process.env.PATH },
      cpuPriority: 'normal',
    }).execute(call('run_command', { command: probe(1000) }), signal);
    assert.equal(normal.output.trim().split('\n')[0], String(own), normal.output);
  });
  it('kills a cancelled or timed-out command with everything it started, and says why', async function () {
    this.timeout(20_000);
    // A shell whose child sleeps: both must die, or the output pipe stays open and the call never returns.
    const sleeper = `${JSON.stringify(process.execPath)} -e "setTimeout(() => {}, 30000)"; echo after`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const cancelled = await tools().execute(call('run_command', { command: sleeper }), ac.signal);
    assert.ok(Date.now() - t0 < 10_000, `returned after ${Date.now() - t0} ms`);
    assert.equal(cancelled.ok, false);
    assert.match(cancelled.output, /\[cancelled\]/);
    assert.doesNotMatch(cancelled.output, /after/);
    const timedOut = await new WorkspaceTools({
      worktree: wt,
      policy: { mode: 'full' },
      sourceEnv: { PATH: process.env.PATH },
      commandTimeoutMs: 300,
    }).execute(call('run_command', { command: sleeper }), signal);
    assert.match(timedOut.output, /\[timed out after 300 ms\]/);
  });
});

describe('splitCommandLine', () => {
  it('honours quotes and refuses shell syntax', () => {
    assert.deepEqual(splitCommandLine(`git commit -m "add hello!" -m 'SpecTask: 1'`), {
      argv: ['git', 'commit', '-m', 'add hello!', '-m', 'SpecTask: 1'],
    });
    for (const bad of ['a; b', 'a && b', 'a | b', 'a > f', 'echo $(x)', 'echo `x`', 'echo "$HOME"', 'rm *', '"open'])
      assert.ok('error' in splitCommandLine(bad), bad);
  });
  it('matches allowed prefixes word by word', () => {
    assert.equal(isCommandAllowed(['git', 'commit', '-m', 'x'], ['git commit']), true);
    assert.equal(isCommandAllowed(['git', 'commit-tree'], ['git commit']), false);
    assert.equal(isCommandAllowed(['gitx'], ['git']), false);
  });
});
