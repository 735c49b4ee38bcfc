import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentRun } from './agentBackend';
import type { AgentEvent, ResultEvent, UsageTotals } from './agentEvents';
import { redactSecrets } from './redactSecrets';

/** Usage summed over runs, with how many runs reported anything. */
export interface TranscriptTotals extends UsageTotals {
  runs: number;
}

const SAFE_ID = /^[\w.-]+$/;

// Transcripts hold prompts, code and tool output: readable by the user alone, whatever the umask.
const PRIVATE_DIR = { recursive: true, mode: 0o700 } as const;
const PRIVATE_FILE = { mode: 0o600 } as const;

/** One transcript file's writer while its run records: lines waiting, the batch being written, bytes known on disk. */
interface FileWriter {
  queued: string[];
  /** The batch whose write is in flight (its bytes may be partly on disk). */
  inflight?: string;
  /** The file's size once every completed write of ours landed; reads stop there while a write is in flight. */
  confirmedBytes?: number;
  /** The run ended (or the store was disposed): write what is queued, close the file, stop. */
  ended: boolean;
  /** Wakes the writer waiting for lines. */
  wake?: () => void;
  /** Callers of flush() waiting for the queue to be on disk. */
  drained: (() => void)[];
  done?: Promise<void>;
}

/**
 * Every run's normalized events as JSONL, one file per run:
 * `<dir>/<taskId>/<runId>.jsonl`, where `dir` is normally `<git-dir>/spectask/transcripts`. Events are written
 * as they happen (so a crash keeps everything up to the last write), with secrets redacted first.
 *
 * Writes never block the event loop: each file has an ordered queue, events arriving while a write is in
 * flight go out together in the next one, and {@link read} also returns what is still queued. The file stays
 * open while its run records (one write per batch, instead of an open, a stat and a close for each: with 32
 * agents the transcript writes were a quarter of the host's work in the long event-loop stalls of
 * `npm run bench`). {@link flush} resolves once everything is on disk; after {@link dispose} (shutdown)
 * events are written at once.
 */
export class TranscriptStore {
  private readonly writers = new Map<string, FileWriter>();
  private disposed = false;

  constructor(
    readonly dir: string,
    private readonly secrets: () => readonly string[] = () => [],
  ) {}

  fileFor(taskId: string, runId: string): string {
    if (!SAFE_ID.test(taskId) || !SAFE_ID.test(runId) || taskId.startsWith('.') || runId.startsWith('.'))
      throw new Error(`unsafe transcript id: ${taskId}/${runId}`);
    return path.join(this.dir, taskId, `${runId}.jsonl`);
  }

  /**
   * Appends one event synchronously (one-off writes, tests). The live path, {@link record}, writes
   * asynchronously; an event for a file that has writes pending joins that file's queue to keep the order.
   */
  append(taskId: string, event: AgentEvent): void {
    const file = this.fileFor(taskId, event.runId);
    const line = this.line(event);
    const w = this.writers.get(file);
    if (w) {
      push(w, line);
      return;
    }
    fs.mkdirSync(path.dirname(file), PRIVATE_DIR);
    fs.appendFileSync(file, line, PRIVATE_FILE);
  }

  /** Records every event of `run`, from the first (already buffered ones included) to the result. */
  async record(taskId: string, run: AgentRun): Promise<void> {
    const files = new Set<string>();
    try {
      for await (const e of run.events) {
        const file = this.fileFor(taskId, e.runId);
        files.add(file);
        this.enqueue(file, this.line(e));
      }
    } finally {
      for (const file of files) {
        const w = this.writers.get(file);
        if (!w) continue;
        end(w);
        await w.done;
      }
    }
  }

  /** Resolves once every event handed over so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.writers.values()]
        .filter((w) => w.queued.length > 0 || w.inflight !== undefined)
        .map((w) => new Promise<void>((resolve) => w.drained.push(resolve))),
    );
  }

  /** Shutdown: pending writes still complete, files close, and later events (the results of cancelled runs) are written at once. */
  dispose(): void {
    this.disposed = true;
    for (const w of this.writers.values()) end(w);
  }

  private line(event: AgentEvent): string {
    return `${redactSecrets(JSON.stringify(event), this.secrets())}\n`;
  }

  private enqueue(file: string, line: string): void {
    let w = this.writers.get(file);
    if (!w) {
      if (this.disposed) {
        fs.mkdirSync(path.dirname(file), PRIVATE_DIR);
        fs.appendFileSync(file, line, PRIVATE_FILE);
        return;
      }
      w = { queued: [line], ended: false, drained: [] };
      this.writers.set(file, w);
      w.done = this.drain(file, w);
      return;
    }
    push(w, line);
  }

  /** Writes the file's queue in order, one batch at a time, until its run ended and the queue is empty. */
  private async drain(file: string, w: FileWriter): Promise<void> {
    try {
      await fs.promises.mkdir(path.dirname(file), PRIVATE_DIR);
      const handle = await fs.promises.open(file, 'a', PRIVATE_FILE.mode);
      try {
        w.confirmedBytes = (await handle.stat()).size;
        for (;;) {
          while (w.queued.length) {
            const batch = w.queued.join('');
            w.queued = [];
            w.inflight = batch;
            await handle.appendFile(batch);
            w.confirmedBytes += Buffer.byteLength(batch);
            w.inflight = undefined;
          }
          for (const resolve of w.drained.splice(0)) resolve();
          if (w.ended) break;
          await new Promise<void>((resolve) => (w.wake = resolve));
        }
      } finally {
        await handle.close();
      }
    } catch {
      // The transcript is a record, never a reason for a run to fail (disk full, folder removed).
    } finally {
      this.writers.delete(file);
      for (const resolve of w.drained.splice(0)) resolve();
      // Lines queued by `append` after the loop ended but before this point (none in practice): keep them.
      if (w.queued.length) {
        try {
          fs.appendFileSync(file, w.queued.join(''), PRIVATE_FILE);
        } catch {
          // as above
        }
      }
    }
  }

  /** The events of one run, including any not yet written; a torn last line (crash mid-write) is skipped. */
  read(taskId: string, runId: string): AgentEvent[] {
    const file = this.fileFor(taskId, runId);
    const w = this.writers.get(file);
    let text: string;
    try {
      const bytes = fs.readFileSync(file);
      // While a write is in flight, the bytes past what our completed writes account for are a prefix of it:
      // take the in-memory copy instead.
      text = (w?.confirmedBytes !== undefined ? bytes.subarray(0, w.confirmedBytes) : bytes).toString('utf8');
    } catch {
      text = '';
    }
    if (w) text += (w.inflight ?? '') + w.queued.join('');
    const events: AgentEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as AgentEvent);
      } catch {
        // torn line
      }
    }
    return events;
  }

  /** Run ids with a transcript for this task, oldest first. */
  listRuns(taskId: string): string[] {
    const d = path.join(this.dir, taskId);
    if (!SAFE_ID.test(taskId) || !fs.existsSync(d)) return [];
    return fs
      .readdirSync(d)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => ({ id: f.slice(0, -'.jsonl'.length), at: fs.statSync(path.join(d, f)).mtimeMs }))
      .sort((a, b) => a.at - b.at)
      .map((r) => r.id);
  }

  /** The run's usage: from its result, else the last cumulative usage event (a run that died mid-way). */
  runTotals(taskId: string, runId: string): UsageTotals | undefined {
    const events = this.read(taskId, runId);
    const result = events.find((e): e is ResultEvent => e.t === 'result');
    if (result?.usage) return result.usage;
    const last = [...events].reverse().find((e) => e.t === 'usage');
    if (!last || last.t !== 'usage') return undefined;
    const { inputTokens, outputTokens, cacheReadTokens, costUsd } = last;
    return { inputTokens, outputTokens, cacheReadTokens, costUsd };
  }

  /** Token and cost totals over every run of a task, where the back-ends reported them. */
  taskTotals(taskId: string): TranscriptTotals {
    return sumUsage(this.listRuns(taskId).map((r) => this.runTotals(taskId, r)));
  }
}

function push(w: FileWriter, line: string): void {
  w.queued.push(line);
  wake(w);
}

function end(w: FileWriter): void {
  w.ended = true;
  wake(w);
}

function wake(w: FileWriter): void {
  const resolve = w.wake;
  w.wake = undefined;
  resolve?.();
}

/** Adds usage records; a field stays undefined when no record had it. */
export function sumUsage(list: readonly (UsageTotals | undefined)[]): TranscriptTotals {
  const t: TranscriptTotals = { runs: 0 };
  for (const u of list) {
    if (!u) continue;
    t.runs++;
    for (const k of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'costUsd'] as const) {
      if (u[k] !== undefined) t[k] = (t[k] ?? 0) + u[k]!;
    }
  }
  return t;
}
