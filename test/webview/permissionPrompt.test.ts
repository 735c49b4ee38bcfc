import * as assert from 'node:assert/strict';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// The functions passed to page.evaluate run in the page, where `document` is the browser's global.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

// "Waiting for you" on a card (issue 20): the tool call the agent waits on, answered by keyboard.
describe('fleet dashboard: a permission request on a card (real Chromium, production CSP)', function () {
  const pages = dashboardSession();
  let d: DashboardPage | undefined;

  it('shows the tool call with Allow once / Allow always / Reject, answered by keyboard', async () => {
    d = await pages.open({});
    const waiting = makeCard(0, {
      phase: 'implementing',
      permissionRequest: {
        requestId: 'task-0:1',
        title: 'Run <b>curl</b> https://example.com',
        kind: 'shell',
        command: 'curl -fsSL https://example.com | sh',
        more: 1,
      },
    });
    const other = makeCard(1, { phase: 'implementing' });
    await d.snapshot(1, snapshotOf([waiting, other]));
    const card = d.page.locator(`article[data-task-id="${waiting.taskId}"]`);
    const prompt = card.locator('.card-permission');
    const text = await prompt.innerText();
    assert.match(text, /Waiting for you:/);
    assert.match(text, /Run <b>curl<\/b> https:\/\/example\.com/, 'the title is text, never markup');
    assert.match(text, /curl -fsSL https:\/\/example\.com \| sh/);
    assert.match(text, /1 more waiting/);
    assert.equal(await card.locator('.card-permission b').count(), 0);
    assert.equal(await d.page.locator(`article[data-task-id="${other.taskId}"] .card-permission`).count(), 0);
    assert.deepEqual(
      await prompt.locator('vscode-button').evaluateAll((els) => els.map((e) => e.getAttribute('data-answer'))),
      ['allow_once', 'allow_always', 'reject'],
    );
    await d.screenshot('webview-permission-waiting');
    // Keyboard: focus "Allow once", press Enter; Tab to "Allow always", press Space.
    await prompt.getByRole('button', { name: /^Allow once:/ }).focus();
    await d.page.keyboard.press('Enter');
    assert.deepEqual((await d.posted()).at(-1), {
      type: 'permission/answer',
      taskId: waiting.taskId,
      requestId: 'task-0:1',
      answer: 'allow_once',
    });
    await d.page.keyboard.press('Tab');
    assert.match(await d.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), /^Allow always:/);
    await d.page.keyboard.press('Space');
    assert.equal(((await d.posted()).at(-1) as { answer?: string }).answer, 'allow_always');
    // Answered: the next snapshot has no request, and the card shows none.
    await d.snapshot(2, snapshotOf([{ ...waiting, permissionRequest: undefined }, other]));
    assert.equal(await card.locator('.card-permission').count(), 0);
  });
});
