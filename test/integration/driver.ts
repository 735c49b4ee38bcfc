// Checkpoints served by the Playwright driver outside VS Code (scripts/drive-code-server.mjs): the
// extension host cannot see the rendered workbench, so it asks the driver through console lines and
// waits for the answer file. Without SNAP_DIR (e.g. under @vscode/test-electron) they are unavailable.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const driverAvailable = (): boolean => !!process.env.SNAP_DIR;

async function waitForFile(file: string, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!fs.existsSync(file)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Take a screenshot once some frame shows `waitForSelector`; returns the PNG path. */
export async function snap(name: string, waitForSelector?: string, timeoutMs = 30_000): Promise<string> {
  const dir = process.env.SNAP_DIR;
  if (!dir) return '';
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true }); // never accept a stale screenshot
  console.log(`##snap:${name}${waitForSelector ? '|' + waitForSelector : ''}`);
  await waitForFile(file, timeoutMs, `screenshot ${name}`);
  return file;
}

let seq = 0;
async function ask(verb: 'read' | 'click' | 'press' | 'reload', arg: string, timeoutMs: number): Promise<string> {
  const dir = process.env.SNAP_DIR;
  if (!dir) throw new Error('the UI driver is not available (SNAP_DIR unset)');
  const name = `probe-${process.pid}-${++seq}`;
  const file = path.join(dir, `${name}.txt`);
  console.log(`##${verb}:${name}|${arg}`);
  await waitForFile(file, timeoutMs, `${verb} ${arg}`);
  const text = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  if (text.startsWith('##error ')) throw new Error(`${verb} ${arg}: ${text.slice(8)}`);
  return text;
}

/** The innerText of every element matching `selector` in the first frame (workbench or webview) that has one. */
export const readText = (selector: string, timeoutMs = 30_000) => ask('read', selector, timeoutMs);
/** Click the first element matching `selector` in the first frame that has one. */
export const click = (selector: string, timeoutMs = 30_000) => ask('click', selector, timeoutMs);
/** Press a key in the page (Playwright key name). */
export const press = (key: string, timeoutMs = 10_000) => ask('press', key, timeoutMs);

/**
 * Tell the driver the window is about to reload, so the exit the dying extension host reports is not
 * taken for the end of the run. Call it right before `workbench.action.reloadWindow`.
 */
export const announceReload = (timeoutMs = 10_000) => ask('reload', 'window', timeoutMs);

/** Tell the driver the suite runs again in the reloaded window's fresh extension host. */
export const confirmReloaded = () => console.log('##reloaded');

/** Poll `fn` until it returns a truthy value (no fixed sleeps). */
export async function eventually<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
