import * as assert from 'node:assert/strict';
import type { TaskEntry } from '../../../src/core/store/fleetState';
import { FleetStore } from '../../../src/core/store/fleetStore';

// The fleet store announces changes once per synchronous burst, with a rev that only grows.
describe('fleet store', () => {
  let store: FleetStore;
  let revs: number[];
  beforeEach(() => {
    store = new FleetStore();
    revs = [];
    store.onDidChange((rev) => revs.push(rev));
  });
  afterEach(() => store.dispose());

  const task = (id: string, title = 'T'): TaskEntry => ({
    id,
    number: id,
    title,
    status: 'backlog',
    items: [],
    hasWorktree: false,
    updatedAt: 0,
    folder: `design/tasks/${id}_t`,
    path: `/x/${id}`,
  });
  const settled = () => new Promise((r) => setImmediate(r));

  it('notifies once for a burst of changes made together, with the rev of the last', async () => {
    for (let i = 1; i <= 5; i++) store.dispatch({ type: 'taskRead', task: task(`00000${i}`) });
    assert.deepEqual(revs, [], 'not before the burst is over');
    await settled();
    assert.deepEqual(revs, [5]);
    assert.equal(store.state.tasks.size, 5);
  });

  it('notifies each burst separately, with increasing revs', async () => {
    store.dispatch({ type: 'taskRead', task: task('000001') });
    await settled();
    store.dispatch({ type: 'taskRead', task: task('000001', 'renamed') });
    store.dispatch({ type: 'queueReason', id: '000001', reason: 'waits' });
    await settled();
    store.dispatch({ type: 'taskGone', id: '000001' });
    await settled();
    assert.deepEqual(revs, [1, 3, 4]);
  });

  it('does not notify for events that change nothing', async () => {
    store.dispatch({ type: 'taskRead', task: task('000001') });
    await settled();
    store.dispatch({ type: 'taskRead', task: task('000001') });
    store.dispatch({ type: 'runEnded', id: '000001' });
    await settled();
    assert.deepEqual(revs, [1]);
    assert.equal(store.rev, 1);
  });

  it('does not notify after it was disposed', async () => {
    store.dispatch({ type: 'taskRead', task: task('000001') });
    store.dispose();
    await settled();
    assert.deepEqual(revs, []);
  });
});
