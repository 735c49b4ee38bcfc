import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as path from 'node:path';
import { tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import { itemStates } from './faultHarness';
import {
  agentsOf,
  cloneOf,
  promptsIn,
  remoteFile,
  remoteRef,
  startWorker,
  until,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: a worker restarted in its own clone';
const ITEMS = 8;
const CLAIM = 'refs/spectask/claims/000001';

// Issue 23: a worker restarted in the same clone (a crash, a redeploy of its container) names the same holder in
// its claims (`<git-dir>/spectask/holder-id`), so it takes its predecessor's claim back at once instead of waiting
// out the lease (60 s here, far longer than the test).
describe('faults: workers on other machines — a worker SIGKILLed and restarted in its own clone', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('takes its own claim back at once and finishes the task, with no item lost', async () => {
    const { bare, rels, texts, server } = await world.serve(1, ITEMS);
    const rel = rels[0];
    const clone = cloneOf(server.url());
    const log = path.join(tempDir('spectask-prompts-'), 'worker.jsonl');
    const first = world.own(startWorker(clone, { marker, pauseMs: 700, leaseS: 60, promptLog: log }));
    const ticked = () => [...itemStates(remoteFile(bare, rel)).values()].filter((s) => s === 'x').length;
    await until('a pushed tick of the first worker', 120_000, () => !!remoteRef(bare, CLAIM) && ticked() >= 1);
    first.kill('SIGKILL');
    await once(first, 'exit');
    for (const pid of agentsOf(marker)) process.kill(pid, 'SIGKILL');
    const claimOfFirst = remoteRef(bare, CLAIM);
    const prompts = promptsIn(log).length;
    const second = world.own(startWorker(clone, { marker, pauseMs: 50, leaseS: 60, promptLog: log, untilIdle: true }));
    const [code] = (await once(second, 'exit')) as [number];
    if (process.env.WORKERS_DEBUG) console.log(first.output(), '\n----\n', second.output());
    const v: string[] = [];
    if (!claimOfFirst) v.push("the first worker's claim was not on the remote when it was killed");
    if (code !== 0) v.push(`the restarted worker exited ${code}: ${second.output().slice(-2000)}`);
    if (!/took back this clone's claim on SpecTask 000001/.test(second.output()))
      v.push(`the restarted worker did not take its claim back: ${second.output().slice(-2000)}`);
    const resumed = promptsIn(log).slice(prompts)[0] ?? '';
    if (!resumed.includes('your previous run was interrupted'))
      v.push(`the restarted worker's agent did not get the resume prompt: ${resumed.slice(0, 300)}`);
    const final = itemStates(remoteFile(bare, rel));
    for (const t of texts) if (final.get(t) !== 'x') v.push(`item "${t}" not done on the remote`);
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
    if (remoteRef(bare, CLAIM)) v.push('the claim was not released');
    recordFault(AREA, 'worker SIGKILLed mid-task and restarted in its clone', v);
    assert.deepEqual(v, []);
  });
});
