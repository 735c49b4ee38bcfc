import * as fs from 'node:fs';
import { parseProcStat } from '../processTree';

/**
 * The living children of `pid`, oldest first. bwrap forwards no signal: the sandbox's soft interrupt is sent to
 * the children of its namespace's init (the agent), found here from the host's view of /proc.
 */
export async function childrenOf(pid: number): Promise<number[]> {
  const names = await fs.promises.readdir('/proc').catch(() => [] as string[]);
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map((n) => fs.promises.readFile(`/proc/${n}/stat`, 'utf8').catch(() => undefined)),
  );
  return stats
    .map((st) => (st === undefined ? undefined : parseProcStat(st)))
    .filter((p): p is NonNullable<typeof p> => !!p && p.ppid === pid)
    .sort((a, b) => Number(a.startTime) - Number(b.startTime) || a.pid - b.pid)
    .map((p) => p.pid);
}
