// Shared helpers for the benchmarks in bench/*.bench.ts (run by `npm run bench`). A benchmark prints its
// figures and writes them as JSON to $BENCH_RESULT_FILE; scripts/bench-all.mjs gathers them into
// bench/results.json and one table. Every figure should carry a reference measured in the same run.
import * as fs from 'node:fs';

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
    const ref = f.reference ? `  (ref ${f.reference.label}: ${round(f.reference.value)} ${f.reference.unit}; ratio ${round(f.value / f.reference.value)}×)` : '';
    console.log(`${bench} | ${f.metric}: ${round(f.value)} ${f.unit}${ref}${f.target ? `  target ${f.target}` : ''}`);
  }
  if (process.env.BENCH_RESULT_FILE) fs.writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ bench, figures }, null, 2));
}

/** High-resolution milliseconds. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
