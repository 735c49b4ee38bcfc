import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as path from 'node:path';
import { tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import {
  cloneOf,
  crash,
  finishedAfterTakeover,
  promptsIn,
  remoteFile,
  remoteRef,
  remoteTicked,
  startWorker,
  untilPushedTicks,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: SIGKILL mid-task, lease expiry, takeover';
const ITEMS = 8;

describe('faults: workers on other machines — a worker SIGKILLed mid-task', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('its lease expires, another worker takes over and resumes: no tick lost, no item committed twice', async () => {
    const { bare, rels, texts, server } = await world.serve(1, ITEMS);
    const [a, b] = [cloneOf(server.url()), cloneOf(server.url())];
    const rel = rels[0];
    const logs = tempDir('spectask-prompts-');
    const [promptsA, promptsB] = [path.join(logs, 'a.jsonl'), path.join(logs, 'b.jsonl')];
    const workerA = world.own(startWorker(a, { marker, pauseMs: 500, leaseS: 3, promptLog: promptsA }));
    // Wait until at least two items are ticked ON THE REMOTE (pushed, fenced by A's claim).
    await untilPushedTicks(bare, rel, 'worker A', 2);
    const claimOfA = remoteRef(bare, 'refs/spectask/claims/000001');
    assert.ok(claimOfA, "worker A's claim is on the remote");
    // A's agent outlives it (an orphan writing into A's clone only); nothing of it can reach the remote.
    await crash(workerA, marker);
    const tickedAtKill = remoteTicked(bare, rel);
    const workerB = world.own(startWorker(b, { marker, pauseMs: 50, leaseS: 3, untilIdle: true, promptLog: promptsB }));
    const [code] = (await once(workerB, 'exit')) as [number];
    if (process.env.WORKERS_DEBUG) console.log(workerA.output(), '\n----\n', workerB.output());
    const v: string[] = [];
    if (code !== 0) v.push(`worker B exited ${code}: ${workerB.output().slice(-2000)}`);
    if (!/took over SpecTask 000001/.test(workerB.output())) v.push(`worker B did not take over: ${workerB.output()}`);
    // A claimed the task from the queue: its agent got the first implementation prompt, like a local start. B took
    // it over: a new session resumed from what A pushed, with the prompt a reload uses (claimedStart.ts).
    const [firstA, firstB] = [promptsIn(promptsA)[0] ?? '', promptsIn(promptsB)[0] ?? ''];
    if (!firstA.includes('You are the implementation agent for SpecTask #000001'))
      v.push(`worker A's agent did not get the start prompt: ${firstA.slice(0, 300)}`);
    if (!firstB.includes('your previous run was interrupted') || !firstB.includes('the first item that is not [x]'))
      v.push(`worker B's agent did not get the resume prompt: ${firstB.slice(0, 300)}`);
    if (firstB.includes('You are the implementation agent'))
      v.push("worker B's agent started the task afresh instead of resuming it");
    v.push(...finishedAfterTakeover(bare, rel, texts, tickedAtKill, 'kill'));
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
    if (remoteRef(bare, 'refs/spectask/claims/000001')) v.push('the claim was not released');
    recordFault(AREA, 'worker SIGKILLed after 2 pushed ticks; the other resumes', v);
    assert.deepEqual(v, []);
  });
});
