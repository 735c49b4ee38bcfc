import * as assert from 'node:assert/strict';
import { PROTOCOL_VERSION } from '../../src/protocol/messages';
import { cardWindow } from '../../src/core/orchestrator/fleetView';
import { checklist, makeCard, makeSnapshot, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage, OpenOptions } from './support/harness';
import { THEMES, type ThemeName } from './support/themes';

// The functions passed to page.evaluate run in the page, where these are the browser's globals; the
// root tsconfig has no DOM library (src/core must not use one), so they are declared loosely here.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;
declare function getComputedStyle(e: unknown, pseudo?: string): any;
declare function requestAnimationFrame(cb: () => void): number;
type HTMLElement = any;
type CSSAnimation = any;

/** "#0078d4" / "rgba(1, 2, 3, 0.5)" → the rgb()/rgba() string getComputedStyle reports. */
function cssColor(c: string): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  return hex ? `rgb(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)})` : c;
}

const nextFrames = (d: DashboardPage) =>
  d.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

describe('fleet dashboard webview (real Chromium, production CSP)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  const open = async (o: OpenOptions = {}) => (d = await pages.open(o));

  it('answers the ready handshake with its protocol version', async () => {
    await open();
    assert.deepEqual(await d!.posted(), [{ type: 'webview/ready', protocol: PROTOCOL_VERSION, deltas: true }]);
  });

  it('explains how to start when there are no SpecTasks', async () => {
    await open();
    await d!.snapshot(1, makeSnapshot(0));
    const text = await d!.page.locator('.fleet-empty').innerText();
    assert.match(text, /No agents are working yet/);
    assert.match(text, /Create a SpecTask/);
    assert.match(await d!.page.locator('#fleet-title').innerText(), /^0 agents working$/);
    await d!.page.getByRole('button', { name: 'Refresh SpecTasks' }).click();
    assert.deepEqual((await d!.posted()).at(-1), { type: 'command/run', command: 'spectask.tasks.refresh' });
    await d!.screenshot('webview-empty-dark');
  });

  it('renders one agent with everything its card should show', async () => {
    await open();
    const card = makeCard(0);
    await d!.snapshot(1, snapshotOf([card]));
    assert.equal(await d!.page.locator('#fleet-title').innerText(), '1 agent working');
    const text = await d!.page.locator('article.card').innerText();
    for (const expected of [
      `#${card.number}`,
      card.title,
      card.backend!,
      card.agentId!,
      'Implementing',
      `${card.progress.done}/${card.progress.total}`,
      card.lastActivity!,
      'tokens',
      '$',
    ]) {
      assert.ok(text.includes(expected), `card text lacks ${JSON.stringify(expected)}:\n${text}`);
    }
    const bar = d!.page.locator('article.card [role=progressbar]');
    assert.equal(await bar.getAttribute('aria-valuenow'), String(card.progress.done));
    assert.equal(await bar.getAttribute('aria-valuemax'), String(card.progress.total));
  });

  it("names each card's back-end and the filter's options by the host's labels, keeping the id as the tooltip", async () => {
    await open();
    const labels = { 'claude-cli': 'Claude Code', codex: 'Codex CLI', constructor: 'x' };
    const cards = [
      makeCard(0, { backend: 'claude-cli' }),
      makeCard(1, { backend: 'constructor' }),
      makeCard(2, { backend: 'toString' }),
    ];
    await d!.snapshot(1, {
      ...snapshotOf(cards),
      backendLabels: { 'claude-cli': labels['claude-cli'], codex: labels.codex },
    });
    const backend = (id: string) => d!.page.locator(`article.card[data-task-id="${id}"] .card-backend`);
    assert.equal(await backend('task-0').innerText(), 'Claude Code');
    assert.equal(await backend('task-0').getAttribute('title'), 'claude-cli');
    // An id from a hostile record never reads the labels' prototype.
    assert.equal(await backend('task-1').innerText(), 'constructor');
    assert.equal(await backend('task-2').innerText(), 'toString');
    await d!.page.locator('vscode-single-select.filter-backend').click();
    const options = await d!.page
      .locator('vscode-single-select.filter-backend')
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.textContent?.trim()));
    assert.ok(options.includes('Claude Code'), JSON.stringify(options));
  });

  it('shows the integration queue: its phase with a count, the place, and why an integration bounced', async () => {
    await open();
    const queued = makeCard(0, {
      phase: 'integration',
      queueReason: 'integration queue: 1 of 1, next',
      queuePosition: 1,
    });
    const bounced = makeCard(1, { phase: 'implementing', integrationReason: 'conflicts with #000001 in src/app.js' });
    await d!.snapshot(1, snapshotOf([queued, bounced]));
    const counts = await d!.page.locator('.phase-count.phase-integration').innerText();
    assert.match(counts.replace(/\s+/g, ' '), /Integration 1/);
    const card = d!.page.locator('article.card[data-task-id="task-0"]');
    assert.equal((await card.locator('.phase-chip').innerText()).trim(), 'Integration');
    assert.match(await card.locator('.card-queue').innerText(), /integration queue: 1 of 1, next/);
    const line = d!.page.locator('article.card[data-task-id="task-1"] .card-integration');
    assert.equal(
      (await line.textContent())!.replace(/\s+/g, ' ').trim(),
      'Not integrated: conflicts with #000001 in src/app.js',
    );
    assert.equal(
      await line.getAttribute('title'),
      'Why it did not reach its base branch: conflicts with #000001 in src/app.js',
    );
    assert.equal(await card.locator('.card-integration').count(), 0, 'no setback, no line');
    await d!.screenshot('webview-integration-queue-dark');
  });

  it('says quietly why a run started again, as text a screen reader reads, with a tooltip', async () => {
    await open();
    const reason = 'retry 1 of 1 after the agent exited with code 1';
    await d!.snapshot(1, snapshotOf([makeCard(0, { restartReason: reason }), makeCard(2)]));
    const line = d!.page.locator('article.card[data-task-id="task-0"] .card-restart');
    assert.equal((await line.textContent())!.replace(/\s+/g, ' ').trim(), `Run restarted: ${reason}`);
    assert.equal(await line.getAttribute('title'), `Why the agent's run started again: ${reason}`);
    // What assistive technology gets: the words, not only an icon or a tooltip.
    assert.match(await line.ariaSnapshot(), new RegExp(`Run restarted: ${reason}`));
    const look = await d!.page.evaluate(() => {
      const style = (sel: string) => getComputedStyle(document.querySelector(sel));
      return {
        color: style('.card-restart').color,
        quiet: style('.card-activity').color,
        size: parseFloat(style('.card-restart').fontSize),
        body: parseFloat(style('.card-title').fontSize),
      };
    });
    assert.equal(look.color, look.quiet, 'the secondary colour of the activity line');
    assert.ok(look.size < look.body, `smaller than the title: ${look.size} px vs ${look.body} px`);
    assert.equal(
      await d!.page.locator('article.card[data-task-id="task-2"] .card-restart').count(),
      0,
      'a first run says nothing',
    );
    await d!.screenshot('webview-restart-reason-dark');
    await d!.snapshot(2, snapshotOf([makeCard(0), makeCard(2)]));
    assert.equal(await d!.page.locator('.card-restart').count(), 0, 'the line goes with the run');
  });

  it('renders 8 agents: counts per phase, cards waiting on a person first', async () => {
    await open();
    const snap = makeSnapshot(8);
    await d!.snapshot(1, snap);
    assert.equal(await d!.page.locator('article.card').count(), 8);
    assert.equal(await d!.page.locator('#fleet-title').innerText(), '3 agents working'); // 2 implementing + 1 planning
    const counts = await d!.page.locator('.phase-counts').innerText();
    assert.match(counts.replace(/\s+/g, ' '), /Implementing 2/);
    assert.match(counts.replace(/\s+/g, ' '), /Failed 1/);
    const phases = await d!.page.locator('article.card .phase-chip').allInnerTexts();
    assert.deepEqual(phases.slice(0, 2).sort(), ['Code review', 'Spec review']);
    await d!.screenshot('webview-8-agents-dark');
  });

  it('renders 50 agents in a responsive grid without horizontal overflow', async () => {
    await open({ width: 1280 });
    await d!.snapshot(1, makeSnapshot(50));
    // The grid draws the rows in view (virtualGrid.test.ts); the list says how many there are.
    assert.ok((await d!.page.locator('article.card').count()) < 50);
    assert.equal(await d!.page.locator('.fleet-cell').first().getAttribute('aria-setsize'), '50');
    const layout = await d!.page.evaluate(() => {
      const lefts = new Set(
        [...document.querySelectorAll('.fleet-cell')].map((c) => Math.round(c.getBoundingClientRect().left)),
      );
      return { columns: lefts.size, scroll: document.documentElement.scrollWidth, width: window.innerWidth };
    });
    assert.ok(layout.columns >= 3, `expected several columns at 1280 px, got ${layout.columns}`);
    assert.ok(layout.scroll <= layout.width, `horizontal overflow: ${layout.scroll} > ${layout.width}`);
    await d!.screenshot('webview-50-agents-dark', true);
    await d!.page.setViewportSize({ width: 300, height: 800 }); // a narrow sidebar
    const narrow = await d!.page.evaluate(() => ({
      columns: new Set(
        [...document.querySelectorAll('.fleet-cell')].map((c) => Math.round(c.getBoundingClientRect().left)),
      ).size,
      scroll: document.documentElement.scrollWidth,
    }));
    assert.equal(narrow.columns, 1);
    assert.ok(narrow.scroll <= 300, `sidebar overflow: ${narrow.scroll}`);
    await d!.screenshot('webview-sidebar-narrow-dark');
  });

  it('highlights the current item and fades the items around it', async () => {
    await open();
    const items = checklist(8, 4); // 0-3 done, 4 doing, 5-7 todo
    await d!.snapshot(1, snapshotOf([makeCard(0, { items })]));
    const rows = d!.page.locator('.task-item');
    assert.deepEqual(
      await rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.index))),
      [2, 3, 4, 5, 6],
    );
    const current = d!.page.locator('.task-item[aria-current=step]');
    assert.equal(await current.count(), 1);
    assert.equal(await current.getAttribute('data-index'), '4');
    assert.ok((await current.innerText()).includes('Add **POST /auth/reset**'.replace(/\*\*/g, '')));
    assert.equal(await current.locator('.codicon-play-circle').count(), 1, 'a play mark: the item is in progress');
    const look = await rows.evaluateAll((els) =>
      els.map((e) => ({
        cls: e.className,
        opacity: getComputedStyle(e).opacity,
        check: !!e.querySelector('.codicon-check'),
      })),
    );
    // Nothing moves on the first picture: done items at 40 %, the current one whole, upcoming ones at 60 %.
    assert.deepEqual(
      look.map((l) => l.opacity),
      ['0.4', '0.4', '1', '0.6', '0.6'],
    );
    assert.deepEqual(
      look.map((l) => l.check),
      [true, true, false, false, false],
    );
    const clamp = await current.locator('.task-text').evaluate((e) => getComputedStyle(e).webkitLineClamp);
    assert.equal(clamp, '2');
  });

  it('offers the actions that fit each phase, with accessible names, and posts them to the host', async () => {
    await open();
    const working = makeCard(0, { phase: 'implementing' });
    const review = makeCard(3, { phase: 'spec_review' });
    const failed = makeCard(4, { phase: 'failed' });
    await d!.snapshot(1, snapshotOf([working, review, failed]));
    const actionsOf = (id: string) =>
      d!.page
        .locator(`article[data-task-id="${id}"] vscode-button[data-action]`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    // A live run can also be messaged (issue 20).
    assert.deepEqual(await actionsOf(working.taskId), [
      'stop',
      'showTranscript',
      'openDocs',
      'openWorktree',
      'messageAgent',
    ]);
    assert.deepEqual(await actionsOf(review.taskId), ['review', 'openDocs', 'showTranscript']);
    assert.deepEqual(await actionsOf(failed.taskId), ['retry', 'showTranscript', 'openDocs', 'openWorktree']);
    await d!.page.getByRole('button', { name: `Stop SpecTask ${working.number}` }).click();
    assert.deepEqual((await d!.posted()).at(-1), { type: 'task/action', taskId: working.taskId, action: 'stop' });
    // Keyboard: focus the review button and press Enter.
    await d!.page.getByRole('button', { name: `Review SpecTask ${review.number}` }).focus();
    await d!.page.keyboard.press('Enter');
    assert.deepEqual((await d!.posted()).at(-1), { type: 'task/action', taskId: review.taskId, action: 'review' });
    // Tab reaches the next control, an icon button that has a name of its own.
    await d!.page.keyboard.press('Tab');
    assert.equal(
      await d!.page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      `Open documents of SpecTask ${review.number}`,
    );
    await d!.page.keyboard.press('Space');
    assert.deepEqual((await d!.posted()).at(-1), { type: 'task/action', taskId: review.taskId, action: 'openDocs' });
    const unnamed = await d!.page
      .locator('vscode-button')
      .evaluateAll((els) => els.filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim())).length);
    assert.equal(unnamed, 0, 'every button has an accessible name');
  });

  it('drops a snapshot that arrives after a newer one', async () => {
    await open();
    await d!.snapshot(10, snapshotOf([makeCard(0, { title: 'Newer title' })]));
    await d!.send({
      type: 'fleet/snapshot',
      protocol: PROTOCOL_VERSION,
      rev: 9,
      snapshot: snapshotOf([makeCard(0, { title: 'Older title' })]),
    });
    await d!.send({
      type: 'fleet/snapshot',
      protocol: PROTOCOL_VERSION,
      rev: 10,
      snapshot: snapshotOf([makeCard(0, { title: 'Same rev again' })]),
    });
    await nextFrames(d!);
    assert.equal(await d!.page.locator('main.fleet').getAttribute('data-rev'), '10');
    assert.match(await d!.page.locator('.card-title').innerText(), /Newer title/);
    await d!.snapshot(11, snapshotOf([makeCard(0, { title: 'Newest title' })]));
    assert.match(await d!.page.locator('.card-title').innerText(), /Newest title/);
  });

  it('glides to the new window when an item is ticked, keeping each row', async () => {
    await open();
    const card = (done: number) => makeCard(0, { items: checklist(8, done) });
    await d!.snapshot(1, snapshotOf([card(3)]));
    await d!.page
      .locator('.task-item[data-index="3"]')
      .evaluate((e) => ((e as unknown as { __mark: boolean }).__mark = true));
    await d!.snapshot(2, snapshotOf([card(4)]));
    const after = await d!.page.locator('.task-item').evaluateAll((els) =>
      els.map((e) => ({
        i: (e as HTMLElement).dataset.index,
        moving: e.getAnimations().length > 0,
        same: !!(e as unknown as { __mark?: boolean }).__mark,
      })),
    );
    assert.deepEqual(
      after.map((a) => a.i),
      ['2', '3', '4', '5', '6'],
    );
    assert.equal(after.find((a) => a.i === '3')!.same, true, 'the row of item 3 kept its DOM node');
    assert.ok(
      after.filter((a) => a.moving).length >= 4,
      `rows should animate to their new places: ${JSON.stringify(after)}`,
    );
    // The new current item pulses twice and then rests: no animation on the page runs forever.
    const pulse = await d!.page.locator('.task-item[aria-current=step]').evaluate((e) =>
      e.getAnimations().map((a: any) => ({
        props: a.effect.getKeyframes().flatMap((k: object) => Object.keys(k)),
        iterations: a.effect.getTiming().iterations,
      })),
    );
    assert.ok(
      pulse.some((a: { props: string[]; iterations: number }) => a.props.includes('opacity') && a.iterations === 2),
      `current item should pulse twice: ${JSON.stringify(pulse)}`,
    );
    assert.equal(
      await d!.page.evaluate(
        () => document.getAnimations().filter((a: any) => a.effect.getTiming().iterations === Infinity).length,
      ),
      0,
      'an endless animation',
    );
  });

  it('runs no endless animation while agents work: an idle dashboard draws no frames', async () => {
    // Any endless animation (a spinner, a pulse) makes the compositor draw the whole page on every frame:
    // a tenth of a core with software rendering for a dashboard nobody changed.
    await open({ width: 1280, height: 900 });
    const working = (done: number) =>
      snapshotOf(
        Array.from({ length: 16 }, (_, i) =>
          makeCard(i, { phase: 'implementing', items: checklist(10, Math.min(9, done + (i % 3))) }),
        ),
      );
    await d!.snapshot(1, working(2));
    await new Promise((r) => setTimeout(r, 400)); // slides are apart enough to move
    await d!.snapshot(2, working(3));
    const running = () =>
      d!.page.evaluate(() =>
        document
          .getAnimations()
          .filter((a: any) => a.playState === 'running')
          .map((a: any) => ({
            name: a.animationName ?? 'script',
            iterations: a.effect.getTiming().iterations,
            duration: a.effect.getTiming().duration,
          })),
      );
    const during = await running();
    assert.ok(
      during.every((a: { iterations: number }) => a.iterations !== Infinity),
      `endless animations: ${JSON.stringify(during)}`,
    );
    await d!.page.waitForFunction(
      () => document.getAnimations().filter((a: any) => a.playState === 'running').length === 0,
      undefined,
      { timeout: 6000 },
    );
  });

  it('goes calm while the whole fleet ticks faster than a person can follow, and moves again after', async () => {
    await open({ width: 1280, height: 900 });
    const fleet = (tick: number) =>
      snapshotOf(
        Array.from({ length: 8 }, (_, i) =>
          makeCard(i, { phase: 'implementing', items: checklist(30, (tick + i) % 29) }),
        ),
      );
    let rev = 0;
    for (let tick = 0; tick < 6; tick++) {
      await d!.snapshot(++rev, fleet(tick)); // 8 cards slide on every snapshot: dozens of slides a second
      await nextFrames(d!);
    }
    assert.equal(
      await d!.page.evaluate(() => document.documentElement.hasAttribute('data-motion-flood')),
      true,
      'the page should be calm',
    );
    assert.equal(
      await d!.page.evaluate(
        () => document.getAnimations().filter((a: any) => a.playState === 'running' && a.currentTime < 100).length,
      ),
      0,
      'no motion started during the flood',
    );
    assert.equal(
      await d!.page
        .locator('.progress-fill')
        .first()
        .evaluate((e) => getComputedStyle(e).transitionDuration),
      '0s',
      'progress bars jump',
    );
    // Two quiet seconds later a lone tick moves again.
    await d!.page.waitForFunction(() => !document.documentElement.hasAttribute('data-motion-flood'), undefined, {
      timeout: 4000,
    });
    const card0 = d!.page.locator('article.card[data-task-id="task-0"]');
    const tickCard0 = (done: number) =>
      d!.snapshot(
        ++rev,
        snapshotOf(
          fleet(5).cards.map((c, i) =>
            i === 0 ? makeCard(0, { phase: 'implementing', items: checklist(30, done) }) : c,
          ),
        ),
      );
    await tickCard0(10); // the first slide after a flood measures where the rows are
    await new Promise((r) => setTimeout(r, 600)); // more than two glides apart
    await tickCard0(11);
    assert.ok((await card0.evaluate((e) => e.getAnimations({ subtree: true }).length)) > 0, 'a calm tick glides again');
    assert.equal(await card0.locator('.progress-fill').evaluate((e) => getComputedStyle(e).transitionDuration), '0.3s');
  });

  it('under a flood of snapshots lets off-screen cards lag at most a second, then catches them up', async () => {
    await open({ width: 700, height: 500 });
    const flood = (tick: number) =>
      snapshotOf(
        Array.from({ length: 50 }, (_, i) =>
          makeCard(i, { phase: 'implementing', items: checklist(30, (tick + i) % 29), lastActivity: `update ${tick}` }),
        ),
      );
    let rev = 1;
    for (let tick = 0; tick < 40; tick++)
      await d!.send({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++rev, snapshot: flood(tick) });
    const last = flood(39);
    const expected = Object.fromEntries(last.cards.map((c) => [c.taskId, String(c.progress.done)]));
    const stale = () =>
      d!.page
        .locator('article.card')
        .evaluateAll(
          (els, exp) => els.filter((e) => e.getAttribute('data-done') !== exp[e.getAttribute('data-task-id')]).length,
          expected,
        );
    const t0 = Date.now();
    await d!.page.waitForFunction(() => document.querySelector('main.fleet')?.getAttribute('data-rev') !== null);
    for (;;) {
      if ((await stale()) === 0) break;
      assert.ok(Date.now() - t0 < 2500, `${await stale()} cards still stale after ${Date.now() - t0} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The last card is drawn when scrolled to (the grid draws the rows in view), with the newest snapshot's data.
    await d!.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const lastCard = d!.page.locator('article.card[data-task-id="task-49"]');
    await lastCard.scrollIntoViewIfNeeded();
    // Off-screen cells skip rendering (content-visibility): their text is laid out on the frame after they scroll in.
    await d!.page.waitForFunction(
      () =>
        /update 39/.test(
          document.querySelector('article.card[data-task-id="task-49"] .card-activity')?.innerText ?? '',
        ),
      undefined,
      { timeout: 2000 },
    );
    assert.match(await lastCard.locator('.card-activity').innerText(), /update 39/);
  });

  it('does not move at all when the user prefers reduced motion', async () => {
    await open({ reducedMotion: true });
    await d!.snapshot(1, snapshotOf([makeCard(0, { items: checklist(8, 3) })]));
    await d!.snapshot(2, snapshotOf([makeCard(0, { items: checklist(8, 4) })]));
    const moving = await d!.page.evaluate(() =>
      document.getAnimations().map((a: CSSAnimation) => (a as CSSAnimation).animationName ?? 'script'),
    );
    assert.deepEqual(moving, []);
    const current = d!.page.locator('.task-item.current');
    assert.equal(await current.evaluate((e) => getComputedStyle(e).opacity), '1');
    assert.equal(await d!.page.locator('.progress-fill').evaluate((e) => getComputedStyle(e).transitionDuration), '0s');
  });

  it('renders hostile strings as text: nothing executes and the layout holds', async () => {
    await open({ width: 900 });
    const long = 'A'.repeat(10_000);
    const hostile = makeCard(0, {
      title: `<img src=x onerror="window.__pwned='title'">${long}`,
      agentId: `"><svg onload="window.__pwned='agent'">`,
      lastActivity: `<script>window.__pwned='activity'</script> Edit ${'b'.repeat(10_000)}`,
      lastError: `<iframe src="javascript:window.top.__pwned='error'"></iframe>`,
      items: [
        { text: `[click me](javascript:window.__pwned='link')`, state: 'done' },
        { text: `<img src=x onerror="window.__pwned='item'"> ${'c '.repeat(5000)}`, state: 'doing' },
        { text: `[data](data:text/html,<script>alert(1)</script>) and [vbs](vbscript:msgbox)`, state: 'todo' },
      ],
    });
    await d!.snapshot(1, snapshotOf([hostile, makeCard(1)]));
    await nextFrames(d!);
    const check = await d!.page.evaluate(() => {
      const root = document.querySelector('main.fleet')!;
      const card = document.querySelector('article.card')!.getBoundingClientRect();
      const cell = document.querySelector('.fleet-cell')!.getBoundingClientRect();
      return {
        pwned: (window as unknown as { __pwned?: string }).__pwned,
        injected: root.querySelectorAll('img, script, svg, iframe').length,
        hrefs: [...root.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        text: root.textContent ?? '',
        cardWidth: card.width,
        cellWidth: cell.width,
        cardHeight: card.height,
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
      };
    });
    assert.equal(check.pwned, undefined);
    assert.equal(check.injected, 0, 'no element was created from agent text');
    assert.deepEqual(check.hrefs, [], 'no link to a refused scheme');
    assert.ok(check.text.includes(`<img src=x onerror="window.__pwned='title'">`), 'the markup is shown as text');
    assert.ok(check.text.includes('click me'));
    assert.ok(
      check.cardWidth <= check.cellWidth + 0.5,
      `card ${check.cardWidth} wider than its cell ${check.cellWidth}`,
    );
    assert.ok(check.cardHeight < 500, `a 10,000-character title must be clamped, card is ${check.cardHeight} px tall`);
    assert.ok(check.scroll <= check.width, `horizontal overflow ${check.scroll} > ${check.width}`);
    await d!.screenshot('webview-hostile-dark');
  });

  it('sends links to the host instead of navigating', async () => {
    await open();
    const items = [
      {
        text: 'Follow [the design](design.md#L12) and [RFC 6749](https://datatracker.ietf.org/doc/html/rfc6749)',
        state: 'doing' as const,
      },
    ];
    await d!.snapshot(1, snapshotOf([makeCard(0, { items })]));
    const url = d!.page.url();
    await d!.page.getByRole('link', { name: 'the design' }).click();
    await d!.page.getByRole('link', { name: 'RFC 6749' }).click();
    const posted = (await d!.posted()).slice(-2);
    assert.deepEqual(posted, [
      { type: 'link/open', href: 'design.md#L12' },
      { type: 'link/open', href: 'https://datatracker.ietf.org/doc/html/rfc6749' },
    ]);
    assert.equal(d!.page.url(), url, 'the webview did not navigate');
  });

  it('filters by text, phase and back-end, and remembers the filter as UI state', async () => {
    await open();
    await d!.snapshot(1, makeSnapshot(8));
    const titles = () =>
      d!.page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
    await d!.page.getByRole('searchbox', { name: /Filter by number/ }).fill('43');
    assert.deepEqual(await titles(), ['task-2']);
    assert.match(await d!.page.locator('.filter-summary').innerText(), /Showing 1 of 8/);
    await d!.page.getByRole('button', { name: 'Clear filter' }).click();
    assert.equal((await titles()).length, 8);
    // Phase: open the select and pick an option as a user would.
    await d!.page.locator('vscode-single-select.filter-phase').click();
    await d!.page.locator('vscode-single-select.filter-phase').getByRole('option', { name: 'Failed' }).click();
    assert.deepEqual(await titles(), ['task-4']);
    await d!.page.getByRole('button', { name: 'Clear filter' }).click();
    await d!.page.locator('vscode-single-select.filter-backend').click();
    await d!.page.locator('vscode-single-select.filter-backend').getByRole('option', { name: 'codex' }).click();
    assert.deepEqual((await titles()).sort(), ['task-1', 'task-5']);
    const state = await d!.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    assert.deepEqual(state, { filter: { text: '', phase: '', backend: 'codex' } });
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`takes its colours from the ${theme} theme`, async () => {
      await open({ theme, width: 1100, height: 760 });
      await d!.snapshot(1, makeSnapshot(8));
      const vars = THEMES[theme];
      const look = await d!.page
        .locator('article.card')
        .first()
        .evaluate((e) => {
          const s = getComputedStyle(e);
          return { color: s.color, background: s.backgroundColor, border: s.borderTopColor };
        });
      assert.equal(look.color, cssColor(vars['editorWidget-foreground']));
      assert.equal(look.background, cssColor(vars['editorWidget-background']));
      assert.equal(look.border, cssColor(vars['widget-border']));
      // Codicons loaded through the <link> under the CSP: the glyph font is in use.
      assert.equal(await d!.page.evaluate(() => document.fonts.check('16px codicon')), true);
      await d!.screenshot(`webview-8-agents-${theme}`);
    });
  }

  it('shows the window builder output for a finished checklist', async () => {
    await open();
    const items = checklist(6, 6, false);
    const w = cardWindow(items, 2);
    await d!.snapshot(1, snapshotOf([makeCard(0, { phase: 'done', items })]));
    assert.deepEqual(
      await d!.page
        .locator('.task-item')
        .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.index))),
      w.items.map((i) => i.index),
    );
    assert.equal(await d!.page.locator('.task-item[aria-current]').count(), 0);
    assert.match(await d!.page.locator('.progress-count').innerText(), /^6\/6$/);
  });
});
