import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive, processIdentity, type ProcessIdentity } from '../../../src/core/agents/processTree';
import { RunLedger } from '../../../src/core/orchestrator/ledger';
import { stopOwnAgentsNow } from '../../../src/core/orchestrator/stopOwnAgents';

// The extension host going away (Reload Window) stops its own agents at once, and only those: an agent of
// another window or of the CLI on the same repository (not a descendant of this process) keeps running.
const linux = process.platform === 'linux';
const SLEEPER = ['-e', 'setInterval(() => {}, 1000)'];

describe('stopOwnAgentsNow (the extension host shutting down)', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const strangers: number[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-own-'))));
  afterEach(() => {
    // Each agent is detached, so it leads its own process group: kill the group, or its child outlives the test.
    for (const c of children.splice(0)) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const pid of strangers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** An agent as the pool starts it: detached (its own process group), with a child of its own. */
  async function ownAgent(): Promise<{ root: ProcessIdentity; grandchild: ProcessIdentity }> {
    const c = spawn(
      process.execPath,
      [
        '-e',
        `require('child_process').spawn(process.execPath, ${JSON.stringify(SLEEPER)}, { stdio: 'ignore' }); setInterval(() => {}, 1000)`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    children.push(c);
    for (;;) {
      const kids = fs.readFileSync(`/proc/${c.pid}/task/${c.pid}/children`, 'utf8').trim();
      if (kids)
        return {
          root: (await processIdentity(c.pid!))!,
          grandchild: (await processIdentity(Number(kids.split(' ')[0])))!,
        };
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A process that does not descend from this one (re-parented to init), like another window's agent. */
  async function stranger(): Promise<ProcessIdentity> {
    const pid = Number(
      execFileSync(
        'sh',
        ['-c', `${process.execPath} ${SLEEPER.map((a) => `'${a}'`).join(' ')} >/dev/null 2>&1 & echo $!`],
        { encoding: 'utf8' },
      ).trim(),
    );
    strangers.push(pid);
    return (await processIdentity(pid))!;
  }

  async function openRun(l: RunLedger, runId: string, p: ProcessIdentity) {
    await l.append({
      kind: 'run-started',
      runId,
      taskId: runId,
      phase: 'implementation',
      backend: 'custom',
      cwd: dir,
      at: 1,
    });
    await l.append({ kind: 'run-attached', runId, pid: p.pid, processStartTime: p.startTime, at: 2 });
  }

  it('kills the whole tree of each open run this process started, and leaves the runs open for the next start', async function () {
    if (!linux) {
      console.log(
        '    skipped: reading process trees needs /proc (Linux); the product does the same and stops nothing elsewhere',
      );
      this.skip();
    }
    const l = new RunLedger(dir);
    const a = await ownAgent();
    const b = await ownAgent();
    await openRun(l, 'ra', a.root);
    await openRun(l, 'rb', b.root);
    assert.equal(stopOwnAgentsNow(l), 4);
    // SIGKILL is delivered asynchronously: wait for the deaths (a bounded wait, not a timing assertion).
    const all = [a.root, a.grandchild, b.root, b.grandchild];
    for (const t0 = Date.now(); all.some(isProcessAlive) && Date.now() - t0 < 5000;)
      await new Promise((r) => setTimeout(r, 20));
    for (const p of all) assert.equal(isProcessAlive(p), false, `${p.pid} survived`);
    assert.deepEqual(
      (await l.interruptedRuns()).map((r) => r.runId),
      ['ra', 'rb'],
      'the runs stay open, so the next start resumes them on their sessions',
    );
  });

  it('leaves alone agents that are not its own, runs that ended, and a reused PID', async function () {
    if (!linux) {
      console.log(
        '    skipped: reading process trees needs /proc (Linux); the product does the same and stops nothing elsewhere',
      );
      this.skip();
    }
    const l = new RunLedger(dir);
    const other = await stranger();
    await openRun(l, 'other-window', other);
    const ended = await ownAgent();
    await openRun(l, 'ended', ended.root);
    await l.append({ kind: 'run-ended', runId: 'ended', outcome: 'success', at: 3 });
    const reused = await ownAgent();
    await openRun(l, 'reused', { pid: reused.root.pid, startTime: 'not-its-start-time' });
    assert.equal(stopOwnAgentsNow(l), 0);
    for (const p of [other, ended.root, reused.root]) assert.equal(isProcessAlive(p), true, `${p.pid} was killed`);
  });

  it('does nothing without a ledger', () => {
    assert.equal(stopOwnAgentsNow(new RunLedger(dir)), 0);
  });
});
