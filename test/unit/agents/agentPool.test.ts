import * as assert from 'node:assert/strict';
import type { AgentBackend, AgentRun, StartRequest } from '../../../src/core/agents/agentBackend';
import type { ResultEvent } from '../../../src/core/agents/agentEvents';
import { AgentPool, type AgentInfo } from '../../../src/core/agents/agentPool';
import { RunEventChannel } from '../../../src/core/agents/runEventChannel';

/** A back-end whose runs the test finishes by hand; it records every request. */
class ScriptedBackend implements AgentBackend {
  readonly id = 'claude-cli' as const;
  readonly label = 'scripted';
  readonly capabilities = {
    resume: true,
    followUp: false,
    softInterrupt: true,
    permissionCallback: false,
    reportsCost: true,
    osSandbox: false,
  };
  readonly requests: StartRequest[] = [];
  readonly live = new Map<string, (status?: ResultEvent['status']) => void>();
  live_now = 0;
  max_live = 0;
  private n = 0;

  async probe() {
    return { available: true };
  }
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
  start(req: StartRequest): AgentRun {
    this.requests.push(req);
    const runId = `run-${++this.n}`;
    const ch = new RunEventChannel();
    const sessionId = req.resumeSessionId ?? `session-${req.taskId}`;
    ch.push({ t: 'session', runId, backend: this.id, sessionId });
    this.live_now++;
    this.max_live = Math.max(this.max_live, this.live_now);
    const finish = (status: ResultEvent['status'] = 'success') => {
      if (ch.isEnded) return;
      this.live_now--;
      this.live.delete(req.taskId);
      ch.push({
        t: 'result',
        runId,
        status,
        sessionId,
        durationMs: 1,
        usage: { inputTokens: 10, outputTokens: 2, costUsd: 0.5 },
      });
    };
    this.live.set(req.taskId, finish);
    return {
      runId,
      backend: this.id,
      pid: undefined,
      events: ch.events,
      onEvent: ch.onEvent,
      sessionId: ch.sessionId,
      finished: ch.finished,
      cancel: async () => finish('cancelled'),
    };
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AgentPool', () => {
  let backend: ScriptedBackend;
  let pool: AgentPool;
  let now = 0;
  beforeEach(() => {
    backend = new ScriptedBackend();
    now = 1_000;
    pool = new AgentPool({
      backends: [backend],
      maxConcurrent: 4,
      sweepIntervalMs: 0,
      now: () => now,
      idleTimeoutMs: 30 * 60_000,
      stateRoot: '/state',
    });
  });
  afterEach(() => pool.dispose());

  const phase = (p = 'implementation') => ({
    backend: 'claude-cli' as const,
    phase: p,
    worktree: '/w',
    prompt: 'go',
    permissions: { mode: 'edit' as const },
  });

  it('runs 8 agents on 8 SpecTasks with a cap of 4, queueing the rest in order', async () => {
    const tickets = Array.from({ length: 8 }, (_, i) => pool.runPhase(`t${i}`, phase()));
    await tick();
    assert.equal(backend.live_now, 4);
    assert.deepEqual(pool.stats().running, 4);
    assert.equal(pool.stats().queued, 4);
    assert.deepEqual(
      pool
        .list()
        .filter((a) => a.status === 'transitioning')
        .map((a) => a.taskId),
      ['t4', 't5', 't6', 't7'],
    );
    // Finish them one at a time: each freed slot starts the next queued task.
    for (let i = 0; i < 8; i++) {
      backend.live.get(`t${i}`)!();
      await tick();
      assert.ok(backend.live_now <= 4);
    }
    const results = await Promise.all(tickets.map((t) => t.finished));
    assert.ok(results.every((r) => r.status === 'success'));
    assert.equal(backend.max_live, 4);
    assert.deepEqual(
      backend.requests.map((r) => r.taskId),
      ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'],
    );
    const s = pool.stats();
    assert.equal(s.runsFinished, 8);
    assert.equal(s.agents.idle, 8);
    assert.equal(s.usage.costUsd, 4);
  });

  it('reuses the task’s session across phases through resume, with a per-agent state folder', async () => {
    const plan = pool.runPhase('t1', phase('planning'));
    await tick();
    backend.live.get('t1')!();
    await plan.finished;
    assert.throws(() => pool.runPhase('t1', phase()) && pool.runPhase('t1', phase()), /busy/);
    await tick();
    backend.live.get('t1')!();
    await tick();
    const info = pool.agent('t1')!;
    assert.equal(backend.requests[0]!.resumeSessionId, undefined);
    assert.equal(backend.requests[1]!.resumeSessionId, 'session-t1');
    assert.equal(backend.requests[1]!.stateDir, '/state/t1/claude-cli');
    assert.deepEqual(
      info.history.map((h) => [h.phase, h.resumed, h.sessionId, h.status]),
      [
        ['planning', false, 'session-t1', 'success'],
        ['implementation', true, 'session-t1', 'success'],
      ],
    );
    assert.equal(info.usage.inputTokens, 20);
  });

  it('stops agents idle longer than the setting (injected clock), and a stopped agent still resumes its session', async () => {
    const t = pool.runPhase('t1', phase());
    await tick();
    backend.live.get('t1')!();
    await t.finished;
    now += 29 * 60_000;
    assert.deepEqual(pool.sweepIdle(), []);
    now += 2 * 60_000;
    assert.deepEqual(pool.sweepIdle(), ['t1']);
    assert.equal(pool.agent('t1')!.status, 'stopped');
    pool.runPhase('t1', phase('review-changes'));
    await tick();
    assert.equal(backend.requests.at(-1)!.resumeSessionId, 'session-t1');
    assert.equal(pool.agent('t1')!.status, 'working');
  });

  it('marks failed runs, cancels queued tickets, and emits changes for the store', async () => {
    const changes: AgentInfo[] = [];
    pool.onDidChangeAgent((a) => changes.push(a));
    const events: string[] = [];
    pool.onDidRunEvent((e) => events.push(`${e.taskId}:${e.event.t}`));
    const tickets = Array.from({ length: 5 }, (_, i) => pool.runPhase(`t${i}`, phase()));
    await tick();
    await tickets[4]!.cancel('not needed');
    assert.equal((await tickets[4]!.finished).status, 'cancelled');
    assert.equal(await tickets[4]!.run, undefined);
    backend.live.get('t0')!('crashed');
    await tickets[0]!.finished;
    assert.equal(pool.agent('t0')!.status, 'failed');
    await pool.stopAgent('t1');
    assert.equal(pool.agent('t1')!.status, 'stopped');
    assert.ok(changes.some((c) => c.taskId === 't0' && c.status === 'working'));
    assert.ok(changes.some((c) => c.taskId === 't0' && c.status === 'failed'));
    assert.ok(events.includes('t0:result'));
    assert.equal(pool.stats().runsByStatus.crashed, 1);
  });

  it('disposing cancels every live run', async () => {
    const t = pool.runPhase('t1', phase());
    await tick();
    pool.dispose();
    assert.equal((await t.finished).status, 'cancelled');
  });

  // Issue 17 item 6: `spectask run` awaits this before it exits, so no agent outlives it.
  it('whenStopped resolves only after every run live at disposal has ended, not when it was asked to', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const start = backend.start.bind(backend);
    backend.start = (req) => {
      const run = start(req);
      // A run that takes its grace period to stop: it ends only when the test releases it.
      return { ...run, cancel: async () => gate.then(() => backend.live.get(req.taskId)?.('cancelled')) };
    };
    pool.runPhase('t1', phase());
    pool.runPhase('t2', phase());
    await tick();
    pool.dispose();
    let stopped = false;
    void pool.whenStopped().then(() => (stopped = true));
    await tick();
    assert.equal(stopped, false, 'resolved while the runs were still stopping');
    assert.equal(backend.live_now, 2);
    release();
    await pool.whenStopped();
    assert.equal(backend.live_now, 0);
  });
});
