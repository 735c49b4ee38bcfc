import * as assert from 'node:assert/strict';
import { STATUS_GROUPS } from '../../../src/core/orchestrator/statusMachine';
import { PHASE_LABELS } from '../../../src/protocol/fleet';
import { GROUPS } from '../../../src/vscode/views/taskGroups';

describe('SpecTasks tree groups', () => {
  it('shows every group of the status table once, what waits for a person first, under the dashboard names', () => {
    assert.deepEqual([...GROUPS.map((g) => g.group)].sort(), [...STATUS_GROUPS].sort());
    assert.deepEqual(
      GROUPS.map((g) => g.label),
      [
        'Spec review',
        'Code review',
        'Integration',
        'Implementing',
        'Planning',
        'Queued',
        'Backlog',
        'Failed',
        // Issue 22: stopping is not failing; its own group, after the failures.
        'Stopped by you',
        'Done',
        'Archived',
      ],
    );
    for (const g of GROUPS) assert.equal(g.label, PHASE_LABELS[g.group], g.group);
    assert.deepEqual(
      GROUPS.filter((g) => !g.expanded).map((g) => g.group),
      ['done', 'archived'],
    );
  });
});
