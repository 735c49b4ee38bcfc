// Drives the workbench of a code-server that has the packaged extension installed: clicks the SpecTasks
// activity-bar entry and waits for the three views, including the rendered fleet webview.
// usage: node vsix-smoke-ui.mjs <serverUrl> <workspaceDir> <screenshot.png>
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';

const [base, ws, shot] = process.argv.slice(2);
const udd = fs.mkdtempSync(os.tmpdir() + '/chrome-');
fs.mkdirSync(udd + '/Default');
fs.writeFileSync(udd + '/Default/Preferences', JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
const ctx = await chromium.launchPersistentContext(udd, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let ok = false;
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar [aria-label^="SpecTasks"]').first().click({ timeout: 60_000 });
  for (const name of ['SpecTasks', 'Design Docs', 'Fleet']) {
    await page.locator('.pane-header', { hasText: name }).first().waitFor({ timeout: 30_000 });
  }
  const title = page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('#fleet-title');
  const text = await title.innerText({ timeout: 30_000 });
  console.log(`[vsix] fleet view says: ${text}`);
  await page.screenshot({ path: shot });
  console.log(`[vsix] screenshot ${shot}`);
  ok = /agents? working/.test(text);
} catch (e) {
  console.log(`[vsix] ${e.message.split('\n')[0]}`);
} finally {
  await ctx.close();
  fs.rmSync(udd, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
