import * as assert from 'node:assert/strict';
import { parseFileGlob } from '../../../src/core/orchestrator/overlap/fileGlobs';
import { schedule } from '../../../src/core/orchestrator/scheduler';
import { schedulableTask } from './schedulableTasks';

const task = schedulableTask;
const limits = { planning: 1, implementation: 1, autoStart: false };

describe('scheduler: SpecTasks claimed elsewhere (a worker, a teammate; DESIGN.md §9)', () => {
  it('skips a queued task another holds the claim of, and its card says where it runs', () => {
    const d = schedule(
      [
        task(1, 'queued_implementation', { elsewhere: 'worker build-7:4242' }),
        task(2, 'queued_spec_generation', { elsewhere: 'worker build-8:17' }),
        task(3, 'spec_revision', { elsewhere: 'worker build-9:1' }),
        task(4, 'queued_implementation'),
      ],
      limits,
    );
    assert.deepEqual(
      d.start.map((s) => s.taskId),
      ['t4'],
    );
    assert.equal(d.queueReasons.get('t1'), 'running on worker build-7:4242');
    assert.equal(d.queueReasons.get('t2'), 'running on worker build-8:17');
    assert.equal(d.queueReasons.get('t3'), 'running on worker build-9:1');
  });

  it('a task running elsewhere takes no local slot, and says so on its card', () => {
    const d = schedule(
      [
        task(1, 'implementation', { elsewhere: 'worker build-7:4242' }),
        task(2, 'spec_generation', { elsewhere: 'worker build-7:4242' }),
        task(3, 'queued_implementation'),
        task(4, 'queued_spec_generation'),
      ],
      limits,
    );
    assert.deepEqual(
      d.start.map((s) => s.taskId),
      ['t4', 't3'],
    );
    assert.equal(d.queueReasons.get('t1'), 'running on worker build-7:4242');
  });

  it('its predicted files still hold an overlapping implementation here', () => {
    const d = schedule(
      [
        task(1, 'implementation', { elsewhere: 'worker w:1', files: [parseFileGlob('src/a.ts')!] }),
        task(2, 'queued_implementation', { files: [parseFileGlob('src/a.ts')!] }),
      ],
      { ...limits, implementation: 2 },
    );
    assert.deepEqual(d.start, []);
    assert.match(d.queueReasons.get('t2')!, /waiting for #000001 .*src\/a\.ts/);
  });
});
