import * as assert from 'node:assert/strict';
import type { FleetAgentCard } from '../../../src/protocol/fleet';
import { columnOf, groupByColumn, moveTo, refusal } from '../../../webview/boardModel';

const card = (over: Partial<FleetAgentCard>): FleetAgentCard => ({
  taskId: 't',
  number: '000007',
  title: 'T',
  phase: 'spec_review',
  progress: { done: 0, total: 0 },
  window: [],
  ...over,
});

describe('the Board (issue 22): columns and moves from the card the host built from the status table', () => {
  it("puts a card in the host's column, else its phase's", () => {
    assert.equal(columnOf(card({ phase: 'queued', column: 'implementing' })), 'implementing');
    assert.equal(columnOf(card({ phase: 'done' })), 'done');
    const g = groupByColumn([card({ taskId: 'a', column: 'planning' }), card({ taskId: 'b', column: 'done' })]);
    assert.deepEqual(
      g.planning.map((c) => c.taskId),
      ['a'],
    );
    assert.deepEqual(g.backlog, []);
  });

  it('performs only a move the card offers, and Retry on a failed card moved forward or onto its own column', () => {
    const review = card({
      column: 'spec_review',
      moves: [
        { move: 'approve', to: 'implementing' },
        { move: 'archive', to: 'archived' },
      ],
    });
    assert.equal(moveTo(review, 'implementing'), 'approve');
    assert.equal(moveTo(review, 'archived'), 'archive');
    assert.equal(moveTo(review, 'done'), undefined);
    const failed = card({
      phase: 'failed',
      column: 'implementing',
      moves: [
        { move: 'retry', to: 'implementing' },
        { move: 'archive', to: 'archived' },
      ],
    });
    assert.equal(moveTo(failed, 'implementing'), 'retry');
    assert.equal(moveTo(failed, 'implementation_review'), 'retry');
    assert.equal(moveTo(failed, 'done'), undefined);
    assert.equal(moveTo(card({ phase: 'implementing', column: 'implementing' }), 'implementation_review'), undefined);
  });

  it('says why a move is refused and what the card can do instead', () => {
    const review = card({ column: 'spec_review', moves: [{ move: 'approve', to: 'implementing' }] });
    assert.equal(
      refusal(review, 'done'),
      '#000007 cannot move from Spec review to Done. From here you can: Approve spec (to Implementing).',
    );
    assert.match(refusal(card({ phase: 'done', column: 'done', moves: [] }), 'backlog'), /Nothing moves it by hand/);
  });
});
