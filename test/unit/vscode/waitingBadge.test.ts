import * as assert from 'node:assert/strict';
import { waitingBadge } from '../../../src/vscode/views/waitingBadgeText';

// Issue 22 item 15: the activity-bar badge counts the SpecTasks that wait for a person, and only those.
describe('the activity-bar badge: SpecTasks waiting for you', () => {
  it('counts spec and code reviews, not working, queued, failed or done tasks', () => {
    assert.equal(waitingBadge([]), undefined);
    assert.equal(waitingBadge(['backlog', 'planning', 'implementing', 'done', 'archived']), undefined);
    assert.deepEqual(waitingBadge(['spec_review', 'planning']), { value: 1, tooltip: '1 SpecTask waits for you' });
    assert.deepEqual(waitingBadge(['spec_review', 'implementation_review', 'done']), {
      value: 2,
      tooltip: '2 SpecTasks wait for you',
    });
  });
});
