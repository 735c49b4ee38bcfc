import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SPECTASK_STATUSES } from '../../../src/core/orchestrator/statusMachine';
import {
  ALL_MENU_WORDS,
  menuWordsOf,
  statusesWithWord,
  TASK_ITEM,
  taskContextValue,
} from '../../../src/vscode/views/taskMenuWords';

interface MenuEntry {
  command: string;
  when?: string;
}
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  contributes: { menus: Record<string, MenuEntry[]> };
};
const treeEntries = (pkg.contributes.menus['view/item/context'] ?? []).filter((e) =>
  e.when?.includes('view == spectask.tasks'),
);
/** The regular expression a `viewItem =~ /…/` clause tests, as VS Code builds it. */
const viewItemRegex = (when: string): RegExp | undefined => {
  const m = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
  return m ? new RegExp(m[1]) : undefined;
};
/** Which tree menu commands a SpecTask item in `status` offers. */
const commandsFor = (status: (typeof SPECTASK_STATUSES)[number]) =>
  new Set(treeEntries.filter((e) => viewItemRegex(e.when!)?.test(taskContextValue(status))).map((e) => e.command));

describe('SpecTask tree menu words (contextValue) derived from the status table', () => {
  it('uses in package.json exactly the words the derivation produces, and nothing else', () => {
    const used = new Set<string>();
    for (const e of treeEntries) {
      const re = viewItemRegex(e.when!);
      if (!re) continue;
      // A menu tests a capability word or "any SpecTask", never a status name.
      for (const s of SPECTASK_STATUSES) assert.ok(!re.source.includes(s), `${e.command} tests the status ${s}`);
      const words = [...re.source.matchAll(/\\b(\w+)\\b/g)].map((m) => m[1]);
      if (!words.length) assert.equal(re.source, '^spectask\\.task\\b', e.command);
      words.forEach((w) => used.add(w));
    }
    assert.deepEqual([...used].sort(), [...ALL_MENU_WORDS].sort());
    const produced = new Set(SPECTASK_STATUSES.flatMap(menuWordsOf));
    assert.deepEqual([...produced].sort(), [...ALL_MENU_WORDS].sort(), 'a word no status produces');
  });

  it('starts every contextValue with the SpecTask marker, followed by words only', () => {
    for (const s of SPECTASK_STATUSES) {
      const [head, ...words] = taskContextValue(s).split(' ');
      assert.equal(head, TASK_ITEM);
      assert.deepEqual(words, menuWordsOf(s));
    }
    assert.equal(taskContextValue('archived'), 'spectask.task canRestore');
  });

  // The menus as they were when they tested status names, plus the review verdicts of issue 22.
  it('offers each status exactly the commands the status table allows', () => {
    const expect: Record<string, string[]> = {
      'spectask.task.startPlanning': ['backlog'],
      'spectask.task.skipPlanning': ['backlog'],
      'spectask.task.stop': ['spec_generation', 'implementation'],
      // Issue 20: "Message the Agent…" where an agent works (the command refuses when its run is not live yet).
      'spectask.task.messageAgent': ['spec_generation', 'implementation'],
      // Stopped by you (issue 22) resumes with Retry like a failure, and keeps its worktree.
      'spectask.task.retry': ['spec_failed', 'implementation_failed', 'spec_stopped', 'implementation_stopped'],
      'spectask.task.reject': ['spec_review'],
      'spectask.task.accept': ['implementation_review'],
      // Issue 22: a spec-review item offers Approve and Request Changes beside Reject; a code-review item its
      // review and Request Changes beside Accept.
      'spectask.spec.review': ['spec_review'],
      'spectask.spec.approve': ['spec_review'],
      'spectask.spec.requestChanges': ['spec_review'],
      'spectask.implementation.review': ['implementation_review'],
      'spectask.implementation.requestChanges': ['implementation_review'],
      'spectask.task.openWorktree': [
        'queued_implementation',
        'implementation',
        'implementation_review',
        // The integration queue works on the branch; its worktree stays until the merge.
        'queued_integration',
        'integrating',
        'implementation_failed',
        'implementation_stopped',
      ],
      'spectask.task.archive': SPECTASK_STATUSES.filter((s) => s !== 'done' && s !== 'archived'),
      'spectask.task.restore': ['archived'],
      'spectask.task.openDocs': [...SPECTASK_STATUSES],
      'spectask.task.showTranscript': [...SPECTASK_STATUSES],
    };
    assert.deepEqual(
      [...new Set(treeEntries.map((e) => e.command))].filter((c) => !(c in expect)),
      [],
      'every tree menu command is listed here',
    );
    for (const [command, statuses] of Object.entries(expect))
      assert.deepEqual(
        SPECTASK_STATUSES.filter((s) => commandsFor(s).has(command)),
        SPECTASK_STATUSES.filter((s) => statuses.includes(s)),
        command,
      );
    assert.deepEqual(statusesWithWord('canRetry'), [
      'spec_failed',
      'implementation_failed',
      'spec_stopped',
      'implementation_stopped',
    ]);
  });

  it('does not offer SpecTask commands on groups, documents or checklist items', () => {
    for (const other of ['spectask.group.queued', 'spectask.doc', 'spectask.item.todo', 'spectask.repo'])
      assert.deepEqual(
        treeEntries.filter((e) => viewItemRegex(e.when!)?.test(other)).map((e) => e.command),
        [],
        other,
      );
  });
});
