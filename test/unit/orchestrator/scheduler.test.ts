import * as assert from 'node:assert/strict';
import { schedule } from '../../../src/core/orchestrator/scheduler';
import { schedulableTask } from './schedulableTasks';

const task = schedulableTask;
const limits = { planning: 3, implementation: 2, autoStart: false };

describe('scheduler', () => {
  it('starts queued tasks up to the per-phase caps and says why the rest wait', () => {
    const tasks = [1, 2, 3, 4].map((n) => task(n, 'queued_implementation'));
    const d = schedule(tasks, limits);
    assert.deepEqual(
      d.start.map((s) => s.taskId),
      ['t1', 't2'],
    );
    assert.match(d.queueReasons.get('t3')!, /waiting for an implementation slot \(2 of 2 in use\)/);
  });

  it('counts agents already working against the cap', () => {
    const d = schedule(
      [task(1, 'implementation'), task(2, 'implementation'), task(3, 'queued_implementation')],
      limits,
    );
    assert.deepEqual(d.start, []);
    assert.ok(d.queueReasons.has('t3'));
  });

  it('orders by priority, then by number', () => {
    const d = schedule(
      [
        task(1, 'queued_implementation'),
        task(2, 'queued_implementation', { priorityRank: 0 }),
        task(3, 'queued_implementation'),
      ],
      limits,
    );
    assert.deepEqual(
      d.start.map((s) => s.taskId),
      ['t2', 't1'],
    );
  });

  it('gates on dependencies and names the blocking task', () => {
    const d = schedule(
      [
        task(1, 'implementation'),
        task(2, 'queued_implementation', { dependsOn: ['t1'] }),
        task(3, 'queued_spec_generation', { dependsOn: ['t9'] }),
      ],
      limits,
    );
    assert.deepEqual(d.start, []);
    assert.equal(d.queueReasons.get('t2'), 'waiting for #000001 (implementing)');
    assert.equal(d.queueReasons.get('t3'), 'depends on t9, which does not exist');
    const after = schedule([task(1, 'done'), task(2, 'queued_implementation', { dependsOn: ['t1'] })], limits);
    assert.deepEqual(
      after.start.map((s) => s.taskId),
      ['t2'],
    );
  });

  it('gives planning slots to revisions before new planning', () => {
    const d = schedule([task(1, 'queued_spec_generation', { priorityRank: 0 }), task(2, 'spec_revision')], {
      ...limits,
      planning: 1,
    });
    assert.deepEqual(d.start, [{ taskId: 't2', trigger: 'revision_resumed' }]);
    assert.match(d.queueReasons.get('t1')!, /planning slot/);
  });

  it('auto-starts backlog tasks only when asked to', () => {
    assert.deepEqual(schedule([task(1, 'backlog')], limits).start, []);
    assert.deepEqual(schedule([task(1, 'backlog')], { ...limits, autoStart: true }).start, [
      { taskId: 't1', trigger: 'start_planning' },
    ]);
  });
});
