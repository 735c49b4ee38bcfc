import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../../../src/core/agents/agentEvents';
import { AgentPool } from '../../../../src/core/agents/agentPool';
import { ReplayBackend } from '../../../support/replayBackend';

/** Messages to a back-end that runs one process per turn (claude, codex, gemini): resumed turns in the pool. */
describe('messages to a running CLI agent (resumed turns, through the agent pool)', () => {
  let pool: AgentPool;
  afterEach(() => pool.dispose());

  /** A replay back-end whose first turn waits for `release`; later turns answer what they were told. */
  const setUp = () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const backend = new ReplayBackend(async (ctx) => {
      if (ctx.call > 0) {
        ctx.emit({ t: 'usage', inputTokens: 5 } as Omit<AgentEvent, 'runId'>);
        return { text: `answered: ${ctx.req.prompt}` };
      }
      ctx.emit({ t: 'usage', inputTokens: 7 } as Omit<AgentEvent, 'runId'>);
      started();
      await released;
      return { text: 'first turn done' };
    });
    pool = new AgentPool({ backends: [backend], maxConcurrent: 2, sweepIntervalMs: 0 });
    return { backend, release, running };
  };
  const phase = { backend: 'custom', phase: 'implementation', worktree: '/tmp/wt', prompt: 'Do T1.' } as const;

  it('delivers a message as a resumed turn on the same session; the run ends with that turn', async () => {
    const { backend, release, running } = setUp();
    const ticket = pool.runPhase('000001', { ...phase, permissions: { mode: 'edit' } });
    const run = (await ticket.run)!;
    await running;
    assert.deepEqual(pool.messageAgent('000001', 'Use tabs, please.'), { accepted: true });
    release();
    const result = await ticket.finished;
    const events: AgentEvent[] = [];
    for await (const e of run.events) events.push(e);

    assert.equal(backend.calls.length, 2);
    assert.equal(backend.calls[1]?.prompt, 'Use tabs, please.');
    assert.equal(backend.calls[1]?.resumeSessionId, 'replay-session-1');
    assert.equal(backend.calls[1]?.runId, run.runId);
    assert.equal(result.status, 'success');
    assert.equal(result.text, 'answered: Use tabs, please.');
    assert.equal(result.runId, run.runId);
    assert.deepEqual(result.turns, 2);
    const told = events.find((e) => e.t === 'user_message');
    assert.equal(told?.t === 'user_message' && told.text, 'Use tabs, please.');
    // The second turn's usage counts on top of the first's, live and in the result.
    assert.deepEqual(
      events.filter((e) => e.t === 'usage').map((e) => (e.t === 'usage' ? e.inputTokens : 0)),
      [7, 12],
    );
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.equal(pool.agent('000001')?.status, 'idle');
  });

  it('refuses a message when no run of the task is live, saying why', async () => {
    const { release } = setUp();
    const none = pool.messageAgent('000009', 'hello?');
    assert.equal(none.accepted ? '' : none.reason, 'no run of this SpecTask is live: there is no agent to tell');
    release();
    const ticket = pool.runPhase('000001', { ...phase, permissions: { mode: 'edit' } });
    await ticket.finished;
    const after = pool.messageAgent('000001', 'hello?');
    assert.equal(after.accepted, false);
  });

  it('refuses an oversized or empty message before it reaches the run', async () => {
    const { backend, release, running } = setUp();
    const ticket = pool.runPhase('000001', { ...phase, permissions: { mode: 'edit' } });
    await running;
    assert.equal(pool.messageAgent('000001', 'é'.repeat(4097)).accepted, false);
    assert.equal(pool.messageAgent('000001', '   ').accepted, false);
    release();
    await ticket.finished;
    assert.equal(backend.calls.length, 1);
  });

  it('does not deliver a message to a run that was stopped: a notice says so', async () => {
    const { backend, running } = setUp();
    const ticket = pool.runPhase('000001', { ...phase, permissions: { mode: 'edit' } });
    const run = (await ticket.run)!;
    await running;
    assert.equal(pool.messageAgent('000001', 'one more thing').accepted, true);
    await pool.stopAgent('000001', 'stopped by you');
    const result = await ticket.finished;
    const events: AgentEvent[] = [];
    for await (const e of run.events) events.push(e);
    assert.equal(result.status, 'cancelled');
    assert.equal(backend.calls.length, 1);
    assert.ok(events.some((e) => e.t === 'notice' && /a message to the agent was not delivered/.test(e.message)));
  });
});
