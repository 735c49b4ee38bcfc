import * as assert from 'node:assert/strict';
import { makeCard, snapshotOf } from './support/fleetFixtures';
import { dashboardSession } from './support/dashboardSession';
import type { DashboardPage } from './support/harness';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(e: unknown, pseudo?: string): any;

interface GlyphLook {
  button: string;
  glyphs: number;
  fontFamily: string;
  before: string;
  width: number;
  shadowIcons: number;
}

/** How every button in the page draws its glyph: in its own light DOM, with the codicon font, and visible. */
async function glyphsOf(d: DashboardPage): Promise<{ fontLoaded: boolean; looks: GlyphLook[] }> {
  return d.page.evaluate(async () => {
    await document.fonts.ready;
    const looks = [...document.querySelectorAll('vscode-button')].map((b: any) => {
      const g = b.querySelector(':scope > .codicon');
      const before = g ? getComputedStyle(g, '::before') : undefined;
      return {
        button: b.getAttribute('aria-label') ?? b.textContent.trim(),
        glyphs: b.querySelectorAll(':scope > .codicon').length,
        fontFamily: g ? getComputedStyle(g).fontFamily : '',
        before: before ? before.content : '',
        width: g ? g.getBoundingClientRect().width : 0,
        // vscode-button's own `icon` draws a <vscode-icon> that loads codicon.css again in its shadow root
        // (the blank squares seen in VS Code): no button may use it.
        shadowIcons: b.shadowRoot?.querySelectorAll('vscode-icon').length ?? 0,
      };
    });
    return { fontLoaded: document.fonts.check('16px codicon'), looks };
  });
}

function assertDrawn(looks: GlyphLook[], expected: number): void {
  assert.equal(looks.length, expected, 'buttons on the page');
  for (const l of looks) {
    assert.equal(l.glyphs, 1, `${l.button}: one glyph in the button's light DOM`);
    assert.match(l.fontFamily, /codicon/, `${l.button}: the codicon font`);
    assert.ok(!['', 'none', 'normal', '""'].includes(l.before), `${l.button}: a ::before glyph (${l.before})`);
    assert.ok(l.width > 0, `${l.button}: the glyph takes room`);
    assert.equal(l.shadowIcons, 0, `${l.button}: no <vscode-icon> with its own stylesheet`);
  }
}

// Issue 22 (NOTE8/NOTE9): card icon buttons were drawn as empty squares in a real VS Code.
describe('button glyphs are drawn with the page codicon font (real Chromium)', function () {
  const pages = dashboardSession();

  it('every card button, primary and icon-only, shows its codicon', async () => {
    const d = await pages.open({ width: 1300 });
    const cards = [
      makeCard(0, { phase: 'implementing' }), // Stop + docs, worktree, transcript, message
      makeCard(3, { phase: 'spec_review' }), // Review + docs, transcript
      makeCard(4, { phase: 'failed' }), // Retry + ...
      makeCard(7, { phase: 'done' }),
    ];
    await d.snapshot(1, snapshotOf(cards));
    const { fontLoaded, looks } = await glyphsOf(d);
    assert.ok(fontLoaded, 'the codicon font is loaded');
    const expected = await d.page.locator('vscode-button').count();
    assert.ok(expected >= 10, `enough buttons to mean something (${expected})`);
    assertDrawn(looks, expected);
    await d.screenshot('webview-card-button-glyphs-dark');
  });

  it('the sidebar list and the empty dashboard draw theirs the same way', async () => {
    const d = await pages.open({ surface: 'view', width: 320 });
    await d.snapshot(1, snapshotOf([makeCard(0, { phase: 'implementing' }), makeCard(4, { phase: 'failed' })]));
    const list = await glyphsOf(d);
    assertDrawn(list.looks, await d.page.locator('vscode-button').count());
    await d.snapshot(2, snapshotOf([]));
    const empty = await glyphsOf(d);
    assertDrawn(empty.looks, 1);
  });
});
