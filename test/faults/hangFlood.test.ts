import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../src/core/agents/agentEvents';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../support/tempRepo';
import { recordFault } from './counters';
import { createImplementationTask, makeFaultHarness, ticked, waitForStatus, type FaultHarness } from './faultHarness';
import { waitNoStrays } from './procs';

// Issue 10: agents that hang (stop printing, never exit; one also ignores SIGINT/SIGTERM) and agents that
// flood their output (hundreds of MB of lines; one gigantic line with no newline), through the real runner.
const MISBEHAVING = path.resolve('test/fixtures/agents/misbehaving-agent.mjs');
const IDLE_MS = 1500;
const GRACE_MS = 1000;
const FLOOD_MB = Number(process.env.FAULTS_FLOOD_MB || 200);
const ITEMS = 3;

describe('faults: hanging and flooding agents', function () {
  this.timeout(600_000);
  let h: FaultHarness;
  let repo: string;
  let modeFile: string;
  let userBefore: Record<string, string>;

  before(async () => {
    repo = makeRepo();
    userBefore = userState(repo);
    modeFile = path.join(tempDir('spectask-mode-'), 'mode');
    h = await makeFaultHarness(repo, {
      pauseMs: 150,
      agent: [MISBEHAVING, modeFile],
      overrides: { idleTimeoutMs: 0 },
      runOptions: { graceMs: GRACE_MS },
    });
  });
  after(async () => {
    await h?.dispose();
    cleanupTemp();
  });

  /** The checks every scenario ends with: a finished task whose every tick is committed, no process left, the user's checkout as before. */
  async function finishedCleanly(id: string, tasksFile: string, rel: string, v: string[]): Promise<void> {
    const st = await waitForStatus(h, id, ['implementation_review', 'implementation_failed'], 60_000);
    await h.idle();
    if (st !== 'implementation_review') v.push(`after Retry the task is ${st}: ${h.orchestrator.task(id)?.error}`);
    const file = ticked(fs.readFileSync(tasksFile, 'utf8'));
    const head = ticked(git(h.docsWorktree, 'show', `HEAD:${rel}`));
    if (file.size !== ITEMS) v.push(`${file.size}/${ITEMS} items ticked in tasks.md`);
    for (const t of file) if (!head.has(t)) v.push(`tick "${t}" is in the file but not committed`);
    const left = await waitNoStrays(h.marker, path.join(repo, '.git-worktrees'), 3000);
    if (left.length) v.push(`processes left: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`).join(', ')}`);
    const now = userState(repo);
    if (JSON.stringify(now) !== JSON.stringify(userBefore)) v.push("the user's checkout changed");
  }

  for (const mode of ['hang', 'hang-ignore'] as const) {
    it(`${mode}: the idle timeout ends the run, kills its whole tree, fails the task with a clear reason, and Retry works`, async () => {
      fs.writeFileSync(modeFile, mode);
      h.settings.idleTimeoutMs = IDLE_MS; // read at each launch; the well-behaved Retry runs without it (git is slow on a loaded machine)
      const task = await createImplementationTask(h, `Hang ${mode}`, ITEMS);
      const t0 = Date.now();
      const v: string[] = [];
      const st = await waitForStatus(h, task.id, ['implementation_failed', 'implementation_review'], 60_000);
      const failedAfter = Date.now() - t0;
      await h.idle();
      const error = h.orchestrator.task(task.id)?.error ?? '';
      if (st !== 'implementation_failed') v.push(`a hanging agent ended as ${st}`);
      if (!/no output for 1\.5 s|no output for 1500 ms/.test(error))
        v.push(`the reason does not say the agent went silent: ${error}`);
      const left = await waitNoStrays(h.marker, path.join(repo, '.git-worktrees'), 3000);
      if (left.length)
        v.push(`the hung tree survived: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`).join(', ')}`);
      console.log(
        `    ${mode}: failed ${failedAfter} ms after the start (idle limit ${IDLE_MS} ms, grace ${GRACE_MS} ms): "${error}"`,
      );
      h.settings.idleTimeoutMs = 0;
      await h.orchestrator.retry(task.id);
      await finishedCleanly(task.id, task.tasksFile, task.rel, v);
      recordFault('agent hang (idle timeout)', `${mode}`, v);
      assert.deepEqual(v, []);
    });
  }

  it('hang while planning: the idle timeout fails the spec with the reason, no process is left, and Retry writes the spec', async () => {
    fs.writeFileSync(modeFile, 'hang');
    h.settings.idleTimeoutMs = IDLE_MS;
    const id = await h.orchestrator.create(
      { title: 'Hang planning', prompt: 'plan while hanging' },
      { startPlanning: true },
    );
    const v: string[] = [];
    const st = await waitForStatus(h, id, ['spec_failed', 'spec_review'], 60_000);
    await h.idle();
    const error = h.orchestrator.task(id)?.error ?? '';
    if (st !== 'spec_failed') v.push(`a planning agent that hung ended as ${st}`);
    if (!/no output for 1500 ms/.test(error)) v.push(`the reason does not say the agent went silent: ${error}`);
    const left = await waitNoStrays(h.marker, path.join(repo, '.git-worktrees'), 3000);
    if (left.length)
      v.push(`the hung tree survived: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`).join(', ')}`);
    h.settings.idleTimeoutMs = 0;
    await h.orchestrator.retry(id);
    const after = await waitForStatus(h, id, ['spec_review', 'spec_failed'], 60_000);
    if (after !== 'spec_review') v.push(`after Retry the spec is ${after}: ${h.orchestrator.task(id)?.error}`);
    console.log(`    hang while planning: "${error}"`);
    recordFault('agent hang (idle timeout)', 'hang while planning', v);
    assert.deepEqual(v, []);
  });

  for (const kind of ['flood', 'flood-line'] as const) {
    it(`${kind}: ${FLOOD_MB} MB of output keeps memory bounded, the transcript capped, the snapshot small, one result, every tick committed`, async () => {
      fs.writeFileSync(modeFile, `${kind}:${FLOOD_MB}`);
      global.gc?.();
      const baseRss = process.memoryUsage().rss;
      let peakRss = baseRss;
      let peakSnapshot = 0;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        peakSnapshot = Math.max(peakSnapshot, JSON.stringify(h.orchestrator.fleetSnapshot()).length);
      }, 50);
      const results: AgentEvent[] = [];
      let events = 0;
      const task = await createImplementationTask(h, `Flood ${kind}`, ITEMS);
      const sub = h.pool.onDidRunEvent(({ taskId, event }) => {
        if (taskId !== task.id) return;
        events++;
        if (event.t === 'result') results.push(event);
      });
      const t0 = Date.now();
      const v: string[] = [];
      try {
        await finishedCleanly(task.id, task.tasksFile, task.rel, v);
      } finally {
        clearInterval(sampler);
        sub.dispose();
      }
      const secs = (Date.now() - t0) / 1000;
      await h.transcripts.flush();
      if (results.length !== 1) v.push(`${results.length} result events, not exactly one`);
      const runs = h.transcripts.listRuns(task.id);
      const file = runs.length ? h.transcripts.fileFor(task.id, runs.at(-1)!) : undefined;
      const bytes = file ? fs.statSync(file).size : 0;
      const text = file ? fs.readFileSync(file, 'utf8') : '';
      const resultLines = text.split('\n').filter((l) => l.startsWith('{"t":"result"')).length;
      if (resultLines !== 1) v.push(`the transcript holds ${resultLines} results`);
      if (bytes > 40 * 1024 * 1024) v.push(`the transcript is ${(bytes / 1048576).toFixed(1)} MB: not capped`);
      if (!/output cut|was cut|not kept/.test(text)) v.push('the transcript has no marker where it was cut');
      const rssMb = (peakRss - baseRss) / 1048576;
      if (rssMb > 400) v.push(`memory grew by ${rssMb.toFixed(0)} MB for ${FLOOD_MB} MB of output`);
      if (peakSnapshot > 256 * 1024) v.push(`the fleet snapshot reached ${(peakSnapshot / 1024).toFixed(0)} KB`);
      console.log(
        `    ${kind}: ${FLOOD_MB} MB in ${secs.toFixed(1)} s; ${events} events; RSS peak +${rssMb.toFixed(0)} MB over ${(baseRss / 1048576).toFixed(0)} MB; transcript ${(bytes / 1048576).toFixed(1)} MB; snapshot peak ${(peakSnapshot / 1024).toFixed(1)} KB`,
      );
      recordFault('agent output flood', `${kind} ${FLOOD_MB} MB`, v);
      assert.deepEqual(v, []);
    });
  }
});
