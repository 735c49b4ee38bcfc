import * as assert from 'node:assert/strict';
import { recordFault } from './counters';
import { crashAndRestart, startWorker, useWorkersWorld } from './workersWorld';

const AREA = 'workers: a worker restarted in its own clone';

// Issue 23: a worker restarted in the same clone (a crash, a redeploy of its container) names the same holder in
// its claims (`<git-dir>/spectask/holder-id`), so it takes its predecessor's claim back at once instead of waiting
// out the lease (60 s here, far longer than the test).
describe('faults: workers on other machines — a worker SIGKILLed and restarted in its own clone', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('takes its own claim back at once and finishes the task, with no item lost', async () => {
    const v = await crashAndRestart(world, 'worker', (clone, o) =>
      startWorker(clone, { marker, pauseMs: o.pauseMs, leaseS: 60, promptLog: o.promptLog, untilIdle: o.restarted }),
    );
    recordFault(AREA, 'worker SIGKILLed mid-task and restarted in its clone', v);
    assert.deepEqual(v, []);
  });
});
