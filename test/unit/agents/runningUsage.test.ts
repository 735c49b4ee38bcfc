import * as assert from 'node:assert/strict';
import type { AgentEvent, UsageEvent } from '../../../src/core/agents/agentEvents';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../../src/core/agents/codexAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { fixtureLines, replay } from './fixtureReplay';

// Issue 22 item 7: the parsers report usage as the stream goes (a card's tokens move during a run), wherever the
// CLI's stream carries it; the result's figure is the last word.
describe('running usage from the agent streams', () => {
  const usages = (events: AgentEvent[]) => events.filter((e): e is UsageEvent => e.t === 'usage');
  const tokens = (u: UsageEvent) => (u.inputTokens ?? 0) + (u.outputTokens ?? 0);

  it('Claude Code: one cumulative usage event per assistant message, long before the result line', () => {
    const lines = fixtureLines('claude-write-tick-commit');
    const resultLine = lines.findIndex((l) => l.includes('"total_cost_usd"'));
    const a = new ClaudeAdapter({ binary: '/opt/claude' });
    const beforeResult = replay(a, lines.slice(0, resultLine)).events;
    // Four messages (the first in two lines, counted once): 101, 203, 306, 410 tokens.
    assert.deepEqual(usages(beforeResult).map(tokens), [101, 203, 306, 410]);
    const { events, result } = replay(a, lines);
    assert.equal(tokens(usages(events).at(-1)!), 486, "the result line's totals replace the running count");
    assert.equal((result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0), 486);
  });

  it('Codex: a usage event per completed turn, summed over the turns', () => {
    const turn = (i: number, o: number) =>
      JSON.stringify({ type: 'turn.completed', usage: { input_tokens: i, cached_input_tokens: 0, output_tokens: o } });
    const { events } = replay(new CodexAdapter(), [
      JSON.stringify({ type: 'thread.started', thread_id: 't' }),
      JSON.stringify({ type: 'turn.started' }),
      turn(100, 10),
      JSON.stringify({ type: 'turn.started' }),
      turn(200, 20),
    ]);
    assert.deepEqual(usages(events).map(tokens), [110, 330]);
  });

  it("Gemini: its stream carries usage only in the result's stats, so the card's figure comes at the end", () => {
    const lines = fixtureLines('gemini-write-tick-commit');
    const { events } = replay(new GeminiAdapter(), lines);
    const at = events.findIndex((e) => e.t === 'usage');
    assert.equal(usages(events).length, 1);
    assert.equal(at, events.length - 1);
  });
});
