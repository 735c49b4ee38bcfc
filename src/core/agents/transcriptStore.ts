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

/**
 * Every run's normalized events as JSONL, one file per run:
 * `<dir>/<taskId>/<runId>.jsonl`, where `dir` is normally `<git-dir>/spectask/transcripts`. Each event is
 * appended as it happens (so a crash keeps everything up to it), with secrets redacted first.
 */
export class TranscriptStore {
  constructor(readonly dir: string, private readonly secrets: () => readonly string[] = () => []) {}

  fileFor(taskId: string, runId: string): string {
    if (!SAFE_ID.test(taskId) || !SAFE_ID.test(runId) || taskId.startsWith('.') || runId.startsWith('.')) throw new Error(`unsafe transcript id: ${taskId}/${runId}`);
    return path.join(this.dir, taskId, `${runId}.jsonl`);
  }

  /** Appends one event. */
  append(taskId: string, event: AgentEvent): void {
    const file = this.fileFor(taskId, event.runId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${redactSecrets(JSON.stringify(event), this.secrets())}\n`);
  }

  /** Records every event of `run`, from the first (already buffered ones included) to the result. */
  async record(taskId: string, run: AgentRun): Promise<void> {
    for await (const e of run.events) this.append(taskId, e);
  }

  /** The events of one run; a torn last line (crash mid-write) is skipped. */
  read(taskId: string, runId: string): AgentEvent[] {
    let text: string;
    try {
      text = fs.readFileSync(this.fileFor(taskId, runId), 'utf8');
    } catch {
      return [];
    }
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
