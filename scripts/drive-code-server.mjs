// Opens the code-server workbench as an "Extension Development Host" whose remote (Node) extension host
// runs the mocha suite at <testsIndexJs>; waits for window.codeAutomationExit(code) and exits with it.
// Also serves screenshot checkpoints: the in-host snap() logs "##snap:name|selector", this driver waits
// until some frame has the selector, takes the screenshot and renames it into place.
// A test that reloads the window first announces it ("##reload:"): the exit the old extension host
// reports while the page reloads is then not the end of the run; the reloaded workbench runs the suite
// again in a fresh extension host, which says "##reloaded" (test/integration/reload.test.ts).
// usage: node drive-code-server.mjs <serverUrl> <workspaceDir> <extensionDir> <testsIndexJs>
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import { format } from 'node:util';

const [base, folder, extDev, extTests] = process.argv.slice(2);
const TIMEOUT = +(process.env.TEST_TIMEOUT_S || 600) * 1000;
const SNAP_DIR = process.env.SNAP_DIR;
const host = new URL(base).host;
const env = { RESULT_FILE: process.env.RESULT_FILE, SNAP_DIR, ...JSON.parse(process.env.EXT_ENV || '{}') };
const payload = [
  ['extensionDevelopmentPath', `vscode-remote://${host}${extDev}`],
  ['extensionTestsPath', `vscode-remote://${host}${extTests}`],
  ['extensionEnvironment', JSON.stringify(env)], // becomes process.env in the extension host
];
const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
const udd = fs.mkdtempSync(os.tmpdir() + '/chrome-');
fs.mkdirSync(udd + '/Default'); // allow third-party storage so the webview service worker can register
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
const page = ctx.pages()[0] ?? (await ctx.newPage());

async function frameWith(sel, ms = 15000) {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await page.waitForTimeout(100)) {
    for (const f of page.frames()) {
      try {
        if (await f.locator(sel).count()) return f;
      } catch {
        /* frame detached while looking */
      }
    }
  }
  throw new Error('no frame has ' + sel);
}

page.on('console', async (m) => {
  try {
    const text = m.text();
    const snap = /##snap:([\w.-]+)(?:\|(.+?))?\s*$/.exec(text);
    const probe = /##(read|click|press|reload):([\w.-]+)\|(.+?)\s*$/.exec(text);
    if (/##reloaded\s*$/.test(text)) {
      // The suite runs in the fresh extension host: from now on an exit is its own. (The dying host may
      // still report its exit after the new page has loaded, so the page's load event is not enough.)
      reloading = false;
      console.log('[driver] the reloaded extension host runs the suite');
    } else if (probe && SNAP_DIR) {
      // In-host tests ask the driver to read text from (or click) the workbench or a webview frame; the
      // answer goes to <SNAP_DIR>/<name>.txt, written through a rename so a half-written file is never read.
      const [, verb, name, arg] = probe;
      let answer;
      try {
        if (verb === 'press') {
          await page.keyboard.press(arg);
          answer = 'pressed';
        } else if (verb === 'reload') {
          reloading = true;
          reloads++;
          answer = 'expecting a reload';
        } else {
          const f = await frameWith(arg);
          if (verb === 'click') {
            await f.locator(arg).first().click();
            answer = 'clicked';
          } else answer = (await f.locator(arg).allInnerTexts()).join('\n');
        }
      } catch (e) {
        answer = `##error ${e.message.split('\n')[0]}`;
      }
      fs.writeFileSync(`${SNAP_DIR}/.${name}.txt`, answer);
      fs.renameSync(`${SNAP_DIR}/.${name}.txt`, `${SNAP_DIR}/${name}.txt`);
    } else if (snap && SNAP_DIR) {
      let note = '';
      if (snap[2]) {
        try {
          const f = await frameWith(snap[2]);
          note = JSON.stringify((await f.locator(snap[2]).first().innerText()).slice(0, 300));
        } catch (e) {
          note = e.message;
        }
      }
      const tmp = `${SNAP_DIR}/.${snap[1]}.png`;
      await page.screenshot({ path: tmp });
      fs.renameSync(tmp, `${SNAP_DIR}/${snap[1]}.png`);
      console.log(`[driver] screenshot ${SNAP_DIR}/${snap[1]}.png ${note}`);
    } else if (/^%c INFO/.test(text)) {
      const args = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?')));
      console.log(format(...args.slice(2)));
    } else if (/^%c (ERR|WARN)/.test(text) && process.env.DRIVER_VERBOSE) {
      console.log(text);
    }
  } catch (e) {
    console.log('[driver] console handler:', e.message.split('\n')[0]);
  }
});
let reloading = false;
let reloads = 0;
page.on('load', () => reloading && console.log(`[driver] the window reloaded (reload ${reloads})`));
const exited = new Promise((res) =>
  page.exposeFunction('codeAutomationExit', (code) => {
    if (reloading)
      console.log(`[driver] the extension host being reloaded exited with ${code}; waiting for the reloaded window`);
    else res(code);
  }),
);
// Loading the workbench can take well over the default 30 s on a loaded 2-core machine.
await page.goto(url, { timeout: 300_000 });
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
console.log(`[driver] extension host exited with ${code}`);
if (SNAP_DIR) await page.screenshot({ path: `${SNAP_DIR}/final.png` }).catch(() => {});
await ctx.close();
fs.rmSync(udd, { recursive: true, force: true });
process.exit(code === 0 ? 0 : 1);
