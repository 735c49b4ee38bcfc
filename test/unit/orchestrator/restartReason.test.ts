import * as assert from 'node:assert/strict';
import type { ChecklistItem } from '../../../src/core/checklist/checklistTypes';
import {
  failureReason,
  nudgeReason,
  retryReason,
  revisionReason,
  runEnding,
  unfinishedWork,
} from '../../../src/core/orchestrator/restartReason';

const items = (...states: ChecklistItem['state'][]) =>
  states.map((state, i) => ({ state, text: `T${i + 1}` }) as ChecklistItem);

describe('restart reasons', () => {
  it('counts the checklist items left, or says the work is not committed', () => {
    assert.equal(unfinishedWork('implementation', items('done', 'doing', 'todo', 'todo')), '3 items left');
    assert.equal(unfinishedWork('implementation', items('done', 'todo')), '1 item left');
    assert.equal(unfinishedWork('implementation', items('done', 'done')), 'the work is not committed');
    assert.equal(unfinishedWork('implementation', []), 'no checklist items');
    assert.equal(unfinishedWork('planning', items('todo')), 'the spec is not complete');
  });

  it('numbers nudges and retries against their limits', () => {
    assert.equal(nudgeReason(1, 2, '3 items left'), 'nudged (1 of 2): 3 items left');
    assert.equal(
      retryReason(2, 3, { status: 'error', exitCode: 1 }, '3 items left'),
      'retry 2 of 3 after the agent exited with code 1',
    );
    assert.equal(retryReason(1, 1, { status: 'success' }, '2 items left'), 'retry 1 of 1: 2 items left');
    assert.equal(revisionReason(1), 'revising the spec: 1 comment');
    assert.equal(revisionReason(3), 'revising the spec: 3 comments');
  });

  it('says how a run ended, the stop we decided before the signal or code that carried it out', () => {
    assert.equal(runEnding({ status: 'crashed', exitCode: 1, signal: null }), 'the agent exited with code 1');
    assert.equal(
      runEnding({ status: 'crashed', exitCode: null, signal: 'SIGKILL' }),
      'the agent was killed by SIGKILL',
    );
    assert.equal(runEnding({ status: 'crashed' }), 'the agent crashed');
    assert.equal(runEnding({ status: 'error', exitCode: 0 }), 'the agent reported an error');
    assert.equal(runEnding({ status: 'timeout', signal: 'SIGTERM' }), 'the agent timed out');
    assert.equal(runEnding({ status: 'cancelled', signal: 'SIGTERM' }), 'the run was cancelled');
    assert.equal(runEnding({ status: 'max_turns' }), 'the agent ran out of turns');
    assert.equal(runEnding({ status: 'budget' }), 'the agent ran out of budget');
    assert.equal(runEnding({ status: 'denied', exitCode: 0 }), 'a tool was denied');
  });

  // Issue 17 item 10: "binary not found" followed by "requirements.md is still the empty template" misleads.
  it('a failure with an errorKind names only its cause, not the checks of the work it never did', () => {
    const problems = ['requirements.md is still the empty template'];
    assert.equal(
      failureReason(
        { status: 'crashed', errorMessage: 'agent binary not found: claude', errorKind: 'missing-binary' },
        problems,
      ),
      "the agent's run ended crashed: agent binary not found: claude",
    );
    assert.match(failureReason({ status: 'error', errorMessage: 'boom' }, problems), /empty template/);
  });
});
