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

export { processesIn, removeWhenIdle } from '../../support/processesInFolder';
