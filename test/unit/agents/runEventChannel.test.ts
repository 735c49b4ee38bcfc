import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { RunEventChannel } from '../../../src/core/agents/runEventChannel';

describe('RunEventChannel', () => {
  // Found by test/faults/hangFlood.test.ts: every event of a run was kept in memory and written to the
  // transcript, so an agent printing 200 MB grew both without end. The record is now bounded.
  it('keeps output up to its budget, marks where it was cut, still delivers everything live, and always keeps the one result', async () => {
    const ch = new RunEventChannel(100);
    const live: AgentEvent[] = [];
    ch.onEvent((e) => live.push(e));
    const replay = (async () => {
      const got: AgentEvent[] = [];
      for await (const e of ch.events) got.push(e);
      return got;
    })();
    ch.push({ t: 'session', runId: 'r', backend: 'custom' });
    for (let i = 0; i < 10; i++) ch.push({ t: 'text', runId: 'r', text: 'x'.repeat(30), delta: false });
    ch.push({ t: 'usage', runId: 'r', inputTokens: 5 });
    ch.push({ t: 'result', runId: 'r', status: 'success', durationMs: 1 });
    const kept = await replay;
    assert.equal(live.length, 13, 'live listeners see every event');
    assert.deepEqual(
      kept.map((e) => e.t),
      ['session', 'text', 'text', 'text', 'notice', 'usage', 'notice', 'result'],
    );
    assert.match((kept[4] as { message: string }).message, /output cut here/);
    assert.match((kept[6] as { message: string }).message, /7 events \(210 characters\)/);
    assert.equal(kept.filter((e) => e.t === 'result').length, 1);
  });

  it('adds nothing to a run that stays within its budget', async () => {
    const ch = new RunEventChannel();
    ch.push({ t: 'text', runId: 'r', text: 'hello', delta: false });
    ch.push({ t: 'result', runId: 'r', status: 'success', durationMs: 1 });
    assert.deepEqual(
      ch.snapshot().map((e) => e.t),
      ['text', 'result'],
    );
  });
});
