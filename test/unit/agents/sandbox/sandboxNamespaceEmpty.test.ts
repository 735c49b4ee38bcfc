import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInvocation, AgentProcess } from '../../../../src/core/agents/agentHost';
import { SandboxedAgentHost } from '../../../../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox } from '../../../../src/core/agents/sandbox/sandboxProbe';
import { cleanupTemp, makeCleanRepo, tempDir } from '../../../support/tempRepo';

/** Living processes (not zombies, not exiting) whose command line holds `marker`. */
function alive(marker: string): number[] {
  const found: number[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const cmdline = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' && cmdline.includes(marker)) found.push(Number(n));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

// Issue 17 item 6 for ACP agents: claude-agent-acp exits at once when its stdin closes, while a Claude Code
// helper it started (`claude auth status`) still runs. bwrap exits with the agent, and the namespace's init dies
// only afterwards (--die-with-parent): `spectask run` exited with that helper still alive. The sandbox's stop
// now ends when its namespace is empty. Many orphans make the namespace slow to empty, so the race shows.
describe('SandboxedAgentHost: a stop ends only once nothing of the sandbox runs (real bwrap)', function () {
  this.timeout(60_000);
  const ORPHANS = 150;
  let worktree: string;
  const started: AgentProcess[] = [];

  before(async function () {
    const status = await probeSandbox();
    if (!status.available) {
      console.log(`    skipped: the bubblewrap sandbox cannot run here: ${status.reason}`);
      this.skip();
    }
  });
  beforeEach(() => {
    worktree = path.join(makeCleanRepo(), 'wt');
    fs.mkdirSync(worktree);
  });
  afterEach(async () => {
    for (const p of started.splice(0)) await p.killTree();
    cleanupTemp();
  });

  /** An agent that leaves `ORPHANS` detached sleeps in its sandbox, says so, then `end`s (exits, or waits). */
  function agent(marker: string, end: 'exit 0' | 'wait'): AgentProcess {
    const home = tempDir('spectask-home-');
    const inv: AgentInvocation = {
      command: 'sh',
      args: [
        '-c',
        `i=0; while [ $i -lt ${ORPHANS} ]; do setsid sleep ${marker} & i=$((i+1)); done; echo started; ${end}`,
      ],
      cwd: worktree,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      stdin: 'ignore',
      sandbox: { writable: [worktree], stateDirs: [] },
    };
    const p = new SandboxedAgentHost({ userHome: home }).launch(inv);
    started.push(p);
    return p;
  }
  const startedIn = (p: AgentProcess) => new Promise<void>((r) => p.stdout.once('data', () => r()));
  const markerOf = (base: number) => `${base + (process.pid % 100_000)}`;

  it('an agent that exited by itself: killLeftovers resolves with its orphans gone', async () => {
    for (let round = 0; round < 3; round++) {
      const marker = markerOf(7_000_000 + round * 100_000);
      const p = agent(marker, 'exit 0');
      await startedIn(p);
      await p.exited;
      await p.killLeftovers();
      assert.deepEqual(alive(`sleep ${marker}`), [], `round ${round + 1}: orphans of the sandbox outlived its stop`);
    }
  });

  it('killTree, soft signal or not: resolves with everything in the sandbox gone', async () => {
    for (const soft of [true, false]) {
      const marker = markerOf(soft ? 6_000_000 : 6_500_000);
      const p = agent(marker, 'wait');
      await startedIn(p);
      await p.killTree(soft ? { softSignal: 'SIGTERM', graceMs: 2000 } : {});
      assert.deepEqual(alive(`sleep ${marker}`), [], `${soft ? 'soft' : 'hard'} stop: processes outlived it`);
    }
  });
});
