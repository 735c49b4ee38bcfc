import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, git, makeCleanRepo } from '../support/tempRepo';
import { recordFault } from './counters';
import { sleep } from './faultHarness';

// Issue 21: `spectask run` SIGKILLed while a SpecTask is `integrating` (its tests running in the scratch
// worktree). The base is moved or not, never half (compare-and-swap at the very end); the next start cleans
// the scratch worktree, queues the task again and merges it exactly once.
const CLI = path.resolve('dist/cli.js');
const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
const AREA = 'orchestrator (CLI) SIGKILL while integrating';

describe('faults: spectask run SIGKILLed during an integration', function () {
  this.timeout(180_000);
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanupTemp();
  });

  it('leaves the base untouched, cleans the scratch worktree at the next start, and merges the task once', async () => {
    const repo = makeCleanRepo();
    // A time limit on each command: a restart that never finishes the integration must fail, not hang the tier.
    const cli = (...a: string[]) =>
      execFileSync(process.execPath, [CLI, ...a], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    const cmd = JSON.stringify([process.execPath, AGENT, '{prompt}', '0']);
    cli('create', 'Integrate me', '--prompt', 'Add files');
    const rel = 'design/tasks/000001_integrate-me/tasks.md';
    fs.writeFileSync(
      path.join(repo, '.git-worktrees/helix-design-docs', rel),
      '# Implementation Tasks: Integrate me\n\n- [ ] T1: one\n- [ ] T2: two\n- [ ] T3: three\n',
    );
    cli('skip-planning', '1');
    cli('run', '--until-idle', '--backend', 'custom', '--custom-command', cmd);
    assert.match(cli('show', '1'), /status: {3}implementation_review/);
    cli('accept', '1');
    const mainBefore = git(repo, 'rev-parse', 'main').trim();

    // The test command runs in the agents' sandbox (the machine read-only, /tmp private): it leaves its sign in
    // the scratch worktree, its working directory and the one place it may write.
    const scratchDir = path.join(repo, '.git', 'spectask', 'integration');
    const started = () =>
      fs.existsSync(scratchDir) &&
      fs.readdirSync(scratchDir).some((d) => fs.existsSync(path.join(scratchDir, d, '.integration-started')));
    const child = spawn(
      process.execPath,
      [
        CLI,
        'run',
        '--backend',
        'custom',
        '--custom-command',
        cmd,
        '--test-command',
        'echo started > .integration-started; exec sleep 120',
      ],
      { cwd: repo, stdio: 'ignore' },
    );
    children.push(child);
    for (const t0 = Date.now(); Date.now() - t0 < 30_000 && !started(); await sleep(20));
    assert.ok(started(), 'the tests started');
    assert.equal(fs.readdirSync(scratchDir).length, 1, 'a scratch worktree while integrating');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Without the sandbox the tests run in a process group of their own and outlive the orchestrator's kill
    // (inside it bwrap dies with its parent, and its PID namespace with it): stop what still works in the scratch.
    killProcessesIn(scratchDir);
    const v: string[] = [];
    if (git(repo, 'rev-parse', 'main').trim() !== mainBefore) v.push('the base moved without its tests passing');
    if (!/status: {3}integrating/.test(cli('show', '1'))) v.push('the record does not say integrating');

    let out = '';
    try {
      out = cli('run', '--until-idle', '--backend', 'custom', '--custom-command', cmd, '--test-command', 'true');
    } catch (e) {
      v.push(`the restarted run did not finish: ${(e as Error).message.split('\n')[0]}`);
    }
    if (fs.readdirSync(scratchDir).length) v.push(`scratch worktrees left: ${fs.readdirSync(scratchDir)}`);
    if (/spectask\/integration/.test(git(repo, 'worktree', 'list'))) v.push('a scratch worktree is still registered');
    if (!/status: {3}done/.test(cli('show', '1'))) v.push(`not done after the restart:\n${out}`);
    const merged = git(repo, 'rev-list', '--count', `${mainBefore}..main`).trim();
    if (merged !== '3') v.push(`expected its 3 commits on main once, found ${merged}`);
    const record = JSON.parse(cli('show', '1', '--json')).record as { history: { trigger: string }[] };
    const triggers = record.history.map((h) => h.trigger);
    if (!triggers.includes('integration_interrupted')) v.push(`no re-queue in the history: ${triggers}`);
    recordFault(AREA, 'SIGKILL while the tests ran', v);
    assert.deepEqual(v, []);
  });
});

/** SIGKILLs every process of this user whose working directory is inside `dir` (Linux: /proc). */
function killProcessesIn(dir: string): void {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const cwd = (() => {
      try {
        return fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        return '';
      }
    })();
    if (cwd.startsWith(dir + path.sep)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
  }
}
