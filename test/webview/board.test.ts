import * as assert from 'node:assert/strict';
import type { FleetAgentCard } from '../../src/protocol/fleet';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import { boardColumnOf, boardMovesOf } from '../../src/core/orchestrator/fleetCardFacts';
import { fleetPhaseOf } from '../../src/core/orchestrator/fleetView';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

/** A card as the host builds it for a SpecTask in `status`: phase, Board column and moves from the status table. */
const cardIn = (i: number, status: SpecTaskStatus, over: Partial<FleetAgentCard> = {}): FleetAgentCard =>
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
});
