import * as assert from 'node:assert/strict';
import type { FleetAgentCard } from '../../src/protocol/fleet';
import type { HostToWebview } from '../../src/protocol/messages';
import { SnapshotScheduler } from '../../src/vscode/fleet/snapshotScheduler';
import { checklist, makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

/**
 * The host's scheduler and the real page, joined as VS Code joins them (issue 24): complete snapshots on ready and
 * on resync, per-card deltas in between; the page asks for a complete snapshot when a delta's base is missing.
 */
describe('dashboard: versioned snapshots and per-card deltas (real Chromium)', function () {
  this.timeout(60_000);
  const pages = dashboardSession();
  let scheduler: SnapshotScheduler | undefined;
  afterEach(() => scheduler?.dispose());

  const implementing = (i: number, done: number): FleetAgentCard =>
    makeCard(i, { phase: 'implementing', items: checklist(8, done) });

  async function joined(d: DashboardPage) {
    const cards = new Map([0, 1, 2].map((i) => [i, implementing(i, 1)]));
    const sent: HostToWebview[] = [];
    let dropNext = false;
    let delivery = Promise.resolve();
    scheduler = new SnapshotScheduler(
      () => snapshotOf([...cards.values()]),
      (m) => {
        sent.push(m);
        if (dropNext) dropNext = false;
        else delivery = delivery.then(() => d.send(m));
      },
      () => true,
      1,
    );
    const [ready] = await d.posted();
    assert.ok(ready.type === 'webview/ready');
    scheduler.onReady(ready.deltas === true);
    const shows = (i: number, done: number) =>
      d.page.waitForFunction(
        ([id, n]: [string, string]) => document.querySelector(`article.card[data-task-id="${id}"]`)?.dataset.done === n,
        [`task-${i}`, String(done)] as [string, string],
      );
    return {
      cards,
      sent,
      shows,
      dropOne: () => (dropNext = true),
      tick: async (i: number, done: number) => {
        cards.set(i, implementing(i, done));
        scheduler!.onChange();
        await new Promise((r) => setTimeout(r, 30));
        await delivery;
      },
    };
  }

  it('says it takes deltas, and shows a tick sent as a delta of one card', async () => {
    const d = await pages.open();
    const j = await joined(d);
    await j.shows(0, 1);
    await j.tick(1, 3);
    await j.shows(1, 3);
    const last = j.sent.at(-1)!;
    assert.equal(last.type, 'fleet/delta');
    assert.deepEqual(last.type === 'fleet/delta' && last.delta.cards.map((c) => c.taskId), ['task-1']);
    assert.equal(await d.page.locator('article.card').count(), 3);
  });

  it('asks for a complete snapshot when a delta went missing, and catches up from it', async () => {
    const d = await pages.open();
    const j = await joined(d);
    await j.shows(0, 1);
    j.dropOne();
    await j.tick(0, 2); // lost on the way
    await j.tick(2, 4); // based on the lost one: not applied
    const asked = async () => (await d.posted()).filter((m) => m.type === 'webview/resync').length;
    await d.page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'webview/resync'));
    assert.equal(await asked(), 1);
    assert.equal(
      await d.page.locator('article.card[data-task-id="task-2"]').getAttribute('data-done'),
      '1',
      'a delta on a missing base is not applied',
    );
    scheduler!.onResync(); // what the controller does with the page's request
    await j.shows(0, 2);
    await j.shows(2, 4);
    assert.equal(j.sent.at(-1)!.type, 'fleet/snapshot');
    await j.tick(1, 5);
    await j.shows(1, 5);
    assert.equal(await asked(), 1);
  });
});
