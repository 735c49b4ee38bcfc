import * as assert from 'node:assert/strict';
import {
  implementationChangesPrompt,
  implementationNudge,
  implementationPrompt,
  planningPrompt,
  revisionPrompt,
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
});
