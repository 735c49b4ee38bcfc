import * as assert from 'node:assert/strict';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

// Issue 22, "at fleet scale": the Agents grid draws only the cards in view, and the keyboard still reaches every
// card (a card far down is drawn and scrolled into view when the arrows get there).
describe('Agents grid: only the cards in view are drawn (real Chromium)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;
  const fleet = (n: number) =>
    snapshotOf(Array.from({ length: n }, (_, i) => makeCard(i, { phase: 'implementing', title: `Task ${i}` })));
  const drawnIds = () =>
    d!.page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')!));
  const focused = () => d!.page.evaluate(() => document.activeElement?.closest('article.card')?.dataset.taskId);
  const inView = (id: string) =>
    d!.page.evaluate((taskId) => {
      const r = document.querySelector(`article.card[data-task-id="${taskId}"]`)?.getBoundingClientRect();
      return !!r && r.top >= -1 && r.bottom <= window.innerHeight + 1; // card heights are fractional
    }, id);
  // A card reached far away is scrolled to where the rows above it were only estimated; the rows drawn on the way
  // are measured a frame later and the grid scrolls it back into view (AgentsGrid's reveal). Wait for that to settle
  // (CI once looked a frame early), and fail if the card never ends up in view.
  const settlesInView = async (id: string) => {
    await d!.page
      .waitForFunction(
        (taskId) => {
          const r = document.querySelector(`article.card[data-task-id="${taskId}"]`)?.getBoundingClientRect();
          return !!r && r.top >= -1 && r.bottom <= window.innerHeight + 1; // card heights are fractional
        },
        id,
        { timeout: 5_000 },
      )
      .catch(() => undefined);
    return inView(id);
  };

  it('draws a few rows of 200 cards, keeps the page as long as all of them, and draws others as it scrolls', async () => {
    d = await pages.open({ width: 1280, height: 900 });
    await d.snapshot(1, fleet(200));
    const first = await drawnIds();
    assert.ok(first.includes('task-0'));
    assert.ok(first.length >= 8 && first.length <= 40, `drawn: ${first.length}`);
    assert.equal(await d.page.locator('.fleet-cell').first().getAttribute('aria-setsize'), '200');
    const tall = await d.page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(tall > 40 * 200, `the page keeps the length of 50 rows: ${tall}`);
    // To the end, again until the page's length holds: rows drawn for the first time are measured as they come.
    await d.page.waitForFunction(
      () => {
        const end = document.documentElement.scrollHeight - window.innerHeight;
        if (Math.abs(window.scrollY - end) < 1 && document.querySelector('article.card[data-task-id="task-199"]'))
          return true;
        window.scrollTo(0, end);
        return false;
      },
      undefined,
      { polling: 100 },
    );
    const last = await drawnIds();
    assert.ok(!last.includes('task-5'), 'the top rows are gone once scrolled away (the first card holds the tab stop)');
    assert.ok(last.length <= 40, `drawn: ${last.length}`);
    assert.ok(await inView('task-199'));
    await d.screenshot('webview-virtual-grid-bottom-dark');
  });

  it('reaches a card far down with the arrows and End, drawn and scrolled into view, and back with Home', async () => {
    d = await pages.open({ width: 1280, height: 900 });
    await d.snapshot(1, fleet(200));
    await d.page.locator('article.card[data-task-id="task-0"]').focus();
    await d.page.keyboard.press('End');
    await d.page.waitForFunction(() => document.activeElement?.closest('article.card')?.dataset.taskId === 'task-199');
    assert.ok(await settlesInView('task-199'), 'End scrolls the last card into view');
    assert.ok(!(await drawnIds()).includes('task-20'), 'the rows in between are not drawn');
    await d.page.keyboard.press('Home');
    await d.page.waitForFunction(() => document.activeElement?.closest('article.card')?.dataset.taskId === 'task-0');
    // Down, row by row, past every row drawn at first.
    for (let i = 0; i < 12; i++) await d.page.keyboard.press('ArrowDown');
    const perRow = await d.page.evaluate(
      () =>
        new Set(
          [...document.querySelectorAll('.fleet-cell')].map((c: any) => Math.round(c.getBoundingClientRect().left)),
        ).size,
    );
    assert.equal(await focused(), `task-${12 * perRow}`);
    assert.ok(await settlesInView(`task-${12 * perRow}`));
  });

  it('keeps the card End reached in view while the rows above it grow, until the person scrolls themselves', async () => {
    d = await pages.open({ width: 1280, height: 900 });
    await d.snapshot(1, fleet(200));
    await d.page.locator('article.card[data-task-id="task-0"]').focus();
    await d.page.keyboard.press('End');
    await d.page.waitForFunction(() => document.activeElement?.closest('article.card')?.dataset.taskId === 'task-199');
    assert.ok(await settlesInView('task-199'));
    // Longer than the one second the grid used to keep it in view: the rows above still change after that (a
    // loaded machine measures late; a snapshot makes cards taller).
    await d.page.waitForTimeout(1500);
    const taller = (rev: number) =>
      snapshotOf(
        Array.from({ length: 200 }, (_, i) =>
          makeCard(i, {
            phase: 'implementing',
            title: i >= 170 && i < 199 ? `Task ${i} ${'long words '.repeat(rev * 12)}` : `Task ${i}`,
          }),
        ),
      );
    await d.snapshot(2, taller(2));
    assert.ok(await settlesInView('task-199'), 'the focused card is kept in view as the rows above it grow');
    await d.page.mouse.move(600, 400);
    await d.page.mouse.wheel(0, -4000);
    await d.page.waitForFunction(
      () => window.scrollY < document.documentElement.scrollHeight - window.innerHeight - 2000,
    );
    await d.snapshot(3, taller(3));
    await d.page.waitForTimeout(300);
    assert.ok(!(await inView('task-199')), 'once the person scrolled, the page is not pulled back to the focus');
  });

  it('keeps the focused card drawn when the page is scrolled away from it', async () => {
    d = await pages.open({ width: 1280, height: 900 });
    await d.snapshot(1, fleet(200));
    await d.page.locator('article.card[data-task-id="task-1"]').focus();
    await d.page.evaluate(() => window.scrollTo(0, 20_000));
    await d.page.waitForFunction(() => !document.querySelector('article.card[data-task-id="task-10"]'));
    assert.equal(await focused(), 'task-1', 'the focus stays on its card');
    assert.equal(await d.page.locator('article.card[tabindex="0"]').getAttribute('data-task-id'), 'task-1');
  });
});
