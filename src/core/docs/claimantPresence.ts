import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJsonLine } from '../agents/lineSplitter';
import { isProcessAliveAsync, parseProcStat } from '../agents/processTree';

/**
 * Which process of a clone publishes its design-docs branch (issue 23, fencing). A claimant — VS Code or `spectask
 * run --push` with claims, `spectask worker` — pushes the branch itself, every push leased on its claims, and its
 * local branch can hold commits of a task whose claim it has just lost (put back before its next push). Any other
 * process of the same clone (`spectask sync` by hand, a VS Code window without `spectask.pushToRemote`) that
 * pushed that branch would push around the fence, so a claimant records that it is live in the clone and the
 * others integrate only while it runs (DesignDocsSync).
 *
 * The record is `<git-dir>/spectask/claimants/<pid>.json` (machine-local, never on the shared branch): the pid, its
 * start time (a later process that reused the pid is not taken for it) and what it is. It is removed when the
 * claimant stops or its process exits; a SIGKILLed claimant's record is stale once its process is gone.
 */

export interface ClaimantRecord {
  v: 1;
  pid: number;
  /** The process's start time as the OS tells it ('' where it does not). */
  processStart: string;
  /** What it is, for the person: `spectask run --push`, `spectask worker`, `VS Code`. */
  label: string;
}

const MAX_RECORD_BYTES = 4096;

export function claimantsDir(commonDir: string): string {
  return path.join(commonDir, 'spectask', 'claimants');
}

/** This process's records (common dir → file): removed on exit. */
const mine = new Map<string, string>();
let exitHook = false;

/**
 * Records this process as a live claimant of the clone whose git dir is `commonDir` (idempotent); it stays until
 * {@link unmarkClaimant} or the process exits. False when the record could not be written (a read-only git dir):
 * the claimant still fences its own pushes, but a sync of another process of the clone is not held back.
 */
export function markClaimant(commonDir: string, label = describeThisProcess()): boolean {
  const file = path.join(claimantsDir(commonDir), `${process.pid}.json`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const record: ClaimantRecord = { v: 1, pid: process.pid, processStart: ownStartTime(), label };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    return false;
  }
  mine.set(commonDir, file);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const f of mine.values()) fs.rmSync(f, { force: true });
    });
  }
  return true;
}

/** This process no longer publishes the clone's branch (its claimant was disposed). */
export function unmarkClaimant(commonDir: string): void {
  const file = mine.get(commonDir) ?? path.join(claimantsDir(commonDir), `${process.pid}.json`);
  mine.delete(commonDir);
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Left behind: stale as soon as this process is gone.
  }
}

/**
 * The live claimants of the clone other than this process (whose own claimant, if any, is reached in-process:
 * DesignDocsSync.publishThrough). A record is ignored when it does not parse, is not a regular file, or names a
 * process that is gone (pid + start time).
 */
export async function otherLiveClaimants(commonDir: string): Promise<ClaimantRecord[]> {
  const dir = claimantsDir(commonDir);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const out: ClaimantRecord[] = [];
  for (const name of names) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    const r = parseClaimantRecord(readRecordFile(path.join(dir, name)));
    if (!r || r.pid !== Number(m[1])) continue;
    if (await isProcessAliveAsync({ pid: r.pid, startTime: r.processStart })) out.push(r);
  }
  return out;
}

/** A record's content, or undefined when anything about it is not what {@link markClaimant} writes. */
export function parseClaimantRecord(text: string | undefined): ClaimantRecord | undefined {
  const r = text === undefined ? undefined : parseJsonLine(text);
  const { v, pid, processStart, label } = r ?? {};
  if (v !== 1 || typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof processStart !== 'string' || processStart.length > 40) return undefined;
  // Shown to the person: a short plain label only.
  if (typeof label !== 'string' || !/^[\w .+:@/-]{1,60}$/.test(label)) return undefined;
  return { v, pid, processStart, label };
}

/**
 * What this process is, for another process's message: a `spectask` command line (run, worker) or VS Code's
 * extension host (VS Code starts it with its entry point in the environment).
 */
export function describeThisProcess(argv: readonly string[] = process.argv, env = process.env): string {
  if (/^(spectask|cli\.js|cliFull\.js)$/.test(path.basename(argv[1] ?? ''))) {
    const command = argv.slice(2).find((a) => !a.startsWith('-'));
    if (command === 'run') return 'spectask run --push';
    if (command === 'worker') return 'spectask worker';
    return 'spectask';
  }
  if (/extensionHostProcess$/.test(env.VSCODE_ESM_ENTRYPOINT ?? env.VSCODE_AMD_ENTRYPOINT ?? '')) return 'VS Code';
  return 'a SpecTask process';
}

/**
 * The git dir shared by the worktrees of the repository `worktreePath` belongs to, read from git's own files
 * (gitrepository-layout: a linked worktree's `.git` file names its git dir, whose `commondir` names the shared one).
 */
export function commonDirOf(worktreePath: string): string {
  const dotGit = path.join(worktreePath, '.git');
  if (fs.statSync(dotGit).isDirectory()) return fs.realpathSync(dotGit);
  const gitDir = /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!gitDir) throw new Error(`${dotGit} names no git dir`);
  const own = path.resolve(worktreePath, gitDir);
  let common = own;
  try {
    common = path.resolve(own, fs.readFileSync(path.join(own, 'commondir'), 'utf8').trim());
  } catch {
    // No commondir: the git dir is the shared one.
  }
  return fs.realpathSync(common);
}

function ownStartTime(): string {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8'))?.startTime ?? '';
  } catch {
    return '';
  }
}

/** The file's text when it is a small regular file (never through a symbolic link), else undefined. */
function readRecordFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    return st.isFile() && st.size <= MAX_RECORD_BYTES ? fs.readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
