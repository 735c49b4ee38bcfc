// Watches a dashboard page for everything hostile text could make it do: run script (a sentinel global,
// a dialog), load something (any request besides the page's own assets, CSP-allowed canaries included),
// navigate (the main frame or a popup), or create markup. Used by test/webview/hostileContent.test.ts.
import type { Page, Request } from 'playwright-core';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any, location: any;

/** The global every payload tries to set; it must stay undefined. */
export const SENTINEL = '__pwned';

/** Requests the page makes on its own: the document, the harness, the bundle and its fonts/styles. */
const OWN = /^\/($|harness\/|dist\/|favicon\.ico$)/;

export class HostileProbe {
  readonly dialogs: string[] = [];
  readonly strayRequests: string[] = [];
  readonly navigations: string[] = [];
  readonly popups: string[] = [];
  private readonly startUrl: string;

  constructor(private readonly page: Page) {
    this.startUrl = page.url();
    page.on('dialog', (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r: Request) => {
      const u = new URL(r.url());
      if (u.protocol === 'data:' && r.resourceType() === 'font') return;
      if (!u.protocol.startsWith('http') || !OWN.test(u.pathname) || u.origin !== new URL(this.startUrl).origin)
        this.strayRequests.push(`${r.resourceType()} ${r.url().slice(0, 200)}`);
    });
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && f.url() !== this.startUrl) this.navigations.push(f.url());
      else if (f !== page.mainFrame()) this.navigations.push(`subframe ${f.url()}`);
    });
    page.on('popup', (p) => this.popups.push(p.url()));
    page.context().on('page', (p) => {
      if (p !== page) this.popups.push(`new page ${p.url()}`);
    });
  }

  /** What the page did that it must not; empty when it behaved. */
  async findings(): Promise<string[]> {
    const inPage = await this.page.evaluate((sentinel) => {
      const root = document.getElementById('root');
      const out: string[] = [];
      if (window[sentinel] !== undefined || window.top[sentinel] !== undefined)
        out.push(`script ran: ${sentinel} = ${String(window[sentinel] ?? window.top[sentinel])}`);
      // Markup that can run, load or restyle, anywhere in the rendered app (vscode-elements' own shadow DOM excepted).
      const bad = root.querySelectorAll(
        'script, img, svg, iframe, frame, object, embed, style, link, base, meta, form, math, video, audio, source, template, noscript',
      );
      for (const e of bad) out.push(`element <${e.tagName.toLowerCase()}> in the app`);
      for (const e of root.querySelectorAll('*')) {
        for (const a of e.getAttributeNames())
          if (/^on/i.test(a) || a === 'srcdoc' || a === 'formaction')
            out.push(`attribute ${a} on <${e.tagName.toLowerCase()}>`);
      }
      const outside = document.querySelectorAll('style, script, link, iframe, meta, base').length;
      if (outside !== window.__startOutside)
        out.push(
          `the document has ${outside} style/script/link/iframe/meta/base elements, ${window.__startOutside} before`,
        );
      if (location.href !== window.__startHref) out.push(`location is ${location.href}`);
      return out;
    }, SENTINEL);
    return [
      ...inPage,
      ...this.dialogs.map((d) => `dialog ${d}`),
      ...this.strayRequests.map((r) => `request ${r}`),
      ...this.navigations.map((n) => `navigation to ${n}`),
      ...this.popups.map((p) => `popup ${p}`),
    ];
  }

  /** Remembers the page's address inside the page, for {@link findings}. Call once after it loaded. */
  async arm(): Promise<void> {
    await this.page.evaluate(() => {
      window.__startHref = location.href;
      window.__startOutside = document.querySelectorAll('style, script, link, iframe, meta, base').length;
    });
  }
}
