import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Tuning for {@link removeLockIfStale}. */
export interface StaleLockOptions {
  /** A lock younger than this is never touched: git may have just created it. Default 2 s. */
  minAgeMs?: number;
  /** Where no process table can be read (not Linux): only locks older than this are removed. Default 10 min. */
  ageOnlyThresholdMs?: number;
  /** The process table, `/proc` on Linux; injectable for tests. */
  procDir?: string;
}

/** What the check decided, with the reason in words for logs and errors. */
export interface StaleLockVerdict {
  removed: boolean;
  reason: string;
}

/**
 * Removes a git `*.lock` file left behind by a crashed git, but only when it is really stale: it is older than
 * `minAgeMs` and no running git process works in this repository (its cwd or command line is inside one of
 * `repoPaths`). A git we cannot inspect counts as holding the lock. Without a readable `/proc` only the lock's
 * age decides, with a long threshold. Never throws; a lock that vanished meanwhile counts as removed.
 */
export async function removeLockIfStale(
  lockFile: string,
  repoPaths: readonly string[],
  options: StaleLockOptions = {},
): Promise<StaleLockVerdict> {
  const { minAgeMs = 2_000, ageOnlyThresholdMs = 10 * 60_000, procDir = '/proc' } = options;
  let ageMs: number;
  try {
    ageMs = Date.now() - (await fs.stat(lockFile)).mtimeMs;
  } catch {
    return { removed: true, reason: 'the lock is gone' };
  }
  if (ageMs < minAgeMs) return { removed: false, reason: `the lock is only ${Math.round(ageMs)} ms old` };
  const holders = await gitProcessesIn(repoPaths, procDir);
  if (holders === undefined) {
    if (ageMs < ageOnlyThresholdMs)
      return {
        removed: false,
        reason: `cannot list processes here and the lock is younger than ${ageOnlyThresholdMs / 60_000} min`,
      };
  } else if (holders.length > 0) {
    return { removed: false, reason: `git is running in this repository (pid ${holders.join(', ')})` };
  }
  try {
    await fs.rm(lockFile, { force: true });
  } catch (e) {
    return { removed: false, reason: `could not remove it: ${(e as Error).message}` };
  }
  return {
    removed: true,
    reason: `removed a stale lock ${Math.round(ageMs / 1000)} s old with no git process running`,
  };
}

/**
 * Pids of git processes whose working directory or arguments lie inside one of `repoPaths`; undefined when
 * the process table cannot be read at all. A git process whose details we may not read is included.
 */
export async function gitProcessesIn(repoPaths: readonly string[], procDir = '/proc'): Promise<number[] | undefined> {
  let pids: string[];
  try {
    pids = (await fs.readdir(procDir)).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const roots = await Promise.all(
    repoPaths.map(async (p) => withSep(await fs.realpath(p).catch(() => path.resolve(p)))),
  );
  const inside = (p: string) => roots.some((r) => withSep(p).startsWith(r));
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      const comm = (await fs.readFile(path.join(procDir, pid, 'comm'), 'utf8').catch(() => '')).trim();
      if (comm !== 'git' && !comm.startsWith('git-')) return;
      try {
        const cwd = await fs.readlink(path.join(procDir, pid, 'cwd'));
        const args = (await fs.readFile(path.join(procDir, pid, 'cmdline'), 'utf8')).split('\0');
        if (inside(cwd) || args.some((a) => path.isAbsolute(a) && inside(a))) found.push(Number(pid));
      } catch (e) {
        // Gone meanwhile (short-lived git elsewhere on the machine): not a holder. Not allowed to look
        // (another user's git): we cannot tell where it works, so assume it works here.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ESRCH')
          found.push(Number(pid));
      }
    }),
  );
  return found.sort((a, b) => a - b);
}

function withSep(p: string): string {
  return p.endsWith(path.sep) ? p : p + path.sep;
}
