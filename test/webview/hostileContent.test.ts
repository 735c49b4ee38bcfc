import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FleetAgentCard, Phase } from '../../src/protocol/fleet';
import { classifyLink } from '../../src/protocol/linkPolicy';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { DashboardPage, DashboardServer, launchChromium } from './support/harness';
import { HostileProbe, SENTINEL } from './support/hostileProbe';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

// Issue 10, trust boundaries: everything the dashboard shows comes from people or agents (SpecTask titles,
// checklist lines, agent activity, failure reasons, back-end names). Every field of every card carries each
// payload at once; the page, under the production CSP in real Chromium, must run nothing, load nothing
// (even same-origin canaries the CSP would allow), navigate nowhere, and open links only through the host.

/** Payloads that would run, load, navigate or restyle if any field were rendered as HTML or followed as a link. */
function payloads(origin: string): string[] {
  const set = `window.${SENTINEL}`;
  return [
    `<script>${set}='script'</script>`,
    `<img src=x onerror="${set}='img'">`,
    `<img src="${origin}/canary/img">`,
    `<svg onload="${set}='svg'"><circle r=5 /></svg>`,
    `<iframe src="javascript:parent.${SENTINEL}='iframe'"></iframe>`,
    `<iframe srcdoc="<script>parent.${SENTINEL}='srcdoc'</script>"></iframe>`,
    `"><script>${set}='attr-break'</script><x y="`,
    `' autofocus onfocus='${set}="focus"`,
    `<style>body{display:none}</style><link rel=stylesheet href="${origin}/canary/css">`,
    `<a href="javascript:${set}='a'">html link</a>`,
    `<object data="${origin}/canary/object"></object><embed src="${origin}/canary/embed">`,
    `<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
    `<form action="https://evil.example/"><button>go</button></form>`,
    `<math><mi xlink:href="javascript:${set}='math'">m</mi></math>`,
    `[md js](javascript:${set}='md')`,
    `[md case](JaVaScRiPt:${set}='md-case')`,
    `[md entity](javascript&#58;${set}='md-entity')`,
    `[md space]( javascript:${set}='md-space')`,
    `[md tab](java\tscript:${set}='md-tab')`,
    `[md data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xPC9zY3JpcHQ+)`,
    `[md vbs](vbscript:msgbox(1))`,
    `[md command](command:workbench.action.terminal.new)`,
    `[md file](file:///etc/passwd)`,
    `[md protocol-relative](//evil.example/x)`,
    `![md image](${origin}/canary/md-image)`,
    `<${origin}/canary/autolink>`,
    `[ok](https://example.com/ok)`,
    `{{constructor.constructor('${set}=1')()}} \${alert(1)} %s%n`,
    `\u202egnp.exe\u202c and \u200f\u200e\u2066\u2069 marks, \u200b zero width, \u0000 nul, \u001b[31m escape`,
    `<!-- comment --> &lt;script&gt; &#x3C;img src=x onerror=alert(1)&#x3E;`,
    'W'.repeat(3000),
  ];
}

const PHASES_SHOWN: Phase[] = [
  'implementing',
  'queued',
  'failed',
  'planning',
  'spec_review',
  'implementation_review',
  'integration',
];

function hostileCard(i: number, p: string): FleetAgentCard {
  return makeCard(i, {
    phase: PHASES_SHOWN[i % PHASES_SHOWN.length],
    title: p,
    agentId: p,
    backend: p.slice(0, 80),
    runLive: true, // a live run shows every line, the activity included
    lastActivity: p,
    restartReason: p,
    queueReason: p,
    integrationReason: p,
    lastError: p,
    items: [
      { text: p, state: 'done' },
      { text: `before ${p} after`, state: 'doing' },
      { text: p, state: 'todo' },
    ],
  });
}

describe('fleet dashboard under hostile content (real Chromium, production CSP)', function () {
  this.timeout(120_000);
  let server: DashboardServer;
  let browser: Browser;
  let d: DashboardPage | undefined;
  let probe: HostileProbe;

  before(async () => {
    server = await DashboardServer.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    if (!d) return;
    const violations = await d.cspViolations();
    const errors = d.errors;
    await d.close();
    d = undefined;
    assert.deepEqual(violations, [], 'Content Security Policy violations: something tried to run or load');
    assert.deepEqual(errors, [], 'page errors');
  });

  async function openWith(cards: FleetAgentCard[]): Promise<void> {
    // Tall enough that the grid, which draws only the rows in view, draws every card.
    d = await DashboardPage.open(browser, server, { width: 1100, height: 8000 });
    probe = new HostileProbe(d.page);
    await probe.arm();
    await d.snapshot(1, snapshotOf(cards));
    // Two frames and a moment for anything that would load, error or fire (onerror, onload, refresh).
    await d.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  }

  it('puts every payload into every field of a card: nothing runs, loads or navigates, and titles read as text', async () => {
    const list = payloads(server.origin);
    await openWith(list.map((p, i) => hostileCard(i, p)));
    assert.deepEqual(await probe.findings(), []);
    const shown = await d!.page.evaluate(() =>
      [...document.querySelectorAll('article.card')].map((c: any) => ({
        title: c.querySelector('.card-title')?.textContent ?? '',
        activity: c.querySelector('.card-activity')?.textContent ?? '',
        restart: c.querySelector('.card-restart')?.textContent ?? '',
        error: c.textContent ?? '',
        hrefs: [...c.querySelectorAll('a[href]')].map((a: any) => a.getAttribute('href')),
      })),
    );
    assert.equal(shown.length, list.length);
    for (const [i, p] of list.entries()) {
      const card = shown.find(
        (s) => s.title.includes(p.replace(/\s+/g, ' ').slice(0, 40)) || s.title.includes(p.slice(0, 40)),
      );
      assert.ok(card, `payload ${i} is shown as the literal title text: ${JSON.stringify(p.slice(0, 60))}`);
      assert.ok(card.activity.includes(p.slice(0, 40)), `payload ${i} is shown as literal activity text`);
      assert.ok(card.restart.includes(p.slice(0, 40)), `payload ${i} is shown as literal restart-reason text`);
      // The only links are ones the host would open; refused schemes are plain text.
      for (const h of card.hrefs) assert.ok(classifyLink(h), `payload ${i} produced a link to ${h}`);
    }
    // Exactly the web links stay links (an image is not rendered: `![x](url)` is a link to url), three
    // checklist lines each; every scheme the host refuses was turned into plain text.
    const hrefs = [...new Set(shown.flatMap((s) => s.hrefs))].sort();
    assert.deepEqual(hrefs, [`${server.origin}/canary/md-image`, 'https://example.com/ok']);
    assert.equal(shown.flatMap((s) => s.hrefs).length, 6, 'each allowed link once per checklist line');
    const overflow = await d!.page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    assert.ok(
      overflow.scroll <= overflow.width,
      `a 3,000-character word overflows the page: ${overflow.scroll} > ${overflow.width}`,
    );
    await d!.screenshot('webview-hostile-payloads');
  });

  it('a link opens only through the host message: left, middle, ctrl/shift/meta click and the keyboard never navigate', async () => {
    await openWith([
      hostileCard(0, '[ok](https://example.com/ok) and [a file](src/app.ts#L3)'),
      hostileCard(1, '[md js](javascript:window.__pwned=1)'),
    ]);
    const link = d!.page.locator('article.card').first().locator('a[href="https://example.com/ok"]').first();
    const before = (await d!.posted()).length;
    await link.click();
    await link.click({ modifiers: ['Control'] });
    await link.click({ modifiers: ['Shift'] });
    await link.click({ modifiers: ['Meta'] });
    await link.click({ button: 'middle' });
    await link.focus();
    await d!.page.keyboard.press('Enter');
    await d!.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const posted = (await d!.posted()).slice(before);
    assert.equal(
      posted.length,
      6,
      `every activation (left, ctrl, shift, meta, middle, Enter) reached the host once: ${JSON.stringify(posted)}`,
    );
    for (const m of posted) assert.deepEqual(m, { type: 'link/open', href: 'https://example.com/ok' });
    // The refused link is text: clicking it posts nothing and runs nothing.
    const n = (await d!.posted()).length;
    await d!.page.locator('article.card').nth(1).getByText('md js').first().click();
    assert.equal((await d!.posted()).length, n);
    assert.deepEqual(await probe.findings(), []);
  });

  it('the filter takes hostile text, regex syntax and a very long query without breaking', async () => {
    const list = payloads(server.origin);
    await openWith(list.map((p, i) => hostileCard(i, p)));
    const box = d!.page.getByRole('searchbox', { name: /Filter by number/ });
    for (const q of ['<script>', '(.*){1,32}$', '[', '\\', '\u202e', 'W'.repeat(5000), '" onfocus="x', '$(alert)']) {
      await box.fill(q);
      const summary = await d!.page
        .locator('.filter-summary')
        .innerText()
        .catch(() => '');
      const cards = await d!.page.locator('article.card').count();
      const expected = list.filter((p) => p.toLowerCase().includes(q.trim().toLowerCase())).length;
      assert.equal(
        cards,
        expected,
        `query ${JSON.stringify(q.slice(0, 20))} shows ${cards} cards (${summary}), expected ${expected}`,
      );
    }
    assert.deepEqual(await probe.findings(), []);
  });

  it('hostile back-end names become filter options as text', async () => {
    const list = payloads(server.origin).slice(0, 14);
    await openWith(list.map((p, i) => hostileCard(i, p)));
    await d!.page.locator('vscode-single-select.filter-backend').click();
    const options = await d!.page.locator('vscode-single-select.filter-backend').getByRole('option').allInnerTexts();
    for (const p of list)
      assert.ok(
        options.some((o) => o.includes(p.slice(0, 30))),
        `option for ${JSON.stringify(p.slice(0, 40))} among ${options.length}`,
      );
    await d!.page.keyboard.press('Escape');
    assert.deepEqual(await probe.findings(), []);
  });
});
