import * as assert from 'node:assert/strict';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// The functions passed to page.evaluate run in the page, where `document` is the browser's global.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

// "Message the agent…" on a card (issue 20): offered while a run is live; it posts the intent, the host asks.
describe('fleet dashboard: "Message the agent…" on a card (real Chromium, production CSP)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  it('is offered only on a card with a live run here (not on a worker), and posts the intent by mouse and by keyboard', async () => {
    d = await pages.open({});
    const live = makeCard(0, { phase: 'implementing', runLive: true, startedAt: Date.now() - 5000 });
    const idle = makeCard(1, { phase: 'implementing', runLive: false });
    const remote = makeCard(2, {
      phase: 'implementing',
      runLive: true,
      worker: { name: 'build-7:4242', startedAt: new Date().toISOString() },
    });
    await d.snapshot(1, snapshotOf([live, idle, remote]));
    const button = d.page.locator(`article[data-task-id="${live.taskId}"] vscode-button[data-action="messageAgent"]`);
    assert.equal(await button.count(), 1);
    assert.equal(
      await d.page.locator(`article[data-task-id="${idle.taskId}"] vscode-button[data-action="messageAgent"]`).count(),
      0,
    );
    assert.equal(
      await d.page
        .locator(`article[data-task-id="${remote.taskId}"] vscode-button[data-action="messageAgent"]`)
        .count(),
      0,
      "a worker's run is not messaged from this window",
    );
    assert.match((await button.getAttribute('aria-label')) ?? '', /^Message the agent of SpecTask .+…$/);
    await button.click();
    assert.deepEqual((await d.posted()).at(-1), { type: 'agent/message', taskId: live.taskId });
    // Keyboard: the button takes focus and Enter posts the same intent.
    const before = (await d.posted()).length;
    await button.focus();
    assert.equal(await d.page.evaluate(() => document.activeElement?.getAttribute('data-action')), 'messageAgent');
    await d.page.keyboard.press('Enter');
    const posted = await d.posted();
    assert.equal(posted.length, before + 1);
    assert.deepEqual(posted.at(-1), { type: 'agent/message', taskId: live.taskId });
  });
});
