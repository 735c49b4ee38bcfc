import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { recordProcessTree, signalRecorded } from '../../src/core/agents/processTree';
import { cleanupTemp, git, makeRepo, userState } from '../support/tempRepo';
import { recordFault, recordViolation, tally } from './counters';
import {
  createImplementationTask,
  historyOf,
  itemCommitProblems,
  itemStates,
  makeFaultHarness,
  sleep,
  ticked,
  waitForStatus,
  type FaultHarness,
} from './faultHarness';
import { strays, waitNoStrays } from './procs';

// Issue 10, fault 1: the implementation agent's whole process tree SIGKILLed at random points, N times
// (FAULTS_N, default 100). After each kill: Retry, until the task is done. Invariants checked after every kill.
const N = Number(process.env.FAULTS_N || 100);
const ITEMS = 5;
const PAUSE_MS = 40;
const AREA = 'agent SIGKILL (implementation)';

/** Deterministic random (mulberry32) so a failing run can be replayed with FAULTS_SEED. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`faults: agent process tree SIGKILLed at random points, ${N} times`, function () {
  this.timeout(600_000);
  let h: FaultHarness;
  let repo: string;
  const seed = Number(process.env.FAULTS_SEED || Date.now() % 100000);
  const random = rng(seed);

  before(async () => {
    repo = makeRepo();
    h = await makeFaultHarness(repo, { pauseMs: PAUSE_MS });
  });
  after(async () => {
    await h?.dispose();
    cleanupTemp();
  });

  it('loses and duplicates no tick and no item commit, keeps a clear status, leaves no orphan and never touches the user checkout', async () => {
    console.log(`    seed ${seed} (FAULTS_SEED to replay), ${ITEMS} items per task, ${PAUSE_MS} ms per item`);
    const before = userState(repo);
    let kills = 0;
    let tasks = 0;
    let noKillRuns = 0;
    while (kills < N) {
      tasks++;
      const task = await createImplementationTask(h, `Kill ${tasks}`, ITEMS);
      const codeWt = path.join(repo, '.git-worktrees');
      let prevFile = new Set<string>();
      let prevHead = new Set<string>();
      let killsOnTask = 0;
      let failedKills = 0;
      let stuck = 0;
      for (;;) {
        // Wait for the agent process to appear (or the task to finish before we could kill it).
        let pid: number | undefined;
        for (const t0 = Date.now(); Date.now() - t0 < 15_000; await sleep(5)) {
          pid = strays(h.marker).find((p) => p.cmdline.includes(AGENT_NAME))?.pid;
          const st = h.orchestrator.task(task.id)?.status;
          if (pid || st === 'implementation_review' || st === 'implementation_failed') break;
        }
        if (kills >= N || !pid) {
          // Let this run finish unharmed.
          const st = await waitForStatus(h, task.id, ['implementation_review', 'implementation_failed'], 60_000);
          if (st === 'implementation_failed') {
            // A failure without a kill (e.g. the agent's run raced the previous kill's aftermath): retry as well.
            failedKills++;
            if (++stuck > 8) {
              recordViolation(
                AREA,
                `task ${task.id} failed ${stuck} times in a row: ${h.orchestrator.task(task.id)?.error}`,
              );
              break;
            }
            await h.orchestrator.retry(task.id);
            continue;
          }
          noKillRuns++;
          break;
        }
        // A random instant of the run. While the task makes no progress the range widens: a kill that always
        // lands before the agent could tick once (its start takes ~100-300 ms here) says nothing about lost ticks,
        // and with some seeds (2815) or on a loaded machine nine kills in a row did, failing the suite for nothing.
        await sleep(Math.floor(random() * ITEMS * (PAUSE_MS + 30) * (1 + stuck)));
        const tree = recordProcessTree(pid);
        const signalled = signalRecorded(tree, 'SIGKILL');
        if (signalled === 0) continue; // it ended on its own just now; look again
        kills++;
        killsOnTask++;
        const v: string[] = [];
        let st: string;
        try {
          st = await waitForStatus(h, task.id, ['implementation_failed', 'implementation_review'], 20_000);
        } catch (e) {
          v.push(`no consistent status after the kill: ${(e as Error).message.split('\n')[0]}`);
          recordFault(AREA, `kill #${kills}`, v);
          break;
        }
        // Let the failure's commits land before reading git.
        await h.idle();
        const rec = h.orchestrator.task(task.id)?.record;
        if (st === 'implementation_failed' && !(rec?.error && rec.error.trim().length > 10))
          v.push(`failed without a clear reason: ${JSON.stringify(rec?.error)}`);
        if (st === 'implementation_failed' && !/crash|killed|signal|exited|ended/i.test(rec?.error ?? ''))
          v.push(`the reason does not say the agent died: ${rec?.error}`);
        const fileText = fs.readFileSync(task.tasksFile, 'utf8');
        const states = itemStates(fileText);
        if (states.size !== ITEMS || !task.itemTexts.every((t) => states.has(t)))
          v.push(`tasks.md items changed (lost or duplicated lines): ${[...states.keys()].join(' | ')}`);
        const fileTicks = ticked(fileText);
        const headTicks = ticked(git(h.docsWorktree, 'show', `HEAD:${task.rel}`));
        for (const t of prevFile) if (!fileTicks.has(t)) v.push(`tick "${t}" lost from the file`);
        for (const t of prevHead) if (!headTicks.has(t)) v.push(`tick "${t}" lost from the design-docs branch head`);
        for (const t of fileTicks) if (!headTicks.has(t)) v.push(`tick "${t}" is in the file but was never committed`);
        for (const t of headTicks) if (!fileTicks.has(t)) v.push(`tick "${t}" committed but not in the file`);
        // The orchestrator commits each ticked item, once, even when the agent died between its tick and the commit.
        v.push(...itemCommitProblems(repo, h.orchestrator.worktreeOf(task.id)!.branch, fileTicks));
        prevFile = fileTicks;
        prevHead = headTicks;
        const left = await waitNoStrays(h.marker, codeWt, 3000);
        if (left.length)
          v.push(`orphan processes: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`).join(', ')}`);
        const now = userState(repo);
        if (JSON.stringify(now) !== JSON.stringify(before))
          v.push(
            `the user's checkout changed: ${Object.keys(now)
              .filter((k) => now[k] !== before[k])
              .join(', ')}`,
          );
        if (st === 'implementation_failed') failedKills++;
        recordFault(
          AREA,
          `kill #${kills} (task ${task.id}, ${fileTicks.size}/${ITEMS} ticked, tree of ${tree.length})`,
          v,
        );
        if (st === 'implementation_review') break;
        if (fileTicks.size === 0 && killsOnTask > 1) stuck++;
        else stuck = 0;
        if (stuck > 8) {
          recordViolation(AREA, `task ${task.id} makes no progress after ${stuck} kills: ${rec?.error}`);
          break;
        }
        await h.orchestrator.retry(task.id);
      }
      // The task is done (or given up): the complete history never un-ticks, and every item is ticked at the end.
      const versions = historyOf(h.docsWorktree, task.rel);
      // Only our items: the creation template's example checklist is replaced by the test itself.
      const ours = (text: string) => new Set([...ticked(text)].filter((t) => task.itemTexts.includes(t)));
      for (let i = 1; i < versions.length; i++) {
        const a = ours(versions[i - 1]);
        const b = ours(versions[i]);
        for (const t of a)
          if (!b.has(t))
            recordViolation(AREA, `task ${task.id}: "${t}" un-ticked in design-docs commit ${i} of ${versions.length}`);
      }
      const finalHead = ticked(git(h.docsWorktree, 'show', `HEAD:${task.rel}`));
      if (h.orchestrator.task(task.id)?.status === 'implementation_review' && finalHead.size !== ITEMS)
        recordViolation(AREA, `task ${task.id} in review with ${finalHead.size}/${ITEMS} ticks committed`);
      if (h.orchestrator.task(task.id)?.status === 'implementation_review')
        for (const p of itemCommitProblems(repo, h.orchestrator.worktreeOf(task.id)!.branch, task.itemTexts))
          recordViolation(AREA, `task ${task.id}: ${p}`);
      const failures = (h.orchestrator.task(task.id)?.record?.history ?? []).filter(
        (x) => x.to === 'implementation_failed',
      ).length;
      if (failures !== failedKills)
        recordViolation(
          AREA,
          `task ${task.id}: ${failedKills} kills ended in failure but ${failures} failed transitions are recorded`,
        );
    }
    console.log(
      `    ${kills} kills over ${tasks} tasks (${noKillRuns} runs finished before the kill); ${tally.areas[AREA]?.survived ?? 0} survived`,
    );
    assert.equal(tally.areas[AREA]?.violations ?? 0, 0, tally.violations.join('\n'));
  });
});

const AGENT_NAME = 'agent.mjs';
