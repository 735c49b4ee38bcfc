import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import { sleep } from './faultHarness';
import {
  cloneOf,
  crashAndRestart,
  remoteFile,
  remoteRef,
  remoteTicked,
  startLocalRun,
  stealClaim,
  untilLostAndStopped,
  untilPushedTicks,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: a local orchestrator (pushToRemote) that loses or restarts with its claim';
const ITEMS = 8;
const CLAIM = 'refs/spectask/claims/000001';

describe('faults: workers on other machines — a local orchestrator with pushToRemote is fenced by its claim', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('once its claim is taken over it pushes nothing more of the task and stops its agent', async () => {
    const { bare, rels, server } = await world.serve(1, ITEMS);
    const rel = rels[0];
    const local = cloneOf(server.url());
    const log = path.join(tempDir('spectask-prompts-'), 'local.jsonl');
    const run = world.own(startLocalRun(local, { marker, pauseMs: 1500, promptLog: log, capImplementation: 1 }));
    await untilPushedTicks(bare, rel, 'the local run', 1, CLAIM);
    const stolen = stealClaim(bare);
    const [tasksAtSteal, recordAtSteal] = [
      remoteFile(bare, rel),
      remoteFile(bare, rel.replace('tasks.md', 'spectask.json')),
    ];
    const v: string[] = [];
    await untilLostAndStopped(run, marker, v);
    // The local run stays up a while longer (its store commits what its stopped run wrote): none of it may land.
    await sleep(4_000);
    if (process.env.WORKERS_DEBUG) console.log(run.output());
    if (remoteRef(bare, CLAIM) !== stolen) v.push("the new holder's claim was overwritten");
    if (remoteFile(bare, rel) !== tasksAtSteal)
      v.push(`the checklist changed on the remote after the claim was lost:\n${remoteFile(bare, rel)}`);
    const record = remoteFile(bare, rel.replace('tasks.md', 'spectask.json'));
    if (record !== recordAtSteal) v.push(`the record changed on the remote after the claim was lost: ${record}`);
    if (remoteTicked(bare, rel).size >= ITEMS)
      v.push('every item was done: the claim was taken too late to test anything');
    recordFault(AREA, 'claim taken over while `spectask run --push` ticks', v);
    assert.deepEqual(v, []);
  });

  it('a restarted `spectask run --push` takes its own claim back at once and resumes the task', async () => {
    const v = await crashAndRestart(world, 'run', (clone, o) =>
      startLocalRun(clone, { marker, pauseMs: o.pauseMs, promptLog: o.promptLog, capImplementation: 1 }),
    );
    recordFault(AREA, '`spectask run --push` SIGKILLed mid-task and restarted', v);
    assert.deepEqual(v, []);
  });
});
