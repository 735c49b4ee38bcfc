import * as assert from 'node:assert/strict';
import type { ToolCallEvent } from '../../../src/core/agents/agentEvents';
import {
  buildFleetSnapshot,
  describeToolCall,
  type RunView,
  type TaskView,
} from '../../../src/core/orchestrator/fleetView';

const call = (over: Partial<ToolCallEvent>): ToolCallEvent => ({
  t: 'tool_call',
  runId: 'r',
  callId: 'c',
  name: 'Edit',
  kind: 'edit',
  input: {},
  ...over,
});

describe('describeToolCall', () => {
  const wt = '/tmp/r/.git-worktrees/000003_foo';
  const docs = '/tmp/r/.git-worktrees/helix-design-docs';

  it("names a file relative to the run's folders, a file elsewhere in full", () => {
    assert.equal(describeToolCall(call({ paths: [`${wt}/src/auth.ts`] }), [wt, docs]), 'Edit src/auth.ts');
    assert.equal(
      describeToolCall(call({ paths: [`${docs}/design/tasks/000003_foo/tasks.md`] }), [wt, docs]),
      'Edit design/tasks/000003_foo/tasks.md',
    );
    assert.equal(
      describeToolCall(call({ kind: 'read', name: 'Read', paths: ['/etc/hosts'] }), [wt, docs]),
      'Read /etc/hosts',
    );
    assert.equal(describeToolCall(call({ paths: [`${wt}/../../../etc/passwd`] }), [wt, docs]), 'Edit /tmp/etc/passwd');
  });

  it('shows a command as it was run, and the path as given when the run has no folders', () => {
    assert.equal(
      describeToolCall(call({ kind: 'shell', name: 'Bash', command: `cd ${wt} && npm test` }), [wt]),
      `Run cd ${wt} && npm test`,
    );
    assert.equal(describeToolCall(call({ paths: ['/a/b.ts'] })), 'Edit /a/b.ts');
    assert.equal(describeToolCall(call({ kind: 'think', name: 'Think' })), 'Think');
  });

  it('keeps the line short: a long path loses its middle and keeps the file name, a command its end', () => {
    const deep = `/elsewhere/${'very-long-folder-name/'.repeat(12)}the-file.ts`;
    const line = describeToolCall(call({ paths: [deep] }), [wt]);
    assert.ok(line.length <= 160, `${line.length} characters`);
    assert.match(line, /^Edit \/elsewhere\/very-long.*….*\/the-file\.ts$/);
    const cmd = describeToolCall(call({ kind: 'shell', name: 'Bash', command: `echo ${'x'.repeat(500)} && rm -rf /` }));
    assert.equal(cmd.length, 160);
    assert.match(cmd, /^Run echo x+…$/);
    const name = describeToolCall(call({ kind: 'other', name: 'W'.repeat(3000), paths: [`${wt}/a.ts`] }), [wt]);
    assert.equal(name.length, 160, 'a hostile tool name is cut too');
  });

  it('turns control characters into spaces, so a hostile path or a multi-line command stays one line', () => {
    assert.equal(
      describeToolCall(call({ paths: [`${wt}/src/a\nEdit b\u0000\u001b[31m.ts`] }), [wt]),
      'Edit src/a Edit b [31m.ts',
    );
    assert.equal(
      describeToolCall(call({ kind: 'shell', name: 'Bash', command: 'npm ci\r\nnpm test' })),
      'Run npm ci npm test',
    );
    // A right-to-left override would make "invoice<U+202E>txt.exe" read "invoiceexe.txt".
    assert.equal(describeToolCall(call({ paths: [`${wt}/invoice\u202Etxt.exe`] }), [wt]), 'Edit invoice txt.exe');
    assert.equal(
      describeToolCall(call({ kind: 'shell', name: 'Bash', command: 'rm \u2067-rf\u2069 x' })),
      'Run rm  -rf  x',
    );
    // Markup is not a control character: it stays, and the dashboard renders it as text.
    assert.equal(
      describeToolCall(call({ paths: [`${wt}/<img src=x onerror=alert(1)>.ts`] }), [wt]),
      'Edit <img src=x onerror=alert(1)>.ts',
    );
  });
});

describe('buildFleetSnapshot', () => {
  const task = (id: string): TaskView => ({
    id,
    number: id.padStart(6, '0'),
    title: `Task ${id}`,
    status: 'implementation',
    items: [],
    hasWorktree: true,
    updatedAt: 1,
  });
  const build = (runs: Map<string, RunView>) =>
    buildFleetSnapshot({
      tasks: [task('1'), task('2'), task('3')],
      agents: new Map(),
      runs,
      queueReasons: new Map(),
      contextItems: 2,
      now: 10,
    });

  it("carries each run's restart reason to its card, and none for a first run or a task without a run", () => {
    const snap = build(
      new Map<string, RunView>([
        ['1', { startedAt: 5, restartReason: 'nudged (1 of 2): 3 items left' }],
        ['2', { startedAt: 5 }],
      ]),
    );
    assert.deepEqual(
      snap.cards.map((c) => [c.taskId, c.restartReason]),
      [
        ['1', 'nudged (1 of 2): 3 items left'],
        ['2', undefined],
        ['3', undefined],
      ],
    );
  });
});

describe('buildFleetSnapshot: one name per stage (issue 22)', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const snap = (status: TaskView['status'], triggers: string[], error?: string) =>
    buildFleetSnapshot({
      tasks: [
        {
          id: '1',
          number: '000001',
          title: 'T',
          status,
          items: [],
          hasWorktree: false,
          updatedAt: 1,
          error,
          record: { history: triggers.map((trigger) => ({ at, from: 'backlog', to: status, trigger })) },
        },
      ],
      agents: new Map(),
      runs: new Map(),
      queueReasons: new Map(),
      contextItems: 2,
      now: 10,
    }).cards[0];

  it('names a revision "Revising spec" while it waits and while its agent works, first planning by its phase', () => {
    assert.equal(snap('spec_revision', ['request_spec_changes']).stage, 'Revising spec');
    assert.equal(snap('spec_generation', ['request_spec_changes', 'revision_resumed']).stage, 'Revising spec');
    assert.equal(snap('spec_generation', ['start_planning', 'planning_slot_free']).stage, undefined);
    assert.equal(snap('spec_generation', ['start_planning', 'planning_slot_free']).phase, 'planning');
  });

  it('shows a reason only while the task is failed, never on a stopped or re-queued one', () => {
    assert.equal(snap('implementation_failed', ['implementation_failed'], 'boom').lastError, 'boom');
    assert.equal(snap('implementation_stopped', ['stop'], 'old').lastError, undefined);
    assert.equal(snap('queued_implementation', ['retry'], 'old').lastError, undefined);
  });
});
