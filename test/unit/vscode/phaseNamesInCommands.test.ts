import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { PHASE_LABELS } from '../../../src/protocol/fleet';

// Issue 22 item 11: one thing had three names ("Implementation review" in the tree, "Code review" on the
// dashboard, "Review Implementation" as a command). The tree and the dashboard share PHASE_LABELS (taskGroups
// test); this holds the command palette and menus to the same words.
type Command = { command: string; title: string };
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  contributes: { commands: Command[] };
};
const title = (id: string) => pkg.contributes.commands.find((c) => c.command === id)?.title;

describe('command titles use the phase names of the status table (issue 22 item 11)', () => {
  it('names the two reviews after their phases: "Review Spec" for Spec review, "Review Code" for Code review', () => {
    const [spec] = PHASE_LABELS.spec_review.split(' ');
    const [code] = PHASE_LABELS.implementation_review.split(' ');
    assert.equal(title('spectask.spec.review'), `Review ${spec}`);
    assert.equal(title('spectask.implementation.review'), `Review ${code}`);
  });

  it('no command title uses a second name for a phase', () => {
    const other = /implementation review|review implementation|revision/i;
    const found = pkg.contributes.commands.filter((c) => other.test(c.title) && !/Previous Revision/.test(c.title));
    assert.deepEqual(
      found.map((c) => `${c.command}: ${c.title}`),
      [],
    );
  });
});
