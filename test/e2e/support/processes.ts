import * as fs from 'node:fs';

/** PIDs of live (non-zombie) processes whose command line contains `marker`: what a cancel must leave behind = none. */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmd.includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') found.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Waits until `pred` holds or `ms` passes. */
export async function waitFor(pred: () => boolean, ms: number, step = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return pred();
}

/** A long-running tool command carrying a unique marker, for cancel tests (claude blocks a bare `sleep`). */
export function longCommand(marker: string): string {
  return `node -e "setTimeout(() => {}, 60000)" ${marker}`;
}

/** Live processes whose working directory lies inside `dir` (an agent of this machine still running). */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!cmdline) continue; // exiting: its memory, and with it its command line, is already gone
      found.push(`${name} ${cmdline.slice(0, 100)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * Removes a test's temporary folder once no process works inside it any more (up to 10 s), and with retries. An
 * ACP adapter's own agent process (claude-agent-acp's `claude`) outlives the adapter by about a second after a
 * finished run, saving its state into the test's scratch home (CI33: ENOTEMPTY in an after-each hook). Still
 * running after 10 s, it is a leftover, and the folder's removal says so.
 */
export function removeWhenIdle(folder: string): void {
  const end = Date.now() + 10_000;
  while (processesIn(folder).length && Date.now() < end)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const left = processesIn(folder);
  try {
    fs.rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (e) {
    throw new Error(`${(e as Error).message} (processes still working inside: ${left.join('; ') || 'none'})`);
  }
}
