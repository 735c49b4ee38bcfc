import * as assert from 'node:assert/strict';
import { emptyFleetSnapshot } from '../../../src/protocol/fleet';
import { parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION } from '../../../src/protocol/messages';

describe('protocol: the Board and the card facts of issue 22', () => {
  it('accepts a Board move of a known kind and rebuilds it; refuses any other', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'task/move', taskId: 't1', move: 'approve', extra: 1 }), {
      type: 'task/move',
      taskId: 't1',
      move: 'approve',
    });
    for (const bad of [
      { type: 'task/move', taskId: 't1', move: 'reopen' },
      { type: 'task/move', taskId: 't1', move: 'constructor' },
      { type: 'task/move', taskId: '', move: 'start' },
      { type: 'task/move', taskId: 'x'.repeat(201), move: 'start' },
      { type: 'task/move', move: 'start' },
    ])
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  });

  it("accepts a card's run, landing and Board fields, and refuses them with another type", () => {
    const card = {
      taskId: 't1',
      number: '000001',
      title: 'x',
      phase: 'done',
      progress: { done: 1, total: 1 },
      window: [],
      runLive: false,
      startedAt: 1,
      endedAt: 2,
      landedCommit: '0123456',
      pullRequestUrl: 'https://example.com/pr/1',
      column: 'done',
      moves: [{ move: 'archive', to: 'archived' }],
    };
    const msg = (c: unknown) => ({
      type: 'fleet/snapshot',
      protocol: PROTOCOL_VERSION,
      rev: 1,
      snapshot: { ...emptyFleetSnapshot(), cards: [c] },
    });
    assert.deepEqual(parseHostMessage(msg(card)), msg(card));
    for (const [k, v] of Object.entries({
      runLive: 'yes',
      endedAt: '2',
      landedCommit: 7,
      pullRequestUrl: {},
      column: 'queued',
      moves: [{ move: 'reopen', to: 'implementing' }],
    }))
      assert.equal(parseHostMessage(msg({ ...card, [k]: v })), undefined, k);
    assert.equal(parseHostMessage(msg({ ...card, moves: [{ move: 'start', to: 'nowhere' }] })), undefined);
  });
});
