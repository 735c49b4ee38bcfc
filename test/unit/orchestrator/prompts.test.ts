import * as assert from 'node:assert/strict';
import {
  implementationChangesPrompt,
  implementationNudge,
  implementationPrompt,
  planningPrompt,
  revisionPrompt,
  withRunNotes,
} from '../../../src/core/orchestrator/prompts';

const task = { number: '000007', title: 'Add login endpoint', goal: 'Users log in with email and password.' };
const planPaths = {
  repoRoot: '/repo',
  taskFolder: '/repo/.git-worktrees/helix-design-docs/design/tasks/000007_add-login-endpoint',
};
const implPaths = {
  worktree: '/repo/.git-worktrees/000007_add-login-endpoint',
  branch: 'spectask/000007-add-login-endpoint',
  baseBranch: 'main',
  tasksFile: `${planPaths.taskFolder}/tasks.md`,
  requirementsFile: `${planPaths.taskFolder}/requirements.md`,
  designFile: `${planPaths.taskFolder}/design.md`,
};

describe('prompts', () => {
  it('planning states the goal, the folder, the three formats and forbids code changes', () => {
    const p = planningPrompt(task, planPaths);
    assert.ok(p.includes(task.goal));
    assert.ok(p.includes(planPaths.taskFolder));
    for (const h of [
      '# Requirements: Add login endpoint',
      '# Design: Add login endpoint',
      '# Implementation Tasks: Add login endpoint',
      '## Open Questions',
      'WHEN',
      '- [ ] T1:',
    ])
      assert.ok(p.includes(h), h);
    assert.match(p, /DO NOT change any code/);
  });

  it('a revision lists every comment with document, line and quote', () => {
    const p = revisionPrompt(
      task,
      planPaths,
      [
        { document: 'design.md', line: 4, quote: 'Use sessions', comment: 'Use JWT instead.' },
        { document: 'tasks.md', line: 9, quote: '', comment: 'Split this step.' },
      ],
      2,
    );
    assert.match(p, /revision 2/);
    assert.match(p, /1\. design\.md, line 4 \(on: "Use sessions"\):\n {3}Use JWT instead\./);
    assert.match(p, /2\. tasks\.md, line 9:\n {3}Split this step\./);
  });

  it('implementation gives the checklist path and the tick rules, and leaves every commit to the orchestrator', () => {
    const p = implementationPrompt(task, implPaths, { hasSpec: true });
    assert.ok(p.includes(implPaths.tasksFile));
    assert.ok(p.includes('"- [~]"') && p.includes('"- [x]"'));
    assert.match(p, /Do not run git commands that write/);
    assert.match(p, /the orchestrator commits/);
    // Agents work with read-only git dirs (the sandbox): a prompt asking them to commit would set them up to fail.
    for (const prompt of [
      p,
      implementationNudge(task, implPaths, ['T2 is not [x]']),
      implementationChangesPrompt(task, implPaths, 'rename it'),
    ]) {
      assert.doesNotMatch(prompt, /commit (your|everything|with)|as you go|SpecTask: 000007/i);
      assert.match(prompt, /Do not run git commands that write/);
    }
    assert.ok(implementationPrompt(task, implPaths, { hasSpec: false }).includes(task.goal));
  });

  it('a nudge quotes what is missing', () => {
    const p = implementationNudge(task, implPaths, [
      '2 items are not [x]: T3, T4',
      'uncommitted changes in src/app.ts',
    ]);
    assert.match(p, /- 2 items are not \[x\]: T3, T4\n- uncommitted changes in src\/app\.ts/);
  });

  // Issue 17, prompts: the revision may reach a model that never saw the goal (a new process, another back-end).
  it('a revision restates the title, the goal and the formats', () => {
    const p = revisionPrompt(task, planPaths, [{ document: 'design.md', line: 4, quote: 'x', comment: 'y' }], 1);
    assert.ok(p.includes('"Add login endpoint"'));
    assert.ok(p.includes(task.goal));
    for (const h of ['# Requirements: Add login endpoint', '# Implementation Tasks: Add login endpoint', '- [ ] T1:'])
      assert.ok(p.includes(h), h);
    assert.match(p, /do not change any code/i);
  });

  it('skip-planning tells the agent to write the checklist first', () => {
    const p = implementationPrompt(task, implPaths, { hasSpec: false });
    assert.match(p, /First write the checklist/);
    assert.doesNotMatch(p, /holds the steps/);
    assert.doesNotMatch(p, /Edit only the markers/);
    assert.match(implementationPrompt(task, implPaths, { hasSpec: true }), /Edit only the markers/);
  });

  it('says which commands the permission level allows', () => {
    const base = 'Do the work.';
    const note = (permissions: Parameters<typeof withRunNotes>[1]['permissions']) =>
      withRunNotes(base, { permissions, tasksFile: implPaths.tasksFile }).slice(base.length);
    assert.match(note({ mode: 'edit' }), /run no commands/);
    assert.match(
      note({ mode: 'edit+commands', allow: ['npm test', 'git status'] }),
      /only commands starting with: `npm test`, `git status`/,
    );
    assert.match(note({ mode: 'edit+commands', allow: [] }), /run no commands/);
    assert.match(note({ mode: 'full' }), /may run commands/);
    assert.match(note({ mode: 'read-only' }), /read files only/);
  });

  it('a resumed agent is told to read tasks.md and the files first; a fresh one is not', () => {
    const resumed = withRunNotes('Continue.', { resumed: true, tasksFile: implPaths.tasksFile });
    assert.ok(
      resumed.startsWith(`This continues your earlier session on this SpecTask. First read ${implPaths.tasksFile}`),
    );
    assert.ok(resumed.endsWith('Continue.'));
    assert.equal(withRunNotes('Continue.', { tasksFile: implPaths.tasksFile }), 'Continue.');
  });
});
