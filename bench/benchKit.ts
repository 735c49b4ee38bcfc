// Shared helpers for the benchmarks in bench/*.bench.ts (run by `npm run bench`). A benchmark prints its
// figures and writes them as JSON to $BENCH_RESULT_FILE; scripts/bench-all.mjs gathers them into
// bench/results.json and one table. Every figure should carry a reference measured in the same run.
import * as fs from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface Figure {
  /** What was measured, e.g. "mark → committed p95 (16 writers)". */
  metric: string;
  value: number;
  unit: string;
  /** A baseline measured in the same run, e.g. one bare `git commit`. */
  reference?: { label: string; value: number; unit: string };
  /** Stated target from DESIGN.md §10 where there is one, e.g. "≤ 150 ms". */
  target?: string;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

export function report(bench: string, figures: Figure[]): void {
  for (const f of figures) {
    const ref = f.reference
      ? `  (ref ${f.reference.label}: ${round(f.reference.value)} ${f.reference.unit}; ratio ${round(f.value / f.reference.value)}×)`
      : '';
    console.log(`${bench} | ${f.metric}: ${round(f.value)} ${f.unit}${ref}${f.target ? `  target ${f.target}` : ''}`);
  }
  if (process.env.BENCH_RESULT_FILE)
    fs.writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ bench, figures }, null, 2));
}

/** High-resolution milliseconds. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Event-loop lag: how late a timer due every `resolutionMs` actually runs. Node's `monitorEventLoopDelay`
 * records the whole interval between two runs of its timer (an idle loop at 5 ms resolution shows a p50 of
 * 5.1 ms), so the timer's own period is taken off: what is left is the delay the loop added.
 */
export class LagMeter {
  private readonly h: IntervalHistogram;
  constructor(readonly resolutionMs = 5) {
    this.h = monitorEventLoopDelay({ resolution: resolutionMs });
  }
  enable(): void {
    this.h.enable();
  }
  disable(): void {
    this.h.disable();
  }
  /** The p-th percentile of the delay beyond the timer's period, in ms. */
  percentile(p: number): number {
    return lagBeyondTimer(this.h.percentile(p) / 1e6, this.resolutionMs);
  }
  get max(): number {
    return lagBeyondTimer(this.h.max / 1e6, this.resolutionMs);
  }
}

/** An interval measured by `monitorEventLoopDelay`, less the timer's own period (never below 0). */
export const lagBeyondTimer = (intervalMs: number, resolutionMs: number): number =>
  Math.max(0, intervalMs - resolutionMs);
