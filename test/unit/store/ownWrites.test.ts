import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DesignDocsEvent, DesignDocsWatcher } from '../../../src/core/docs/designDocsWatcher';
import { disposeHarnessAfterEach, makeHarness, type Harness } from '../../support/orchestratorHarness';

// The orchestrator's own writes of spectask.json reach the views once, when they are made; the watcher
// recognises them by content hash and does not report them again. Real repository, store, watcher and git.
describe('fleet store: own writes are not echoed', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  const watcherOf = (harness: Harness) =>
    (harness.orchestrator as unknown as { deps: { watcher: DesignDocsWatcher } }).deps.watcher;

  /** Until the watcher saw the files as they are now (its file events arrive a little after a write). */
  async function quiet(watcher: DesignDocsWatcher): Promise<void> {
    await new Promise((r) => setTimeout(r, 400));
    await watcher.settle();
    await new Promise((r) => setTimeout(r, 50));
  }

  /** Counts the store's notifications and the watcher's reports of spectask.json while `act` runs and settles. */
  async function observe(harness: Harness, act: () => Promise<void>) {
    const watcher = watcherOf(harness);
    await quiet(watcher);
    const changes: number[] = [];
    const reports: DesignDocsEvent[] = [];
    const a = harness.orchestrator.onDidChange((rev) => changes.push(rev));
    const b = watcher.onDidChange(
      (e) => e.kind === 'documentChanged' && e.document === 'spectask.json' && reports.push(e),
    );
    try {
      await act();
      await quiet(watcher);
    } finally {
      a.dispose();
      b.dispose();
    }
    return { changes, reports };
  }

  it('a write by the orchestrator produces exactly one change', async () => {
    h = await makeHarness(async () => undefined);
    const id = await h.orchestrator.create({ title: 'Echo' });
    const { changes, reports } = await observe(h, () => h!.orchestrator.archive(id));
    assert.equal(h.orchestrator.task(id)!.status, 'archived');
    assert.deepEqual(reports, [], 'the watcher did not report the write again');
    assert.equal(changes.length, 1, `one change, got revs ${changes.join(', ')}`);
  });

  it('a write by someone else (another process, a pull) is reported and shown, once', async () => {
    h = await makeHarness(async () => undefined);
    const id = await h.orchestrator.create({ title: 'Elsewhere' });
    const file = path.join(h.orchestrator.task(id)!.path, 'spectask.json');
    const { changes, reports } = await observe(h, async () => {
      const record = JSON.parse(fs.readFileSync(file, 'utf8'));
      record.title = 'Renamed elsewhere';
      fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    });
    assert.equal(reports.length, 1);
    assert.equal(h.orchestrator.task(id)!.title, 'Renamed elsewhere');
    assert.equal(changes.length, 1, `one change, got revs ${changes.join(', ')}`);
  });
});
