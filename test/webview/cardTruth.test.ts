import * as assert from 'node:assert/strict';
import { checklist, FIXED_NOW, makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage, OpenOptions } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(e: unknown): any;

// Issue 22, items 6 and 7: a card tells the truth about its run — what is in progress and what is only next,
// no current item or activity without a live run, a clock that stops with the agent, where the work landed.
describe('dashboard cards tell the truth about the run (real Chromium)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;
  const open = async (o: OpenOptions = {}) => (d = await pages.open(o));
  const card = (id: string) => d!.page.locator(`article.card[data-task-id="${id}"]`);

  it('draws the item in progress ([~]) unlike the next one ([ ])', async () => {
    await open({ width: 900 });
    const doing = makeCard(0, { phase: 'implementing', items: checklist(8, 4, true) });
    const next = makeCard(2, { phase: 'implementing', items: checklist(8, 4, false) });
    await d!.snapshot(1, snapshotOf([doing, next]));
    const look = (id: string) =>
      card(id)
        .locator('.task-item[aria-current=step]')
        .evaluate((e) => ({
          cls: e.className,
          icon: e.querySelector('.task-icon').className,
          words: e.querySelector('.visually-hidden').textContent,
          background: getComputedStyle(e).backgroundColor,
          outline: getComputedStyle(e).outlineStyle,
        }));
    const a = await look('task-0');
    const b = await look('task-2');
    assert.match(a.cls, /\bcurrent\b.*\bdoing\b/);
    assert.match(b.cls, /\bcurrent\b.*\btodo\b/);
    assert.match(a.icon, /codicon-play-circle/);
    assert.match(b.icon, /codicon-arrow-right/);
    assert.match(a.words, /in progress/);
    assert.match(b.words, /next/);
    assert.notEqual(a.background, b.background, 'in progress is filled, next is not');
    assert.equal(b.outline, 'dashed');
    await d!.screenshot('webview-in-progress-vs-next-dark');
  });

  it('pulses twice when the next item becomes in progress, and not at all with reduced motion', async () => {
    for (const reducedMotion of [false, true]) {
      await open({ reducedMotion });
      await d!.snapshot(1, snapshotOf([makeCard(0, { phase: 'implementing', items: checklist(8, 4, false) })]));
      await d!.snapshot(2, snapshotOf([makeCard(0, { phase: 'implementing', items: checklist(8, 4, true) })]));
      const pulses = await d!.page
        .locator('.task-item[aria-current=step]')
        .evaluate((e) => e.getAnimations().map((x: any) => x.effect.getTiming().iterations));
      assert.deepEqual(pulses, reducedMotion ? [] : [2], `reducedMotion: ${reducedMotion}`);
      await d!.close();
      d = undefined;
    }
  });

  it('shows no current item and no activity line on a card without a live run', async () => {
    await open();
    const idle = makeCard(3, {
      phase: 'spec_review',
      runLive: false,
      items: checklist(8, 4, false),
      lastActivity: 'Edit src/old-run.ts',
    });
    const stopped = makeCard(0, { phase: 'implementing', runLive: false, items: checklist(8, 4, true) });
    await d!.snapshot(1, snapshotOf([idle, stopped]));
    for (const id of ['task-3', 'task-0']) {
      assert.equal(await card(id).locator('.task-item.current, [aria-current]').count(), 0, `${id}: a current item`);
      assert.equal(await card(id).locator('.card-activity').count(), 0, `${id}: an activity line`);
      assert.ok((await card(id).locator('.task-item').count()) > 0, 'the checklist window is still shown');
    }
  });

  it('stops the clock when the agent stops: "took 1m 03s" while a live card keeps counting', async () => {
    await open();
    const startedAt = FIXED_NOW - 20 * 60_000;
    const ended = makeCard(7, { phase: 'done', runLive: false, startedAt, endedAt: startedAt + 63_000 });
    const live = makeCard(0, { phase: 'implementing', runLive: true, startedAt: Date.now() - 5_000 });
    await d!.snapshot(1, snapshotOf([ended, live]));
    const took = card('task-7').locator('.card-elapsed');
    assert.equal(await took.innerText(), 'took 1m 03s');
    const counting = card('task-0').locator('.card-elapsed');
    const before = await counting.innerText();
    // The page's clock ticks (the live card counts on); the ended run's time does not move with it.
    await d!.page.waitForFunction(
      (t) => document.querySelector('article[data-task-id="task-0"] .card-elapsed')?.textContent !== t,
      before,
      { timeout: 5000 },
    );
    assert.equal(await took.innerText(), 'took 1m 03s');
    // A run that ended at an unknown time shows no time at all rather than one that keeps growing.
    await d!.snapshot(2, snapshotOf([makeCard(7, { phase: 'done', runLive: false, startedAt }), live]));
    assert.equal(await card('task-7').locator('.card-elapsed').count(), 0);
  });

  it('shows where a Done SpecTask landed: its merge commit, or its pull request opened through the host', async () => {
    await open();
    const merged = makeCard(7, { phase: 'done', landedCommit: '3f2a9c1' });
    const pr = makeCard(15, { phase: 'done', pullRequestUrl: 'https://github.com/acme/app/pull/42' });
    await d!.snapshot(1, snapshotOf([merged, pr]));
    assert.equal((await card('task-7').locator('.card-landed').innerText()).trim(), 'Merged as 3f2a9c1');
    await card('task-15').getByRole('link', { name: 'Pull request' }).click();
    assert.deepEqual((await d!.posted()).at(-1), { type: 'link/open', href: 'https://github.com/acme/app/pull/42' });
    await d!.screenshot('webview-done-landed-dark');
  });

  it("updates a live card's tokens and cost with each snapshot while its agent works", async () => {
    await open();
    const live = (tokens: number, costUsd?: number) =>
      snapshotOf([makeCard(0, { phase: 'implementing', runLive: true, tokens, costUsd })]);
    await d!.snapshot(1, live(1200));
    const usage = card('task-0').locator('.card-usage');
    assert.equal(await usage.textContent(), '1.2k tokens');
    await d!.snapshot(2, live(3400, 0.05));
    assert.equal(await usage.textContent(), '3.4k tokens · $0.05');
  });
});
