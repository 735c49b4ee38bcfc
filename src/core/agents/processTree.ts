import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * Finding and killing a process's whole descendant tree (agent-backends.md §4).
 *
 * Why hand-written instead of `tree-kill`/`pidtree`: both look the tree up at kill time by shelling out to
 * `ps`, but agent tool commands run in their own session and re-parent to PID 1 the moment the agent exits,
 * so the tree must be recorded BEFORE the first signal and killed later from that record. Recording also
 * needs each process's start time, so that a PID reused by an unrelated process in the meantime is never
 * killed; `/proc/<pid>/stat` gives both ppid and start time in one synchronous read.
 */

/** A process as recorded: the start time guards against PID reuse (empty where the OS does not tell). */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

interface ProcInfo {
  ppid: number;
  startTime: string;
}

/** Parses `/proc/<pid>/stat`; the command name may contain spaces and parentheses, so split after the last `)`. */
export function parseProcStat(stat: string): { pid: number; ppid: number; startTime: string } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(stat.slice(0, stat.indexOf(' ')), 10);
  const rest = stat.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, starttime field 22.
  const ppid = Number.parseInt(rest[1] ?? '', 10);
  const startTime = rest[19] ?? '';
  if (!Number.isFinite(pid) || !Number.isFinite(ppid)) return undefined;
  return { pid, ppid, startTime };
}

function readProcTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  if (process.platform === 'linux' && fs.existsSync('/proc/self/stat')) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const p = parseProcStat(fs.readFileSync(`/proc/${name}/stat`, 'utf8'));
        if (p) table.set(p.pid, { ppid: p.ppid, startTime: p.startTime });
      } catch {
        // the process exited while we were reading; it cannot be in the tree any more
      }
    }
    return table;
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [pid, ppid] = line
      .trim()
      .split(/\s+/)
      .map((s) => Number.parseInt(s, 10));
    if (Number.isFinite(pid) && Number.isFinite(ppid)) table.set(pid!, { ppid: ppid!, startTime: '' });
  }
  return table;
}

/** {@link readProcTable} without blocking the event loop (the extension host's): reads go to the thread pool. */
async function readProcTableAsync(): Promise<Map<number, ProcInfo>> {
  if (process.platform !== 'linux') return readProcTable();
  const names = await fs.promises.readdir('/proc').catch(() => undefined);
  if (!names) return readProcTable();
  const table = new Map<number, ProcInfo>();
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map((n) => fs.promises.readFile(`/proc/${n}/stat`, 'utf8').catch(() => undefined)),
  );
  for (const st of stats) {
    const p = st === undefined ? undefined : parseProcStat(st);
    if (p) table.set(p.pid, { ppid: p.ppid, startTime: p.startTime });
  }
  return table;
}

/** The root and all its living descendants, parents before children. */
export function recordProcessTree(rootPid: number): ProcessIdentity[] {
  if (process.platform === 'win32') return [{ pid: rootPid, startTime: '' }];
  return treeFrom(readProcTable(), rootPid);
}

/** {@link recordProcessTree} for the extension host: the /proc reads do not block the event loop. */
export async function recordProcessTreeAsync(rootPid: number): Promise<ProcessIdentity[]> {
  if (process.platform === 'win32') return [{ pid: rootPid, startTime: '' }];
  return treeFrom(await readProcTableAsync(), rootPid);
}

/**
 * The recorded processes and every descendant they have now. A recorded tool shell in a session of its own may
 * fork its command after the record (gemini starts one, then exits on SIGINT): that command is in no process
 * group we signal and in no record. Only processes that are still the recorded ones (same start time) are
 * followed, never a stranger that reused a PID.
 */
export async function withDescendantsAsync(tree: readonly ProcessIdentity[]): Promise<ProcessIdentity[]> {
  if (process.platform === 'win32' || tree.length === 0) return [...tree];
  const table = await readProcTableAsync();
  let out = [...tree];
  for (const p of tree) {
    const now = table.get(p.pid);
    if (now && (p.startTime === '' || now.startTime === p.startTime)) out = mergeTrees(out, treeFrom(table, p.pid));
  }
  return out;
}

/** One process's identity (its start time guards against PID reuse), read without blocking; undefined when gone. */
export async function processIdentity(pid: number): Promise<ProcessIdentity | undefined> {
  if (process.platform !== 'linux') return isProcessAlive({ pid, startTime: '' }) ? { pid, startTime: '' } : undefined;
  const stat = await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const p = stat === undefined ? undefined : parseProcStat(stat);
  return p ? { pid, startTime: p.startTime } : undefined;
}

/** {@link isProcessAlive} without blocking the event loop. */
export async function isProcessAliveAsync(p: ProcessIdentity): Promise<boolean> {
  if (process.platform !== 'linux') return isProcessAlive(p);
  const stat = await fs.promises.readFile(`/proc/${p.pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  const parsed = parseProcStat(stat);
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return !!parsed && state !== 'Z' && (p.startTime === '' || parsed.startTime === p.startTime);
}

function treeFrom(table: Map<number, ProcInfo>, rootPid: number): ProcessIdentity[] {
  const root = table.get(rootPid);
  if (!root) return [];
  const children = new Map<number, number[]>();
  for (const [pid, info] of table) {
    const list = children.get(info.ppid) ?? [];
    list.push(pid);
    children.set(info.ppid, list);
  }
  const result: ProcessIdentity[] = [];
  const queue = [rootPid];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    result.push({ pid, startTime: table.get(pid)!.startTime });
    queue.push(...(children.get(pid) ?? []));
  }
  return result;
}

/** True when the recorded process still runs (same PID and same start time). Zombies count as dead. */
export function isProcessAlive(p: ProcessIdentity): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
      const parsed = parseProcStat(stat);
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return !!parsed && state !== 'Z' && (p.startTime === '' || parsed.startTime === p.startTime);
    } catch {
      return false;
    }
  }
  try {
    process.kill(p.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to every recorded process that is still the same process. Returns how many were signalled. */
export function signalRecorded(tree: readonly ProcessIdentity[], signal: NodeJS.Signals): number {
  if (process.platform === 'win32') {
    for (const p of tree) {
      try {
        execFileSync('taskkill', ['/T', '/F', '/PID', String(p.pid)], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    return tree.length;
  }
  let n = 0;
  for (const p of tree) {
    if (!isProcessAlive(p)) continue;
    try {
      process.kill(p.pid, signal);
      n++;
    } catch {
      // exited between the check and the signal
    }
  }
  return n;
}

/** {@link signalRecorded} without blocking the event loop on the /proc checks. */
export async function signalRecordedAsync(tree: readonly ProcessIdentity[], signal: NodeJS.Signals): Promise<number> {
  if (process.platform === 'win32') return signalRecorded(tree, signal);
  const alive = await Promise.all(tree.map(isProcessAliveAsync));
  let n = 0;
  tree.forEach((p, i) => {
    if (!alive[i]) return;
    try {
      process.kill(p.pid, signal);
      n++;
    } catch {
      // exited between the check and the signal
    }
  });
  return n;
}

/** Merges two records, keeping the first identity seen for each PID. */
export function mergeTrees(a: readonly ProcessIdentity[], b: readonly ProcessIdentity[]): ProcessIdentity[] {
  const seen = new Set(a.map((p) => `${p.pid}:${p.startTime}`));
  return [...a, ...b.filter((p) => !seen.has(`${p.pid}:${p.startTime}`))];
}
