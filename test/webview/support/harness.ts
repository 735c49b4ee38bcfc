// Serves the real dashboard bundle (dist/webview.js + .css + codicons) from 127.0.0.1 in the page the
// extension host would build (src/vscode/fleet/fleetHtml.ts, same strict CSP), to Debian's headless
// Chromium through playwright-core. VS Code's side is played by a nonce'd script that defines
// acquireVsCodeApi (recording what the webview posts) and by a stylesheet with a theme's variables.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fleetHtml } from '../../../src/vscode/fleet/fleetHtml';
import type { FleetSnapshot } from '../../../src/protocol/fleet';
import { PROTOCOL_VERSION, type HostToWebview, type WebviewToHost } from '../../../src/protocol/messages';
import { bodyClassOf, themeCss, type ThemeName } from './themes';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library, so declare loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any, window: any;

/** The repository root: the nearest folder above this bundle that has esbuild.mjs (tests and benchmarks are bundled to different depths). */
function findRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'esbuild.mjs'))) return d;
    if (path.dirname(d) === d) throw new Error(`no esbuild.mjs above ${from}`);
  }
}
const ROOT = findRoot(__dirname);
const DIST = path.join(ROOT, 'dist');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Defines acquireVsCodeApi before the bundle runs, and records what the page does that it should not. */
const FAKE_VSCODE = `
window.__posted = []; window.__cspViolations = []; window.__state = undefined;
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may only be called once');
  acquired = true;
  return {
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  };
};
document.addEventListener('DOMContentLoaded', () => document.body.classList.add(document.documentElement.dataset.bodyClass));
`;

/** An HTTP server for the dashboard page; one per test file. */
export class DashboardServer {
  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<DashboardServer> {
    for (const f of ['webview.js', 'webview.css', 'codicons/codicon.css', 'codicons/codicon.ttf']) {
      if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: build first (node esbuild.mjs)`);
    }
    let origin = '';
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/') {
        const theme = (url.searchParams.get('theme') ?? 'dark') as ThemeName;
        const nonce = crypto.randomBytes(16).toString('base64');
        const page = fleetHtml({
          nonce,
          cspSource: origin,
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/dist/webview.css`,
          codiconUri: `${origin}/dist/codicons/codicon.css`,
          surface: url.searchParams.get('surface') === 'view' ? 'view' : 'panel',
        })
          .replace('<html lang="en">', `<html lang="en" data-body-class="${bodyClassOf(theme)}">`)
          // VS Code's own script and theme variables come first, exactly as in a real webview.
          .replace(
            '<meta name="viewport"',
            `<script nonce="${nonce}" src="/harness/fake-vscode.js"></script>\n<link rel="stylesheet" href="/harness/theme-${theme}.css">\n<meta name="viewport"`,
          );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
        return;
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end(); // VS Code webviews have none either
      if (url.pathname === '/harness/fake-vscode.js')
        return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(FAKE_VSCODE);
      const theme = /^\/harness\/theme-(light|dark|high-contrast)\.css$/.exec(url.pathname);
      if (theme) return void res.writeHead(200, { 'content-type': 'text/css' }).end(themeCss(theme[1] as ThemeName));
      if (url.pathname.startsWith('/dist/')) {
        const file = path.join(DIST, path.normalize(url.pathname.slice('/dist/'.length)));
        if (file.startsWith(DIST + path.sep) && fs.existsSync(file)) {
          return void res
            .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
            .end(fs.readFileSync(file));
        }
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new DashboardServer(server, origin);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export interface OpenOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  reducedMotion?: boolean;
  /** `view`: the page as the sidebar's Fleet view gets it (the compact list). */
  surface?: 'view' | 'panel';
}

/** One dashboard page: what the host would send and what the webview posted back. */
export class DashboardPage {
  readonly errors: string[] = [];
  private constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console: ${m.text()} (${m.location().url})`);
    });
  }

  static async open(browser: Browser, server: DashboardServer, o: OpenOptions = {}): Promise<DashboardPage> {
    const page = await browser.newPage({
      viewport: { width: o.width ?? 1100, height: o.height ?? 800 },
      reducedMotion: o.reducedMotion ? 'reduce' : 'no-preference',
    });
    const d = new DashboardPage(page);
    await page.goto(`${server.origin}/?theme=${o.theme ?? 'dark'}${o.surface ? `&surface=${o.surface}` : ''}`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0); // the ready handshake
    return d;
  }

  /** Deliver a host message the way VS Code does: a `message` event on the webview's window. */
  async send(message: HostToWebview): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Send a snapshot and wait until the page has rendered it. */
  async snapshot(rev: number, snapshot: FleetSnapshot): Promise<void> {
    await this.send({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev, snapshot });
    await this.page.waitForFunction(
      (r) => document.querySelector('main.fleet')?.getAttribute('data-rev') === String(r),
      rev,
    );
  }

  posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  async screenshot(name: string, fullPage = false): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage });
    return file;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
