import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import type { AgentInfo, PoolRunEvent } from '../../../src/core/agents/agentPool';
import { Emitter } from '../../../src/core/lifecycle';
import { runFactsOf } from '../../../src/core/orchestrator/fleetCardFacts';
import { followLiveUsage } from '../../../src/core/orchestrator/liveUsage';
import { FleetStore } from '../../../src/core/store/fleetStore';
import { replay } from '../../support/replayBackend';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// Issue 22 item 7: a card's tokens and cost move while its agent works, from the agent's running `usage` events;
// the run's result replaces them.
describe('live usage: the card counts tokens while the run goes', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  const agent = (over: Partial<AgentInfo> = {}): AgentInfo => ({
    agentId: 'agent-1',
    taskId: '1',
    backend: 'claude-cli',
    status: 'working',
    createdAt: 0,
    lastActivityAt: 0,
    history: [{ runId: 'r', phase: 'p', resumed: false, startedAt: 1 }],
    usage: { inputTokens: 1000, outputTokens: 200, costUsd: 0.01 },
    ...over,
  });

  it("puts only the usage counters of the task's run events in the store, and only for a live run", () => {
    const runs = new Emitter<PoolRunEvent>();
    const store = new FleetStore();
    const follow = followLiveUsage(runs.event, store);
    try {
      const usage = (inputTokens: number): PoolRunEvent => ({
        taskId: '1',
        agentId: 'a',
        event: { t: 'usage', runId: 'r', inputTokens, outputTokens: 7, contextWindow: 9, raw: { big: 1 } },
      });
      runs.fire(usage(5));
      assert.equal(store.state.runs.get('1'), undefined, 'no run, no usage');
      store.dispatch({ type: 'runStarted', id: '1', startedAt: 1 });
      runs.fire(usage(5));
      runs.fire({ taskId: '1', agentId: 'a', event: { t: 'text', runId: 'r', text: 'hi', delta: false } });
      assert.deepEqual(store.state.runs.get('1')?.usage, { inputTokens: 5, outputTokens: 7 });
      const rev = store.rev;
      runs.fire(usage(5));
      assert.equal(store.rev, rev, 'the same figures are no change');
      runs.fire(usage(50));
      assert.deepEqual(store.state.runs.get('1')?.usage, { inputTokens: 50, outputTokens: 7 });
      store.dispatch({ type: 'runEnded', id: '1' });
      assert.equal(store.state.runs.get('1')?.usage, undefined, 'an ended run has no running figure');
      runs.fire(usage(60));
      assert.equal(store.state.runs.get('1')?.usage, undefined, 'a late event of an ended run changes nothing');
      store.dispatch({ type: 'runStarted', id: '1', startedAt: 2 });
      assert.equal(store.state.runs.get('1')?.usage, undefined, 'a new run starts from nothing');
    } finally {
      follow.dispose();
      store.dispose();
      runs.dispose();
    }
  });

  it("adds the live run's running usage to the agent's totals, and only the totals once the pool ended the run", () => {
    const running = { startedAt: 1, usage: { inputTokens: 300, outputTokens: 50, costUsd: 0.02 } };
    const live = runFactsOf(running, agent(), true);
    assert.equal(live.tokens, 1550);
    assert.ok(Math.abs(live.costUsd! - 0.03) < 1e-9);
    // The pool recorded the end (its totals now hold the result's usage) a moment before the store's runEnded:
    // the running figure must not count a second time.
    const ended = agent({
      history: [{ runId: 'r', phase: 'p', resumed: false, startedAt: 1, endedAt: 5 }],
      usage: { inputTokens: 1310, outputTokens: 260, costUsd: 0.03 },
    });
    assert.equal(runFactsOf(running, ended, true).tokens, 1570);
    assert.equal(runFactsOf({ startedAt: 1 }, ended, false).tokens, 1570);
  });

  it("shows the agent's running usage on the snapshot's card while it works (real orchestrator and git)", async () => {
    const shown: (number | undefined)[] = [];
    const usage = (inputTokens: number, outputTokens: number) =>
      ({ t: 'usage', inputTokens, outputTokens }) as Omit<AgentEvent, 'runId'>;
    /** Until the card shows `tokens` (the store announces a change in a microtask; the snapshot follows). */
    const cardShows = async (tokens: number) => {
      for (let t0 = Date.now(); Date.now() - t0 < 10_000; await new Promise((r) => setTimeout(r, 10))) {
        const card = h?.orchestrator.fleetSnapshot().cards[0];
        if (card?.tokens === tokens) return shown.push(card.tokens);
      }
      shown.push(h?.orchestrator.fleetSnapshot().cards[0]?.tokens);
    };
    h = await makeHarness(async (ctx) => {
      ctx.emit(usage(100, 20));
      await cardShows(120);
      ctx.emit(usage(400, 90));
      await cardShows(490);
      await replay.implement(ctx, '000001');
    });
    const id = await h.orchestrator.create({ title: 'Usage' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: Usage\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    assert.deepEqual(shown, [120, 490]);
  });
});
