import * as assert from 'node:assert/strict';
import type { AgentInfo } from '../../../src/core/agents/agentPool';
import type { ChecklistItem } from '../../../src/core/checklist/checklistTypes';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { EMPTY_FLEET, reduceFleet, type FleetEvent, type TaskEntry } from '../../../src/core/store/fleetState';

// The fleet store's reducer: pure, immutable, and a no-op returns the very same state (no new rev).
describe('fleet state reducer', () => {
  const record = newSpecTaskRecord({ number: 1, title: 'Login', baseBranch: 'main', backend: 'custom' });
  const task = (over: Partial<TaskEntry> = {}): TaskEntry => ({
    id: '000001',
    number: '000001',
    title: 'Login',
    status: 'backlog',
    items: [],
    hasWorktree: false,
    updatedAt: 1,
    record: structuredClone(record),
    folder: 'design/tasks/000001_login',
    path: '/x/design/tasks/000001_login',
    ...over,
  });
  const item = (text: string, state: ChecklistItem['state']) => ({ text, state }) as unknown as ChecklistItem;
  const run = (...events: FleetEvent[]) => events.reduce(reduceFleet, EMPTY_FLEET);

  it('makes a new state with the next rev for a change, and never touches the previous state', () => {
    const one = run({ type: 'taskRead', task: task() });
    const frozen = JSON.stringify([...one.tasks]);
    const two = reduceFleet(one, { type: 'checklistRead', id: '000001', items: [item('a', 'todo')], at: 5 });
    assert.equal(one.rev, 1);
    assert.equal(two.rev, 2);
    assert.notEqual(two.tasks, one.tasks);
    assert.equal(JSON.stringify([...one.tasks]), frozen);
    assert.equal(two.tasks.get('000001')!.updatedAt, 5);
    assert.equal(EMPTY_FLEET.tasks.size, 0);
  });

  it('returns the same state for events that change nothing: a re-reading, an unchanged pass, an unknown task', () => {
    const s = run(
      { type: 'taskRead', task: task() },
      { type: 'queueReasons', reasons: new Map([['000001', 'waits for #2']]) },
    );
    // A reading of the same files makes new objects with the same content.
    assert.equal(reduceFleet(s, { type: 'taskRead', task: task({ updatedAt: 99 }) }), s);
    assert.equal(reduceFleet(s, { type: 'queueReasons', reasons: new Map([['000001', 'waits for #2']]) }), s);
    assert.equal(reduceFleet(s, { type: 'runActivity', id: '000001', activity: 'Edit a', at: 1 }), s);
    assert.equal(reduceFleet(s, { type: 'runEnded', id: '000001' }), s);
    assert.equal(reduceFleet(s, { type: 'checklistRead', id: '000009', items: [], at: 1 }), s);
    assert.equal(reduceFleet(s, { type: 'taskGone', id: '000009' }), s);
    assert.equal(reduceFleet(s, { type: 'tasksListed', ids: new Set(['000001']) }), s);
    assert.notEqual(reduceFleet(s, { type: 'taskRead', task: task({ title: 'Logout' }) }), s);
  });

  it("takes a listing's readings in one step: one new rev, the unchanged ones kept as they were", () => {
    const s = run({ type: 'taskRead', task: task() });
    const kept = s.tasks.get('000001')!;
    const others = Array.from({ length: 50 }, (_, i) =>
      task({ id: String(i + 2).padStart(6, '0'), number: String(i + 2).padStart(6, '0') }),
    );
    const next = reduceFleet(s, { type: 'tasksRead', tasks: [task({ updatedAt: 7 }), ...others] });
    assert.equal(next.rev, s.rev + 1, 'one rev for the whole listing');
    assert.equal(next.tasks.size, 51);
    assert.equal(next.tasks.get('000001'), kept, 'a re-reading with the same content keeps the entry');
    assert.equal(s.tasks.size, 1, 'the previous state is untouched');
    assert.equal(reduceFleet(next, { type: 'tasksRead', tasks: [task(), ...others.map((t) => ({ ...t }))] }), next);
    const renamed = reduceFleet(next, { type: 'tasksRead', tasks: [task({ title: 'Logout' })] });
    assert.equal(renamed.tasks.get('000001')!.title, 'Logout');
    assert.equal(renamed.tasks.size, 51, 'a listing event adds and changes; tasksListed removes');
  });

  it('takes a reading after the documents changed even when the views would show the same', () => {
    const s = run({ type: 'taskRead', task: task() });
    const again = task();
    const next = reduceFleet(s, { type: 'taskRead', task: again, documentsChanged: true });
    assert.equal(next.rev, s.rev + 1);
    assert.equal(next.tasks.get('000001'), again);
  });

  it('takes a written record into the entry, and its echo changes nothing', () => {
    const s = run({ type: 'taskRead', task: task({ worktreePresent: true }) });
    const written = { ...structuredClone(record), status: 'queued_spec_generation' as const, branch: 'spectask/x' };
    const after = reduceFleet(s, { type: 'recordWritten', record: written });
    const t = after.tasks.get('000001')!;
    assert.equal(t.status, 'queued_spec_generation');
    assert.equal(t.hasWorktree, true);
    assert.equal(after.rev, s.rev + 1);
    // The same record read back from the file.
    assert.equal(reduceFleet(after, { type: 'taskRead', task: { ...t, record: structuredClone(written) } }), after);
    assert.equal(reduceFleet(after, { type: 'recordWritten', record: structuredClone(written) }), after);
  });

  it('has a worktree only while both the record names a branch and the worktree is on disk', () => {
    const branched = { ...structuredClone(record), branch: 'spectask/x' };
    const s = run({ type: 'taskRead', task: task() }, { type: 'recordWritten', record: branched });
    assert.equal(s.tasks.get('000001')!.hasWorktree, false, 'named, but never made on this machine');
    const made = reduceFleet(s, { type: 'worktreePresence', id: '000001', present: true });
    assert.equal(made.tasks.get('000001')!.hasWorktree, true);
    assert.equal(reduceFleet(made, { type: 'worktreePresence', id: '000001', present: true }), made);
    const removed = reduceFleet(made, { type: 'worktreePresence', id: '000001', present: false });
    assert.equal(removed.tasks.get('000001')!.hasWorktree, false);
    const rewritten = reduceFleet(removed, { type: 'recordWritten', record: { ...branched, status: 'archived' } });
    assert.equal(rewritten.tasks.get('000001')!.hasWorktree, false);
  });

  it('keeps the last run of a task: its start, activity, and no restart reason once it ended', () => {
    const s = run(
      { type: 'taskRead', task: task() },
      { type: 'runStarted', id: '000001', startedAt: 10, restartReason: 'nudged (1 of 2)' },
      { type: 'runActivity', id: '000001', activity: 'Edit src/a.ts', at: 12 },
    );
    assert.ok(s.working.has('000001'));
    assert.deepEqual(s.runs.get('000001'), {
      startedAt: 10,
      restartReason: 'nudged (1 of 2)',
      lastActivity: 'Edit src/a.ts',
      lastActivityAt: 12,
    });
    const ended = reduceFleet(s, { type: 'runEnded', id: '000001' });
    assert.ok(!ended.working.has('000001'));
    assert.deepEqual(ended.runs.get('000001'), { startedAt: 10, lastActivity: 'Edit src/a.ts', lastActivityAt: 12 });
    // The next run shows what the last one did until it does something itself.
    const again = reduceFleet(ended, { type: 'runStarted', id: '000001', startedAt: 20 });
    assert.deepEqual(again.runs.get('000001'), {
      startedAt: 20,
      restartReason: undefined,
      lastActivity: 'Edit src/a.ts',
      lastActivityAt: 12,
    });
  });

  it('forgets tasks a full listing no longer has, and replaces the queue reasons as a whole', () => {
    const s = run(
      { type: 'taskRead', task: task() },
      { type: 'taskRead', task: task({ id: '000002', number: '000002' }) },
      { type: 'queueReasons', reasons: new Map([['000001', 'a']]) },
      { type: 'queueReason', id: '000002', reason: 'b' },
      { type: 'tasksListed', ids: new Set(['000002']) },
    );
    assert.deepEqual([...s.tasks.keys()], ['000002']);
    assert.deepEqual(
      [...s.queueReasons],
      [
        ['000001', 'a'],
        ['000002', 'b'],
      ],
    );
    const replaced = reduceFleet(s, { type: 'queueReasons', reasons: new Map() });
    assert.equal(replaced.queueReasons.size, 0);
  });

  it('keeps the latest agent info per task', () => {
    const agent = { agentId: 'a1', taskId: '000001', status: 'running' } as unknown as AgentInfo;
    const s = run({ type: 'agentChanged', agent });
    assert.equal(s.agents.get('000001'), agent);
    assert.equal(reduceFleet(s, { type: 'agentChanged', agent }), s);
  });
});
