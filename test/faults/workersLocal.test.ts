import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as path from 'node:path';
import { git, tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import { itemStates, sleep } from './faultHarness';
import { cloneOf, promptsIn, remoteFile, remoteRef, startLocalRun, startWorker, useWorkersWorld } from './workersWorld';

const AREA = 'workers: a local orchestrator (pushToRemote) and a worker on one remote';
const TASKS = 6;
const ITEMS = 3;

/** The SpecTask numbers whose first implementation prompt an agent was given, with how many times. */
function started(prompts: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of prompts) {
    const n = /You are the implementation agent for SpecTask #(\d{6})/.exec(p)?.[1];
    if (n) out.set(n, (out.get(n) ?? 0) + 1);
  }
  return out;
}

describe('faults: workers on other machines — a local orchestrator with pushToRemote takes part in the claims', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('`spectask run --push` and `spectask worker` on the same remote never run the same SpecTask', async () => {
    const { bare, rels, texts, server } = await world.serve(TASKS, ITEMS);
    const [local, remote] = [cloneOf(server.url()), cloneOf(server.url())];
    const logs = tempDir('spectask-prompts-');
    const [localLog, workerLog] = [path.join(logs, 'local.jsonl'), path.join(logs, 'worker.jsonl')];
    const worker = world.own(
      startWorker(remote, { marker, pauseMs: 400, leaseS: 30, untilIdle: true, promptLog: workerLog }),
    );
    // The local clone was made before the worker claimed anything: it still reads every SpecTask as queued, so
    // only the claims keep it off the one the worker runs.
    for (let i = 0; i < 1200 && !/claimed SpecTask/.test(worker.output()); i++) await sleep(50);
    const run = world.own(startLocalRun(local, { marker, pauseMs: 400, promptLog: localLog, capImplementation: 2 }));
    const [[workerCode], [runCode]] = (await Promise.all([once(worker, 'exit'), once(run, 'exit')])) as [number][];
    if (process.env.WORKERS_DEBUG) console.log(run.output(), '\n----\n', worker.output());
    const v: string[] = [];
    if (workerCode !== 0) v.push(`the worker exited ${workerCode}: ${worker.output().slice(-1500)}`);
    if (runCode !== 0) v.push(`spectask run exited ${runCode}: ${run.output().slice(-1500)}`);
    const [byLocal, byWorker] = [started(promptsIn(localLog)), started(promptsIn(workerLog))];
    for (const n of byLocal.keys()) if (byWorker.has(n)) v.push(`SpecTask ${n} was started by both`);
    for (const [n, c] of [...byLocal, ...byWorker]) if (c !== 1) v.push(`SpecTask ${n} was started ${c} times`);
    if (byLocal.size + byWorker.size !== TASKS)
      v.push(`${byLocal.size} + ${byWorker.size} SpecTasks started, not ${TASKS}`);
    // The local orchestrator pushes its design-docs commits (--push) and keeps code branches local.
    git(local, 'fetch', '-q', 'origin');
    for (const rel of rels) {
      const n = /tasks\/(\d{6})_/.exec(rel)![1];
      const final = itemStates(remoteFile(bare, rel));
      for (const t of texts) if (final.get(t) !== 'x') v.push(`SpecTask ${n}: item "${t}" not done on the remote`);
      const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
      if (record.status !== 'implementation_review') v.push(`SpecTask ${n} ended ${record.status}, not in review`);
      if (remoteRef(bare, `refs/spectask/claims/${n}`)) v.push(`the claim on SpecTask ${n} was not released`);
    }
    recordFault(AREA, `${TASKS} SpecTasks: ${byLocal.size} run locally, ${byWorker.size} by the worker`, v);
    assert.deepEqual(v, []);
  });
});
