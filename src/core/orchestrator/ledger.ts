import * as fs from 'node:fs';
import * as path from 'node:path';

/** The program an ACP run spoke to: its name in the agent list and the argv it was started with. */
export interface LedgerAgent {
  name: string;
  argv: string[];
}

/** One run the orchestrator started: written BEFORE the process starts, so a reload can find it. */
export interface LedgerRunStarted {
  kind: 'run-started';
  runId: string;
  taskId: string;
  phase: 'planning' | 'implementation';
  backend: string;
  /**
   * The ACP agent behind the `acp` back-end (one back-end, many agents): the session belongs to that agent,
   * so a restart resumes it only there. Absent for the other back-ends and in ledgers written before it.
   */
  agent?: LedgerAgent;
  sessionId?: string;
  /** The code worktree (implementation) or design-docs worktree (planning) the agent works in. */
  cwd: string;
  /** HEAD of the task branch when the run started, for deciding what the run changed. */
  baseSha?: string;
  at: number;
}

export interface LedgerRunAttached {
  kind: 'run-attached';
  runId: string;
  pid?: number;
  /** The process's start time (from /proc), so a PID reused after a reboot is never mistaken for it. */
  processStartTime?: string;
  /**
   * The agent session the run reported. Session ids live here, on this machine only: a restart resumes this one,
   * never a value from spectask.json (shared with teammates, so it must never reach an agent's argv).
   */
  sessionId?: string;
  at: number;
}

export interface LedgerRunEnded {
  kind: 'run-ended';
  runId: string;
  outcome: string;
  at: number;
}

export type LedgerEntry = LedgerRunStarted | LedgerRunAttached | LedgerRunEnded;

/** What a run looks like after replaying the ledger. */
export interface LedgerRun extends LedgerRunStarted {
  pid?: number;
  processStartTime?: string;
  endedAt?: number;
  outcome?: string;
}

/**
 * Append-only JSONL ledger of runtime facts that do not belong on the design-docs branch (DESIGN.md §4):
 * `<git-dir>/spectask/ledger.jsonl`. Each append writes one whole line + `fsync` (or, failing, leaves the
 * file as it was), so only a crash can leave a torn last line, which replay skips. Replay yields the runs
 * that never ended: the ones to resume.
 */
export class RunLedger {
  readonly file: string;
  /** Appends from this process go one at a time, so the torn-line check and the write are not interleaved. */
  private tail: Promise<void> = Promise.resolve();

  constructor(gitDir: string) {
    this.file = path.join(gitDir, 'spectask', 'ledger.jsonl');
  }

  append(entry: LedgerEntry): Promise<void> {
    const next = this.tail.then(() => this.appendNow(entry));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async appendNow(entry: LedgerEntry): Promise<void> {
    // The user's alone: runs, sessions and costs are nobody else's business on a shared machine.
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const fh = await fs.promises.open(this.file, 'a+', 0o600);
    try {
      // A torn line from an earlier crash must not swallow this entry: start on a fresh line.
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      // One write call may land only in part (a full disk with room left in the file's last page reports no
      // error for that): write until done, and on failure cut the file back to where it was, so it holds the
      // whole line or nothing and the caller learns the entry was not recorded.
      const line = Buffer.from(prefix + JSON.stringify(entry) + '\n');
      try {
        for (let off = 0; off < line.length;) {
          const { bytesWritten } = await fh.write(line, off, line.length - off);
          if (bytesWritten <= 0) throw new Error(`could not append to ${this.file}: nothing was written`);
          off += bytesWritten;
        }
        await fh.sync();
      } catch (e) {
        await fh.truncate(size).catch(() => undefined);
        throw e;
      }
    } finally {
      await fh.close();
    }
  }

  /** Every run in the ledger, latest facts merged, in start order. Unknown or torn lines are skipped. */
  async runs(): Promise<LedgerRun[]> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return replay(text);
  }

  /**
   * {@link interruptedRuns}, read synchronously: for an extension host that is shutting down and may exit
   * before any asynchronous read completes.
   */
  interruptedRunsSync(): LedgerRun[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return replay(text).filter((r) => r.endedAt === undefined);
  }

  /** Runs that started and never ended: interrupted by a crash, a kill or a reload. */
  async interruptedRuns(): Promise<LedgerRun[]> {
    return (await this.runs()).filter((r) => r.endedAt === undefined);
  }
}

/** Replays ledger lines into runs, latest facts merged, in start order; unknown or torn lines are skipped. */
function replay(text: string): LedgerRun[] {
  const runs = new Map<string, LedgerRun>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: LedgerEntry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // torn write from a crash
    }
    if (entry.kind === 'run-started' && typeof entry.runId === 'string') runs.set(entry.runId, { ...entry });
    else if (entry.kind === 'run-attached') {
      const r = runs.get(entry.runId);
      if (r)
        Object.assign(r, {
          pid: entry.pid ?? r.pid,
          processStartTime: entry.processStartTime ?? r.processStartTime,
          sessionId: entry.sessionId ?? r.sessionId,
        });
    } else if (entry.kind === 'run-ended') {
      const r = runs.get(entry.runId);
      if (r) Object.assign(r, { endedAt: entry.at, outcome: entry.outcome });
    }
  }
  return [...runs.values()];
}
