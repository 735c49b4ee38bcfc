import * as assert from 'node:assert/strict';
import { makeSnapshot } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

// Issue 22, item 18: the card list is one tab stop; arrows move between cards, Enter opens one, Tab reaches the
// focused card's actions.
describe('dashboard keyboard: roving focus over the cards (real Chromium)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  const focused = () =>
    d!.page.evaluate(() => {
      const e = document.activeElement;
      const card = e?.closest('article.card');
      return { tag: e?.tagName.toLowerCase(), card: card?.getAttribute('data-task-id'), self: e === card };
    });
  /** The cards' ids in the order they are drawn. */
  const order = () =>
    d!.page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')!));

  it('is one tab stop: Tab enters at one card, Tab again reaches its actions, then leaves the list', async () => {
    d = await pages.open({ width: 1100 });
    await d.snapshot(1, makeSnapshot(8));
    const ids = await order();
    const tabbable = await d.page.evaluate(() =>
      [...document.querySelectorAll('.fleet-grid *')]
        .filter((e: any) => e.tabIndex >= 0)
        .map((e: any) => e.closest('article.card').getAttribute('data-task-id')),
    );
    assert.ok(tabbable.length >= 2, `the card and its buttons: ${JSON.stringify(tabbable)}`);
    assert.deepEqual([...new Set(tabbable)], [ids[0]], 'only the first card and its own controls are tabbable');
    await d.page.locator('vscode-single-select.filter-backend').focus();
    await d.page.keyboard.press('Tab');
    assert.deepEqual(await focused(), { tag: 'article', card: ids[0], self: true });
    await d.page.keyboard.press('Tab');
    const first = await focused();
    assert.equal(first.tag, 'vscode-button');
    assert.equal(first.card, ids[0], "Tab from a card reaches that card's actions");
    // Through its buttons and out: never into another card.
    for (let i = 0; i < 6; i++) {
      await d.page.keyboard.press('Tab');
      const f = await focused();
      assert.ok(f.card === undefined || f.card === ids[0], `Tab reached another card: ${JSON.stringify(f)}`);
    }
    assert.match(
      (await d.page
        .locator(`#${await d.page.locator('article.card').first().getAttribute('aria-describedby')}`)
        .textContent())!,
      /Arrow keys move between cards, Enter opens/,
    );
  });

  it('moves between cards with the arrows, Home and End, and keeps the tab stop where it went', async () => {
    d = await pages.open({ width: 1100 });
    await d.snapshot(1, makeSnapshot(8));
    const ids = await order();
    const columns = await d.page.evaluate(
      () =>
        new Set(
          [...document.querySelectorAll('.fleet-cell')].map((c: any) => Math.round(c.getBoundingClientRect().left)),
        ).size,
    );
    assert.ok(columns >= 2, `several columns: ${columns}`);
    await d.page.locator('article.card').first().focus();
    await d.page.keyboard.press('ArrowRight');
    assert.equal((await focused()).card, ids[1]);
    await d.page.keyboard.press('ArrowDown');
    assert.equal((await focused()).card, ids[1 + columns], 'Down keeps the column');
    await d.page.keyboard.press('ArrowUp');
    await d.page.keyboard.press('ArrowLeft');
    assert.equal((await focused()).card, ids[0]);
    await d.page.keyboard.press('End');
    assert.deepEqual(await focused(), { tag: 'article', card: ids[7], self: true });
    await d.page.keyboard.press('Home');
    assert.equal((await focused()).card, ids[0]);
    await d.page.keyboard.press('ArrowLeft'); // at the edge: stays
    assert.equal((await focused()).card, ids[0]);
    await d.page.keyboard.press('End');
    // The tab stop follows: leaving the list and coming back lands on the card last focused.
    await d.page.locator('vscode-single-select.filter-backend').focus();
    await d.page.keyboard.press('Tab');
    assert.equal((await focused()).card, ids[7]);
    await d.screenshot('webview-keyboard-focus-dark');
  });

  it('opens a card with Enter: its review when one waits, its documents otherwise', async () => {
    d = await pages.open({ width: 1100 });
    await d.snapshot(1, makeSnapshot(8));
    const ids = await order();
    const phases = await d.page.locator('article.card .phase-chip').allInnerTexts();
    await d.page.locator('article.card').first().focus();
    await d.page.keyboard.press('Enter');
    assert.match(phases[0], /^(Spec|Code) review$/, 'cards waiting on a person come first');
    assert.deepEqual((await d.posted()).at(-1), { type: 'task/action', taskId: ids[0], action: 'review' });
    const working = phases.indexOf('Implementing');
    await d.page.locator('article.card').nth(working).focus();
    await d.page.keyboard.press('Enter');
    assert.deepEqual((await d.posted()).at(-1), { type: 'task/action', taskId: ids[working], action: 'openDocs' });
  });
});
