// /proc helpers for the orphan checks: processes whose command line carries a marker or whose cwd lies
// inside a folder. Linux only (the suite's CI and dev box); elsewhere the checks find nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
  cwd?: string;
}

export function listProcs(): ProcInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcInfo[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const pid = Number(n);
    if (pid === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue; // a zombie is dead; its parent reaps it
      const cmdline = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd: string | undefined;
      try {
        cwd = fs.readlinkSync(`/proc/${n}/cwd`);
      } catch {
        cwd = undefined;
      }
      const ppid = Number(/\) \S+ (\d+)/.exec(stat)?.[1] ?? 0);
      out.push({ pid, ppid, cmdline, cwd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Live processes that mention `marker`, or run inside `folder` and are not this process's own children (its git commands). */
export function strays(marker: string, folder?: string): ProcInfo[] {
  return listProcs().filter(
    (p) =>
      p.cmdline.includes(marker) ||
      (folder && p.ppid !== process.pid && p.cwd && (p.cwd === folder || p.cwd.startsWith(folder + path.sep))),
  );
}

/** Waits up to `ms` for no stray to remain; returns the ones left. */
export async function waitNoStrays(marker: string, folder: string | undefined, ms = 3000): Promise<ProcInfo[]> {
  const t0 = Date.now();
  for (;;) {
    const left = strays(marker, folder);
    if (!left.length || Date.now() - t0 > ms) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
