// The fault suite's tally (issue 10 "Report"). Every test file is bundled on its own by esbuild, so each
// bundle gets its own copy of this module: the numbers live on `globalThis`, shared by all of them, and the
// one `after` hook that prints the table and writes test-results/faults.json is registered only once.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FaultTally {
  faultsInjected: number;
  faultsSurvived: number;
  inputsTried: number;
  inputsRejectedCleanly: number;
  inputsAccepted: number;
  inputsCrashed: number;
  violations: string[];
  /** Per-area lines: what was tried and what survived. */
  areas: Record<
    string,
    {
      faults: number;
      survived: number;
      inputs: number;
      rejected: number;
      accepted: number;
      crashed: number;
      violations: number;
    }
  >;
  startedAt: number;
}

const KEY = '__spectaskFaultTally';
const g = globalThis as unknown as Record<string, unknown>;
if (!g[KEY]) {
  g[KEY] = {
    faultsInjected: 0,
    faultsSurvived: 0,
    inputsTried: 0,
    inputsRejectedCleanly: 0,
    inputsAccepted: 0,
    inputsCrashed: 0,
    violations: [],
    areas: {},
    startedAt: Date.now(),
  } satisfies FaultTally;
  // A root-level hook: runs once after every file's suites.
  after(function () {
    report(g[KEY] as FaultTally);
  });
}
export const tally = g[KEY] as FaultTally;

function area(name: string) {
  return (tally.areas[name] ??= {
    faults: 0,
    survived: 0,
    inputs: 0,
    rejected: 0,
    accepted: 0,
    crashed: 0,
    violations: 0,
  });
}

/** One injected fault; `violations` are the invariants found broken after it (empty = survived). */
export function recordFault(areaName: string, what: string, violations: readonly string[]): void {
  const a = area(areaName);
  tally.faultsInjected++;
  a.faults++;
  if (violations.length === 0) {
    tally.faultsSurvived++;
    a.survived++;
  } else {
    a.violations += violations.length;
    for (const v of violations) tally.violations.push(`${areaName}: ${what}: ${v}`);
    console.log(`    ✗ ${areaName}: ${what}: ${violations.join('; ')}`);
  }
}

/** One bad input: rejected cleanly, accepted (valid after all / repaired), or crashed (threw where it must not). */
export function recordInput(areaName: string, outcome: 'rejected' | 'accepted' | 'crashed', detail?: string): void {
  const a = area(areaName);
  tally.inputsTried++;
  a.inputs++;
  if (outcome === 'rejected') {
    tally.inputsRejectedCleanly++;
    a.rejected++;
  } else if (outcome === 'accepted') {
    tally.inputsAccepted++;
    a.accepted++;
  } else {
    tally.inputsCrashed++;
    a.crashed++;
    a.violations++;
    tally.violations.push(`${areaName}: crashed on input: ${detail ?? '(no detail)'}`);
  }
}

/** An invariant broken outside a single fault or input (e.g. a final history check). */
export function recordViolation(areaName: string, what: string): void {
  area(areaName).violations++;
  tally.violations.push(`${areaName}: ${what}`);
  console.log(`    ✗ ${areaName}: ${what}`);
}

function report(t: FaultTally): void {
  const secs = ((Date.now() - t.startedAt) / 1000).toFixed(1);
  const rows = Object.entries(t.areas).map(
    ([name, a]) =>
      `| ${name} | ${a.faults || ''} | ${a.faults ? a.survived : ''} | ${a.inputs || ''} | ${a.inputs ? a.rejected : ''} | ${a.inputs ? a.accepted : ''} | ${a.inputs ? a.crashed : ''} | ${a.violations} |`,
  );
  const table = [
    '| area | faults injected | survived | inputs tried | rejected cleanly | accepted | crashed | invariant violations |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    `| **total** | **${t.faultsInjected}** | **${t.faultsSurvived}** | **${t.inputsTried}** | **${t.inputsRejectedCleanly}** | **${t.inputsAccepted}** | **${t.inputsCrashed}** | **${t.violations.length}** |`,
  ].join('\n');
  console.log(`\nFault-injection summary (${secs} s)\n\n${table}\n`);
  if (t.violations.length) console.log(`Invariant violations:\n${t.violations.map((v) => `  - ${v}`).join('\n')}\n`);
  const out = path.resolve('test-results/faults.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ ...t, durationSeconds: Number(secs), finishedAt: new Date().toISOString(), table }, null, 2) +
      '\n',
  );
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}
