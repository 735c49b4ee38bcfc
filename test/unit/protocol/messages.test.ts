import * as assert from 'node:assert/strict';
import { emptyFleetSnapshot } from '../../../src/protocol/fleet';
import {
  MAX_HREF_LENGTH,
  MAX_TASK_ID_LENGTH,
  parseHostMessage,
  parseWebviewMessage,
  PROTOCOL_VERSION,
  TASK_ACTIONS,
} from '../../../src/protocol/messages';

describe('parseWebviewMessage', () => {
  it('accepts a well-formed ready message and drops extra fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'webview/ready', protocol: PROTOCOL_VERSION, evil: '<script>' }), {
      type: 'webview/ready',
      protocol: PROTOCOL_VERSION,
    });
  });

  it('accepts every task action and rebuilds the message', () => {
    for (const action of TASK_ACTIONS) {
      const raw = { type: 'task/action', taskId: '000042_add-reset', action, extra: { __proto__: { polluted: true } } };
      const parsed = parseWebviewMessage(raw);
      assert.deepEqual(parsed, { type: 'task/action', taskId: '000042_add-reset', action });
      assert.notEqual(parsed, raw);
    }
  });

  it('accepts a link and the allowed command', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'link/open', href: 'https://example.com' }), {
      type: 'link/open',
      href: 'https://example.com',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'command/run', command: 'spectask.tasks.refresh' }), {
      type: 'command/run',
      command: 'spectask.tasks.refresh',
    });
  });

  it('rejects anything malformed', () => {
    const bad = [
      null,
      undefined,
      42,
      'ready',
      [],
      {},
      { type: 'webview/ready' },
      { type: 'webview/ready', protocol: '1' },
      { type: 'webview/ready', protocol: NaN },
      { type: 'nope' },
      { type: 'command/run', command: 'workbench.action.terminal.new' },
      { type: 'command/run' },
      { type: 'task/action', taskId: 'x', action: 'rm -rf' },
      { type: 'task/action', taskId: 'x', action: 'toString' },
      { type: 'task/action', taskId: 7, action: 'stop' },
      { type: 'task/action', taskId: '', action: 'stop' },
      { type: 'task/action', taskId: 'x'.repeat(MAX_TASK_ID_LENGTH + 1), action: 'stop' },
      { type: 'task/action', action: 'stop' },
      { type: 'link/open' },
      { type: 'link/open', href: '' },
      { type: 'link/open', href: 'h'.repeat(MAX_HREF_LENGTH + 1) },
      { type: 'link/open', href: { toString: () => 'x' } },
      Object.assign([], { type: 'webview/ready', protocol: 2 }),
    ];
    for (const b of bad) assert.equal(parseWebviewMessage(b), undefined, JSON.stringify(b));
  });
});

describe('parseHostMessage', () => {
  const ok = { type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: 3, snapshot: emptyFleetSnapshot() };

  it('accepts a snapshot of our protocol version', () => {
    assert.deepEqual(parseHostMessage(ok), ok);
  });

  it("accepts the back-ends' labels, and refuses labels that are not text", () => {
    const withLabels = (backendLabels: unknown) => ({ ...ok, snapshot: { ...emptyFleetSnapshot(), backendLabels } });
    const labels = { 'claude-cli': 'Claude Code', codex: 'Codex CLI' };
    assert.deepEqual(parseHostMessage(withLabels(labels)), withLabels(labels));
    for (const bad of [42, 'Claude', null, ['Claude Code'], { 'claude-cli': 7 }, { codex: { toString: 'x' } }])
      assert.equal(parseHostMessage(withLabels(bad)), undefined, JSON.stringify(bad));
  });

  it("accepts a card's restart reason, and refuses one that is not text", () => {
    const card = {
      taskId: 'a',
      number: '000001',
      title: 'A',
      phase: 'implementing',
      window: [],
      progress: { done: 0, total: 1 },
    };
    const withReason = (restartReason: unknown) => ({
      ...ok,
      snapshot: { ...emptyFleetSnapshot(), cards: [{ ...card, restartReason }] },
    });
    assert.deepEqual(
      parseHostMessage(withReason('nudged (1 of 2): 3 items left')),
      withReason('nudged (1 of 2): 3 items left'),
    );
    assert.deepEqual(parseHostMessage(withReason(undefined)), withReason(undefined));
    for (const bad of [42, null, { toString: 'x' }, ['a']])
      assert.equal(parseHostMessage(withReason(bad)), undefined, JSON.stringify(bad));
  });

  it('accepts a complete card, and refuses it when any field has another type than the card renders', () => {
    const card = {
      taskId: 't1',
      number: '000001',
      title: 'Add login',
      phase: 'implementing',
      backend: 'claude-code',
      agentId: 'abc',
      progress: { done: 1, total: 3 },
      window: [
        { index: 0, text: 'one', state: 'done' },
        { index: 1, text: 'two', state: 'doing' },
      ],
      currentIndex: 1,
      lastActivity: 'Edit src/a.ts',
      startedAt: 1,
      restartReason: 'r',
      updatedAt: 2,
      tokens: 3,
      costUsd: 0.5,
      queueReason: 'q',
      lastError: 'e',
      hasWorktree: true,
    };
    const withCard = (c: unknown) => ({ ...ok, snapshot: { ...emptyFleetSnapshot(), cards: [c] } });
    assert.deepEqual(parseHostMessage(withCard(card)), withCard(card));
    const wrong: Record<string, unknown[]> = {
      taskId: [1, undefined],
      number: [1, undefined],
      title: [{}, undefined, ['x']],
      phase: ['flying'],
      backend: [1],
      agentId: [{}],
      lastActivity: [7],
      queueReason: [[]],
      lastError: [false],
      progress: [undefined, { done: '1', total: 3 }, { done: 1 }],
      window: [{}, [{ index: 0, text: 1, state: 'done' }], [{ index: 0, text: 'a', state: 'maybe' }], ['x']],
      currentIndex: ['1', null],
      startedAt: ['now'],
      updatedAt: [{}],
      tokens: ['3'],
      costUsd: [{}],
      hasWorktree: ['yes'],
    };
    for (const [field, values] of Object.entries(wrong)) {
      for (const v of values)
        assert.equal(parseHostMessage(withCard({ ...card, [field]: v })), undefined, `${field}: ${JSON.stringify(v)}`);
    }
    assert.equal(
      parseHostMessage({ ...ok, snapshot: { ...emptyFleetSnapshot(), counts: { implementing: '2' } } }),
      undefined,
      'a count that is not a number',
    );
  });

  it('ignores messages from other senders, versions or shapes', () => {
    for (const b of [
      null,
      'x',
      { ...ok, protocol: PROTOCOL_VERSION + 1 },
      { ...ok, rev: '3' },
      { ...ok, snapshot: null },
      { ...ok, snapshot: { cards: {}, counts: {} } },
      { ...ok, type: 'other' },
      { ...ok, snapshot: { cards: [{ taskId: 'a', phase: 'flying', window: [], progress: {} }], counts: {} } },
    ]) {
      assert.equal(parseHostMessage(b), undefined, JSON.stringify(b));
    }
  });
});
