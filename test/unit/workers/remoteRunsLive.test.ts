import * as assert from 'node:assert/strict';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS } from '../../../src/core/orchestrator/settings';
import { remoteRunsOf, withRemoteRuns } from '../../../src/core/workers/remoteRuns';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { makeRemoteViewWorld } from '../../support/remoteViewWorld';
import { cleanupTemp } from '../../support/tempRepo';

describe("remote runs, live: a worker's ticks reach the laptop's store like a teammate's pull (issue 23)", function () {
  this.timeout(60_000);
  after(cleanupTemp);
  const track = disposeAfterEach();

  it("each round brings the worker's pushed ticks into the store; the card names the worker; no local agent starts", async () => {
    const world = makeRemoteViewWorld(1, 4);
    const laptop = world.clone();
    const registry = track(new GitQueueRegistry());
    const opened = await openOrchestrator(laptop, {
      registry,
      backends: [],
      settings: () => DEFAULT_SETTINGS,
      createBranch: false,
      // The laptop only watches here: a SpecTask a worker holds is never started a second time on this machine.
      mayRunAgents: () => 'held by a worker',
    });
    track(opened);
    await opened.orchestrator.start();
    const view = track(remoteRunsOf(opened.docs, registry, {}));
    const card = () => withRemoteRuns(opened.orchestrator.fleetSnapshot(), view.runs()).cards[0];
    const held = await world.claim(1);
    const seen: number[] = [];
    for (let item = 0; item < world.items; item++) {
      await world.tick(held, 1, item);
      const changed = new Promise<void>((resolve) => {
        const sub = opened.orchestrator.onDidChange(() => {
          if (card().progress.done === item + 1) {
            sub.dispose();
            resolve();
          }
        });
        track(sub);
      });
      await view.tick();
      await changed;
      seen.push(card().progress.done);
    }
    assert.deepEqual(seen, [1, 2, 3, 4], 'every pushed tick reached the store, in order');
    assert.equal(card().worker?.name, `build-box:${process.pid}`);
    assert.equal(card().runLive, true);
    assert.equal(card().phase, 'implementing');
    assert.equal(opened.pool.stats().running, 0, 'no agent started here');
    await world.release(held);
    await view.tick();
    assert.equal(card().worker, undefined, 'released: no longer a remote run');
  });
});
