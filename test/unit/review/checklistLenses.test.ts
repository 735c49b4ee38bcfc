import * as assert from 'node:assert/strict';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { checklistLenses, folderBadge } from '../../../src/vscode/codelens/checklistLenses';
import { SPECTASK_STATUSES } from '../../../src/core/orchestrator/statusMachine';

const md = [
  '# Implementation Tasks: X',
  '',
  '- [x] T1: schema',
  '- [~] T2: repository',
  '- [ ] T3: endpoint',
  '',
  '```',
  '- [ ] not an item',
  '```',
  '- [ ] T4: docs',
  '',
].join('\n');
const items = parseChecklist(md).items;

describe('checklist CodeLens', () => {
  it('gives every item a lens on its own line, and none inside code fences', () => {
    const lenses = checklistLenses(items, {
      status: 'implementation',
      agentWorking: true,
      agent: { backend: 'claude-code', agentId: 'ab12cd34' },
    });
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title]),
      [
        [2, '$(pass) done'],
        [3, '$(sync~spin) in progress · agent claude-code ab12cd34'],
        [4, '$(circle-large-outline) to do'],
        [9, '$(circle-large-outline) to do'],
      ],
    );
    assert.equal(lenses.filter((l) => l.current).length, 1);
  });

  it('does not claim an agent works when the task is not implementing', () => {
    const lenses = checklistLenses(items, { status: 'spec_review' });
    assert.equal(lenses[1].title, '$(circle-large-filled) in progress');
    assert.match(lenses[1].tooltip, /spec review/);
  });

  it('marks the first open item as next when nothing is in progress', () => {
    const lenses = checklistLenses(parseChecklist('- [x] a\n- [ ] b\n- [ ] c\n').items, {
      status: 'implementation',
      agent: { backend: 'codex' },
    });
    assert.equal(lenses[1].title, '$(sync~spin) next · agent codex');
    assert.equal(lenses[2].title, '$(circle-large-outline) to do');
    const idle = checklistLenses(parseChecklist('- [x] a\n- [ ] b\n').items, { status: 'queued_implementation' });
    assert.equal(idle[1].title, '$(circle-large-outline) to do · next');
  });
});

describe('SpecTask folder decorations', () => {
  it('uses a status symbol (never a git letter) and puts the stage name and progress in the tooltip', () => {
    const b = folderBadge({
      number: '000007',
      title: 'Add login',
      status: 'implementation',
      items,
      agentWorking: true,
    });
    assert.equal(b.badge, '⚙');
    assert.equal(b.tone, 'working');
    assert.equal(b.tooltip, 'SpecTask #000007 Add login: Implementing · 1/4 done · agent working');
    assert.equal(folderBadge({ number: '1', title: 't', status: 'spec_review', items: [] }).tone, 'review');
    assert.equal(
      folderBadge({ number: '1', title: 't', status: 'implementation_failed', items: [], error: 'boom' }).tone,
      'failed',
    );
    assert.match(
      folderBadge({ number: '1', title: 't', status: 'implementation_failed', items: [], error: 'boom' }).tooltip,
      /boom$/,
    );
    // Issue 22: "R" (review), "A" (archived) and "M" (merging) read as git's renamed, added and modified.
    for (const s of SPECTASK_STATUSES) {
      const badge = folderBadge({ number: '1', title: 't', status: s, items: [] }).badge;
      assert.ok(badge.length >= 1 && badge.length <= 2, s);
      assert.doesNotMatch(badge, /[\p{L}\p{N}!]/u, `${s}: "${badge}" looks like a git decoration`);
    }
  });
});
