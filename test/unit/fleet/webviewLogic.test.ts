import * as assert from 'node:assert/strict';
import type { FleetAgentCard } from '../../../src/protocol/fleet';
import { cardActions } from '../../../webview/cardActionSet';
import { orderCards } from '../../../webview/cardOrder';
import { backendLabelOf } from '../../../webview/backendLabel';
import { backendsOf, filterCards } from '../../../webview/fleetFilter';
import { formatAgo, formatCost, formatDuration, formatTokens } from '../../../webview/format';
import { parseInline } from '../../../webview/inlineMarkdown';

const card = (over: Partial<FleetAgentCard>): FleetAgentCard => ({
  taskId: 't',
  number: '000001',
  title: 'T',
  phase: 'implementing',
  progress: { done: 0, total: 0 },
  window: [],
  ...over,
});

describe('dashboard logic', () => {
  it("reads a back-end's label as an own property only", () => {
    const labels = { 'claude-cli': 'Claude Code' };
    assert.equal(backendLabelOf(labels, 'claude-cli'), 'Claude Code');
    for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'codex', undefined])
      assert.equal(backendLabelOf(labels, id), undefined, String(id));
    assert.equal(backendLabelOf(undefined, 'claude-cli'), undefined);
  });

  it('offers stop while working, review while waiting on a person, retry when failed', () => {
    assert.deepEqual(cardActions(card({ phase: 'implementing', agentId: 'a', hasWorktree: true })), {
      primary: 'stop',
      secondary: ['showTranscript', 'openDocs', 'openWorktree'],
    });
    assert.deepEqual(cardActions(card({ phase: 'planning' })), { primary: 'stop', secondary: ['openDocs'] });
    assert.equal(cardActions(card({ phase: 'spec_review' })).primary, 'review');
    assert.equal(cardActions(card({ phase: 'implementation_review' })).primary, 'review');
    assert.equal(cardActions(card({ phase: 'failed' })).primary, 'retry');
    assert.equal(cardActions(card({ phase: 'stopped' })).primary, 'retry', 'stopped by you resumes with Retry');
    assert.equal(cardActions(card({ phase: 'queued' })).primary, undefined);
  });

  it('puts cards that wait on a person first, then failures, then working agents', () => {
    const cards = [
      card({ taskId: 'a', number: '000003', phase: 'done' }),
      card({ taskId: 'b', number: '000010', phase: 'implementing' }),
      card({ taskId: 'c', number: '000002', phase: 'implementing' }),
      card({ taskId: 'd', phase: 'failed' }),
      card({ taskId: 'e', phase: 'spec_review' }),
    ];
    assert.deepEqual(
      orderCards(cards).map((c) => c.taskId),
      ['e', 'd', 'c', 'b', 'a'],
    );
  });

  it('filters by number, text, phase and back-end', () => {
    const cards = [
      card({ taskId: 'a', number: '000042', title: 'Add password reset', backend: 'codex' }),
      card({
        taskId: 'b',
        number: '000007',
        title: 'Dark mode',
        backend: 'gemini',
        phase: 'failed',
        lastActivity: 'Edit theme.css',
      }),
    ];
    const f = (o: object) => filterCards(cards, { text: '', phase: '', backend: '', ...o }).map((c) => c.taskId);
    assert.deepEqual(f({ text: '42' }), ['a']);
    assert.deepEqual(f({ text: '#7' }), ['b']);
    assert.deepEqual(f({ text: 'PASSWORD' }), ['a']);
    assert.deepEqual(f({ text: 'theme.css' }), ['b']);
    assert.deepEqual(f({ phase: 'failed' }), ['b']);
    assert.deepEqual(f({ backend: 'codex' }), ['a']);
    assert.deepEqual(f({ text: 'dark', backend: 'codex' }), []);
    assert.deepEqual(backendsOf(cards), ['codex', 'gemini']);
  });

  it('formats times, tokens and cost compactly', () => {
    assert.equal(formatDuration(45_000), '45s');
    assert.equal(formatDuration(12 * 60_000 + 3000), '12m 03s');
    assert.equal(formatDuration(3 * 3_600_000 + 7 * 60_000), '3h 07m');
    assert.equal(formatAgo(1000, 3000), 'just now');
    assert.equal(formatAgo(0, 5 * 60_000), '5m ago');
    assert.equal(formatTokens(950), '950 tokens');
    assert.equal(formatTokens(12_345), '12k tokens');
    assert.equal(formatTokens(1_234), '1.2k tokens');
    assert.equal(formatCost(0.004), '$0.004');
    assert.equal(formatCost(12.5), '$12.50');
  });

  it('parses inline markdown into text, code, emphasis and allowed links only', () => {
    assert.deepEqual(parseInline('Add `x` to **y**'), [
      'Add ',
      { kind: 'code', text: 'x' },
      ' to ',
      { kind: 'strong', children: ['y'] },
    ]);
    assert.deepEqual(parseInline('<img src=x onerror=alert(1)>'), ['<img src=x onerror=alert(1)>']);
    assert.deepEqual(parseInline('[a](https://e.com)'), [{ kind: 'link', href: 'https://e.com', children: ['a'] }]);
    assert.deepEqual(parseInline('[a](src/a.ts#L3)'), [{ kind: 'link', href: 'src/a.ts#L3', children: ['a'] }]);
    // markdown-it refuses javascript: links itself; command: links pass markdown-it but not our policy.
    assert.deepEqual(parseInline('[a](javascript:alert(1))'), ['[a](javascript:alert(1))']);
    assert.deepEqual(parseInline('[a](command:workbench.action.terminal.new)'), [{ kind: 'plain', children: ['a'] }]);
  });
});
