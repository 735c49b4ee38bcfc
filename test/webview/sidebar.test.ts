import * as assert from 'node:assert/strict';
import { makeSnapshot } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

// Issue 22, item 17 (first half): the sidebar's Fleet view is a compact list, not the dashboard in a cramped column.
describe('sidebar Fleet view: a compact list (real Chromium)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  it('shows a short row per SpecTask with its main action, one tab stop, and opens the whole dashboard', async () => {
    d = await pages.open({ width: 300, height: 700, surface: 'view' });
    await d.snapshot(1, makeSnapshot(8));
    assert.equal(await d.page.locator('article.compact-card').count(), 8);
    assert.equal(await d.page.locator('.fleet-grid, .filter-bar, .layout-toggle, .task-list').count(), 0);
    const heights = await d.page
      .locator('article.compact-card')
      .evaluateAll((els) => els.map((e: any) => e.getBoundingClientRect().height));
    assert.ok(Math.max(...heights) < 70, `rows are two short lines: ${JSON.stringify(heights)}`);
    assert.ok(
      (await d.page.evaluate(() => document.documentElement.scrollWidth)) <= 300,
      'nothing overflows the sidebar',
    );
    const first = d.page.locator('article.compact-card').first();
    const id = await first.getAttribute('data-task-id');
    await first.focus();
    await d.page.keyboard.press('ArrowDown');
    const second = await d.page.locator('article.compact-card').nth(1).getAttribute('data-task-id');
    assert.equal(await d.page.evaluate(() => document.activeElement?.getAttribute('data-task-id')), second);
    await d.page.keyboard.press('ArrowUp');
    await d.page.keyboard.press('Tab');
    const action = await d.page.evaluate(() => ({
      action: document.activeElement?.getAttribute('data-action'),
      card: document.activeElement?.closest('article')?.getAttribute('data-task-id'),
    }));
    assert.deepEqual(action, { action: 'review', card: id }, "Tab reaches the row's own action");
    await d.page.keyboard.press('Enter');
    assert.deepEqual((await d.posted()).at(-1), { type: 'task/action', taskId: id, action: 'review' });
    await d.page.getByRole('button', { name: 'Open Fleet Dashboard' }).click();
    assert.deepEqual((await d.posted()).at(-1), { type: 'command/run', command: 'spectask.fleet.open' });
    await d.screenshot('webview-sidebar-compact-dark');
  });
});
