import * as assert from 'node:assert/strict';
import type { FleetAgentCard } from '../../src/protocol/fleet';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import { boardColumnOf, boardMovesOf } from '../../src/core/orchestrator/fleetCardFacts';
import { fleetPhaseOf } from '../../src/core/orchestrator/fleetView';
import { checklist, makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';
import { BOARD_ROW_PX } from '../../webview/boardWindow';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any, getComputedStyle: any;

/** A card as the host builds it for a SpecTask in `status`: phase, Board column and moves from the status table. */
const cardIn = (i: number, status: SpecTaskStatus, over: Parameters<typeof makeCard>[1] = {}): FleetAgentCard =>
  makeCard(i, { phase: fleetPhaseOf(status), column: boardColumnOf(status), moves: boardMovesOf(status), ...over });

const STATUSES: SpecTaskStatus[] = [
  'backlog',
  'spec_generation',
  'spec_review',
  'implementation',
  'implementation_review',
  'queued_integration',
  'done',
  'implementation_failed',
  'queued_implementation',
];

// Issue 22, "Beyond the report": the Board layout, its moves by keyboard and drag, and a large fleet.
describe('dashboard Board layout (real Chromium)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  const openBoard = async (cards: FleetAgentCard[], width = 1900) => {
    d = await pages.open({ width, height: 900 });
    await d.snapshot(1, snapshotOf(cards));
    await d.page.getByRole('button', { name: 'Board' }).click();
    await d.page.locator('.board').waitFor();
    return d;
  };
  const columnOfCard = (id: string) =>
    d!.page.locator(`article.card[data-task-id="${id}"]`).evaluate((e) => e.closest('.board-column').dataset.column);
  const lastPosted = async () => (await d!.posted()).at(-1);
  const notice = () => d!.page.locator('.board-notice').innerText();

  it('shows the steps as columns, each card in the column of its status, and remembers the layout', async () => {
    await openBoard(STATUSES.map((s, i) => cardIn(i, s)));
    const heads = await d!.page.locator('.board-column-head').allInnerTexts();
    assert.deepEqual(
      heads.map((h) => h.replace(/\s+/g, ' ').trim()),
      ['Backlog 1', 'Planning 1', 'Spec review 1', 'Implementing 3', 'Code review 1', 'Integrating 1', 'Done 1'],
    );
    assert.equal(await columnOfCard('task-7'), 'implementing', 'a failed implementation sits in Implementing');
    assert.equal(await columnOfCard('task-8'), 'implementing', 'a queued one too');
    assert.equal(await d!.page.getByRole('button', { name: 'Board' }).getAttribute('aria-pressed'), 'true');
    assert.equal((await d!.page.evaluate(() => window.__state)).layout, 'board');
    await d!.screenshot('webview-board-dark');
  });

  it('moves a card by keyboard through the legal transition, and refuses any other with the reason', async () => {
    await openBoard(STATUSES.map((s, i) => cardIn(i, s)));
    const review = d!.page.locator('article.card[data-task-id="task-2"]');
    await review.focus();
    await d!.page.keyboard.press('Control+ArrowRight');
    assert.deepEqual(await lastPosted(), { type: 'task/move', taskId: 'task-2', move: 'approve' });
    assert.match(await notice(), /Approve spec: #000043/);
    // Working: only its agent moves it on. Nothing is posted; the reason names what is allowed.
    const before = (await d!.posted()).length;
    await d!.page.locator('article.card[data-task-id="task-3"]').focus();
    await d!.page.keyboard.press('Control+ArrowRight');
    assert.equal((await d!.posted()).length, before, 'an illegal move posts nothing');
    assert.equal(
      await notice(),
      '#000044 cannot move from Implementing to Code review. From here you can: Archive (to the archive).',
    );
    assert.equal(await d!.page.locator('.board-notice').getAttribute('role'), 'status');
    await d!.page.keyboard.press('Control+Delete');
    assert.deepEqual(await lastPosted(), { type: 'task/move', taskId: 'task-3', move: 'archive' });
    // A failed card moved forward is retried; Start from the Backlog; Accept from Code review.
    for (const [id, move] of [
      ['task-7', 'retry'],
      ['task-0', 'start'],
      ['task-4', 'accept'],
    ] as const) {
      await d!.page.locator(`article.card[data-task-id="${id}"]`).focus();
      await d!.page.keyboard.press('Control+ArrowRight');
      assert.deepEqual(await lastPosted(), { type: 'task/move', taskId: id, move });
    }
    // Done cannot be moved back by hand.
    await d!.page.locator('article.card[data-task-id="task-6"]').focus();
    await d!.page.keyboard.press('Control+ArrowLeft');
    assert.match(await notice(), /#000047 cannot move from Done to Integrating\. Nothing moves it by hand/);
    await d!.screenshot('webview-board-refused-dark');
  });

  it('moves a card by drag and drop, refusing an illegal drop with the reason', async () => {
    await openBoard(STATUSES.map((s, i) => cardIn(i, s)));
    await d!.page.dragAndDrop(
      'article.card[data-task-id="task-0"]',
      '.board-column[data-column="planning"] .board-scroll',
    );
    assert.deepEqual(await lastPosted(), { type: 'task/move', taskId: 'task-0', move: 'start' });
    const before = (await d!.posted()).length;
    await d!.page.dragAndDrop('article.card[data-task-id="task-2"]', '.board-column[data-column="done"] .board-scroll');
    assert.equal((await d!.posted()).length, before);
    assert.match(await notice(), /#000043 cannot move from Spec review to Done\. From here you can: Approve spec/);
    await d!.page.dragAndDrop('article.card[data-task-id="task-2"]', '.board-archive');
    assert.deepEqual(await lastPosted(), { type: 'task/move', taskId: 'task-2', move: 'archive' });
  });

  it('draws only the cards in view with 200 SpecTasks, and the keyboard still reaches every one', async () => {
    const statuses: SpecTaskStatus[] = ['backlog', 'implementation', 'done'];
    const cards = Array.from({ length: 200 }, (_, i) => cardIn(i, statuses[i % 3]));
    await openBoard(cards);
    const drawn = await d!.page.locator('article.card').count();
    assert.ok(drawn < 60, `only what is on screen is drawn: ${drawn} of 200`);
    // Arrows walk down a column past what was drawn; End goes to its last card, drawn on demand.
    const first = d!.page.locator('.board-column[data-column="backlog"] article.card').first();
    await first.focus();
    await d!.page.keyboard.press('End');
    const last = cards.filter((c) => c.column === 'backlog').at(-1)!;
    assert.equal(await d!.page.evaluate(() => document.activeElement?.getAttribute('data-task-id')), last.taskId);
    const scrolled = await d!.page
      .locator('.board-column[data-column="backlog"] .board-scroll')
      .evaluate((e) => e.scrollTop);
    assert.ok(scrolled > 0, 'the column scrolled to it');
    await d!.page.keyboard.press('ArrowUp');
    assert.equal(
      await d!.page.evaluate(() => document.activeElement?.getAttribute('data-task-id')),
      cards.filter((c) => c.column === 'backlog').at(-2)!.taskId,
    );
    assert.ok((await d!.page.locator('article.card').count()) < 60);
    await d!.screenshot('webview-board-200-dark');
  });
  it('draws the cards in view of a scrolled column and one more each side, and arrows reach every card in turn', async () => {
    const cards = Array.from({ length: 120 }, (_, i) => cardIn(i, i % 2 ? 'backlog' : 'done'));
    await openBoard(cards, 1280);
    const column = '.board-column[data-column="backlog"]';
    const backlog = cards.filter((c) => c.column === 'backlog').map((c) => c.taskId);
    const drawnIds = () =>
      d!.page.locator(`${column} article.card`).evaluateAll((els) => els.map((e: any) => e.dataset.taskId));
    // Scrolled to its middle, the column draws the cards now in view (the frame after the scroll).
    const scroller = d!.page.locator(`${column} .board-scroll`);
    const view = await scroller.evaluate(
      (e, top) => {
        e.scrollTop = top;
        return { top: e.scrollTop, height: e.clientHeight };
      },
      30 * BOARD_ROW_PX + 40,
    );
    const first = Math.floor(view.top / BOARD_ROW_PX);
    const last = Math.ceil((view.top + view.height) / BOARD_ROW_PX) - 1;
    await d!.page.waitForFunction(
      (id) => document.querySelector(`article.card[data-task-id="${id}"]`) !== null,
      backlog[last],
    );
    const drawn = await drawnIds();
    for (let i = first; i <= last; i++) assert.ok(drawn.includes(backlog[i]), `card ${i} in view is drawn`);
    // What is drawn: the rows in view, one more each side, and the active card (the first) wherever it is.
    assert.ok(drawn.length <= last - first + 1 + 2 + 1, `${drawn.length} drawn for ${last - first + 1} rows in view`);
    const inView = await d!.page.locator(`article.card[data-task-id="${backlog[first + 1]}"]`).boundingBox();
    const box = (await scroller.boundingBox())!;
    assert.ok(inView && inView.y >= box.y && inView.y + inView.height <= box.y + box.height, 'drawn where it shows');
    // Down the whole column by arrow: each card in turn takes the focus, drawn as it is reached.
    await scroller.evaluate((e) => (e.scrollTop = 0));
    await d!.page.locator(`article.card[data-task-id="${backlog[0]}"]`).focus();
    const reached = [backlog[0]];
    for (let i = 1; i < backlog.length; i++) {
      await d!.page.keyboard.press('ArrowDown');
      reached.push(await d!.page.evaluate(() => document.activeElement?.getAttribute('data-task-id')));
    }
    assert.deepEqual(reached, backlog, 'focus moved through every card of the column in order');
    assert.ok((await drawnIds()).length <= last - first + 1 + 2 + 1, 'still only a window is drawn');
  });

  it('lets progress bars jump instead of easing while the fleet ticks faster than a person can follow', async () => {
    const fleet = (tick: number) =>
      snapshotOf(
        Array.from({ length: 8 }, (_, i) =>
          cardIn(i, 'implementation', { runLive: true, items: checklist(30, (tick + i) % 29) }),
        ),
      );
    await openBoard(fleet(0).cards, 1280);
    const bar = d!.page.locator('.board-card .progress-fill').first();
    assert.notEqual(await bar.evaluate((e) => getComputedStyle(e).transitionDuration), '0s', 'calm: bars ease');
    for (let tick = 1; tick <= 4; tick++) await d!.snapshot(1 + tick, fleet(tick)); // 8 bars move each time
    assert.equal(
      await d!.page.evaluate(() => document.documentElement.hasAttribute('data-motion-flood')),
      true,
      'the page should be calm',
    );
    assert.equal(await bar.evaluate((e) => getComputedStyle(e).transitionDuration), '0s', 'progress bars jump');
  });
});
