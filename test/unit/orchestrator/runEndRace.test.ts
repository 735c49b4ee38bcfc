import * as assert from 'node:assert/strict';
import { replay } from '../../support/replayBackend';
import { cleanupTemp } from '../docs/gitFixture';
import { makeHarness, waitForStatus, type Harness } from './orchestratorHarness';

// Regression (found by the whole-loop test in VS Code): the orchestrator forgot a run as soon as the agent
// process ended, then spent a while committing and checking the work. A reconcile tick in that window saw
// "implementing, but no agent runs" and relaunched the agent as an orphan; the next phase then failed with
// "the agent of task … is busy". A reconcile tick every few milliseconds makes the window certain to be hit.
describe('Orchestrator: the end of a run and the reconcile tick', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });
  after(cleanupTemp);

  it('never takes a task whose run is being wound up for an orphan', async () => {
    h = await makeHarness(
      async (ctx) => {
        if (ctx.req.prompt.includes('planning agent')) await replay.writeSpec(ctx, 'Race', 2);
        else await replay.implement(ctx, '000001');
        return { text: 'done' };
      },
      { reconcileIntervalMs: 3 },
    );
    const id = await h.orchestrator.create({ title: 'Race' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_review').catch((e) => {
      throw new Error(`${(e as Error).message}: ${h!.orchestrator.task(id)!.record?.error}\n${h!.logs.join('\n')}`);
    });
    await h.orchestrator.approve(id);
    await waitForStatus(h, id, 'implementation_review');
    const relaunched = h.logs.filter((l) => /no agent runs for it/.test(l));
    assert.deepEqual(relaunched, [], 'a run being wound up was relaunched as an orphan');
    assert.equal(h.backend.calls.length, 2, `one planning and one implementation run, not ${h.backend.calls.map((c) => c.prompt.slice(0, 40)).join(' | ')}`);
    assert.equal(h.orchestrator.task(id)!.record!.error, undefined);
  });
});
