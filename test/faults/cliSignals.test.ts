import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, git, makeRepo } from '../support/tempRepo';
import { sleep } from './faultHarness';
import { strays } from './procs';

// Issue 17 item 6: Ctrl+C or SIGTERM on `spectask run` stops every agent (soft interrupt, grace period, tree
// killed) BEFORE the CLI exits; a second Ctrl+C kills them at once. The agent here ignores the soft interrupt
// and keeps ticking, so only a stop that waits for the kill leaves nothing running.
const CLI = path.resolve('dist/cli.js');
const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
const DEAF = path.resolve('test/fixtures/agents/ignore-interrupts.mjs');
const ITEMS = 40;

describe('faults: Ctrl+C and SIGTERM on spectask run stop every agent before the CLI exits', function () {
  this.timeout(120_000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const p of strays('spectask-signal-marker-')) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    cleanupTemp();
  });

  // Without the sandbox an agent outlives its parent for good; in it, bubblewrap's --die-with-parent kills it
  // shortly after the CLI, which is still after the exit: both must stop it before.
  const cases: { name: string; signals: NodeJS.Signals[]; code: number; sandbox: boolean }[] = [
    { name: 'Ctrl+C (SIGINT)', signals: ['SIGINT'], code: 130, sandbox: false },
    { name: 'Ctrl+C (SIGINT), sandboxed', signals: ['SIGINT'], code: 130, sandbox: true },
    { name: 'SIGTERM', signals: ['SIGTERM'], code: 130, sandbox: false },
    { name: 'a second Ctrl+C', signals: ['SIGINT', 'SIGINT'], code: 130, sandbox: false },
  ];
  for (const c of cases)
    it(`${c.name}: no agent process survives the CLI, and nothing changes or is committed after it exited`, async () => {
      const repo = makeRepo();
      const marker = `spectask-signal-marker-${randomUUID()}`;
      const cmd = JSON.stringify([process.execPath, '--import', DEAF, AGENT, '{prompt}', '200', marker]);
      execFileSync(process.execPath, [CLI, 'create', 'Stubborn', '--prompt', 'ignore interrupts'], { cwd: repo });
      const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
      const rel = 'design/tasks/000001_stubborn/tasks.md';
      fs.writeFileSync(
        path.join(docsWt, rel),
        `# Implementation Tasks: Stubborn\n\n${Array.from({ length: ITEMS }, (_, i) => `- [ ] T${i + 1}: step ${i + 1}`).join('\n')}\n`,
      );
      execFileSync(process.execPath, [CLI, 'skip-planning', '1'], { cwd: repo });
      const child = spawn(
        process.execPath,
        [CLI, 'run', '--backend', 'custom', '--custom-command', cmd, ...(c.sandbox ? [] : ['--no-sandbox'])],
        {
          cwd: repo,
          stdio: 'ignore',
        },
      );
      children.push(child);
      // The CLI's own command line names the marker too (in --custom-command): only its agents are counted.
      const agents = () => strays(marker).filter((p) => p.pid !== child.pid);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // The agent is working once it ticked its first item.
      const tasksFile = path.join(docsWt, rel);
      for (const t0 = Date.now(); !/- \[x\]/.test(fs.readFileSync(tasksFile, 'utf8')); await sleep(20))
        if (Date.now() - t0 > 60_000) throw new Error('the agent never ticked an item');
      assert.ok(agents().length > 0, 'the agent runs');
      child.kill(c.signals[0]);
      if (c.signals.length > 1) {
        await sleep(300);
        child.kill(c.signals[1]);
      }
      const code = await exited;
      const left = agents();
      assert.deepEqual(
        left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`),
        [],
        'an agent process outlived `spectask run`',
      );
      assert.equal(code, c.code);
      const state = () => ({
        docsHead: git(docsWt, 'rev-parse', 'HEAD'),
        taskHead: git(repo, 'rev-parse', 'spectask/000001-stubborn'),
        tasks: fs.readFileSync(tasksFile, 'utf8'),
        worktree: git(path.join(repo, '.git-worktrees/000001_stubborn'), 'status', '--porcelain'),
      });
      const atExit = state();
      // A surviving agent ticks an item every 200 ms; a second long enough for several.
      await sleep(1000);
      assert.deepEqual(state(), atExit, 'something changed after `spectask run` exited');
    });
});
