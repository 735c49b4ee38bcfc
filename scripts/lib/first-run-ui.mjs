// Opens an `npm start` workbench the way a new user does (their own browser, no development payload), clicks
// the SpecTasks activity-bar entry, waits for the three views and screenshots them. Prints one JSON line:
// { ok, consoleErrors: [...] } — the workbench's console errors, for the first-run check to judge.
// usage: node first-run-ui.mjs <url printed by npm start> <screenshot.png>
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';

const [url, shot] = process.argv.slice(2);
const udd = fs.mkdtempSync(os.tmpdir() + '/chrome-');
const ctx = await chromium.launchPersistentContext(udd, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});
const consoleErrors = [];
let ok = false;
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text().split('\n')[0].slice(0, 300)));
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar [aria-label^="SpecTasks"]').first().click({ timeout: 60_000 });
  for (const name of ['SpecTasks', 'Design Docs', 'Fleet']) {
    await page.locator('.pane-header', { hasText: name }).first().waitFor({ timeout: 30_000 });
  }
  // The workbench asks the extension gallery once the extension host is up; give that time to happen.
  await page.waitForTimeout(8000);
  await page.screenshot({ path: shot });
  ok = true;
} catch (e) {
  consoleErrors.push(`driver: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
} finally {
  await ctx.close();
  fs.rmSync(udd, { recursive: true, force: true });
}
console.log(JSON.stringify({ ok, consoleErrors }));
