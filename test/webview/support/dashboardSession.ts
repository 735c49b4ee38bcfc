import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DashboardPage, DashboardServer, launchChromium, type OpenOptions } from './harness';

/**
 * One dashboard server and one Chromium for a suite (mocha hooks registered by the call), and pages opened
 * through it. After each test the page it opened is closed, and the test doubles as a CSP check: vscode-elements,
 * codicons and our bundle must need nothing more, and the page must have thrown nothing.
 */
export function dashboardSession(): {
  open(o?: OpenOptions): Promise<DashboardPage>;
  /** The server's origin (for payloads that point back at it). */
  origin(): string;
} {
  let server: DashboardServer;
  let browser: Browser;
  let page: DashboardPage | undefined;
  before(async () => {
    server = await DashboardServer.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    // A test that closed its page itself has already taken what it needed from it.
    if (!page || page.page.isClosed()) return;
    const violations = await page.cspViolations();
    const errors = page.errors;
    await page.close();
    page = undefined;
    assert.deepEqual(violations, [], 'Content Security Policy violations');
    assert.deepEqual(errors, [], 'page errors');
  });
  return {
    open: async (o = {}) => (page = await DashboardPage.open(browser, server, o)),
    origin: () => server.origin,
  };
}
