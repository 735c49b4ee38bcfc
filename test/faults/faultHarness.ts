// The fault tier's agent on the shared orchestrator harness (test/support/orchestratorHarness.ts): a REAL agent
// process, the fixture agent CLI (test/fixtures/custom-agent/agent.mjs) through the custom-command back-end, so
// the faults are real signals to real process trees. Plus what the fault suites check on the results.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CustomCommandBackend } from '../../src/core/agents/customCommandBackend';
import type { CliRunOptions } from '../../src/core/agents/processRunner';
import type { OrchestratorSettings } from '../../src/core/orchestrator/settings';
import { openOrchestratorHarness, type OrchestratorHarness } from '../support/orchestratorHarness';
import { git } from '../support/tempRepo';

export { waitForStatus } from '../support/orchestratorHarness';

export const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');

export interface FaultHarness extends OrchestratorHarness {
  /** Appears in every agent's command line (orphan checks scan /proc for it). */
  marker: string;
}

export interface FaultHarnessOptions {
  pauseMs: number;
  env?: Record<string, string>;
  overrides?: Partial<OrchestratorSettings>;
  /** The agent's script and its leading arguments (default the fixture agent); `{prompt}`, pause and marker follow. */
  agent?: string[];
  /** Runner knobs (a short grace period for agents that ignore the soft interrupt). */
  runOptions?: CliRunOptions;
  /** Push the design-docs branch after each commit (the teammate test). */
  push?: boolean;
}

export async function makeFaultHarness(repo: string, opts: FaultHarnessOptions): Promise<FaultHarness> {
  const marker = `spectask-fault-marker-${randomUUID()}`;
  const backend = new CustomCommandBackend(
    'fixture agent',
    {
      command: process.execPath,
      args: [...(opts.agent ?? [AGENT]), '{prompt}', String(opts.pauseMs), marker],
      env: opts.env,
    },
    opts.runOptions,
  );
  const h = await openOrchestratorHarness(repo, { backends: [backend], settings: opts.overrides, push: opts.push });
  return { ...h, marker };
}

/** Creates a SpecTask whose tasks.md has `items` unchecked items, committed, and skips planning. */
export async function createImplementationTask(
  h: FaultHarness,
  title: string,
  items: number,
): Promise<{ id: string; tasksFile: string; rel: string; itemTexts: string[] }> {
  const id = await h.orchestrator.create({ title, prompt: `fault test ${title}` });
  const t = h.orchestrator.task(id)!;
  const itemTexts = Array.from({ length: items }, (_, i) => `T${i + 1}: step ${i + 1}`);
  const tasksFile = path.join(t.path, 'tasks.md');
  fs.writeFileSync(tasksFile, `# Implementation Tasks: ${title}\n\n${itemTexts.map((x) => `- [ ] ${x}`).join('\n')}\n`);
  await h.docs.store.commitFolder(id, 'checklist for the fault test');
  await h.orchestrator.skipPlanning(id);
  return { id, tasksFile, rel: path.relative(h.docsWorktree, tasksFile), itemTexts };
}

/** The checklist lines `- [s] text` of a tasks.md text, as text → state. */
export function itemStates(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const r = /^- \[([ x~])\] (.*)$/.exec(line);
    if (r) m.set(r[2], r[1]);
  }
  return m;
}

export function ticked(text: string): Set<string> {
  return new Set([...itemStates(text)].filter(([, s]) => s === 'x').map(([t]) => t));
}

/** Every version of `rel` on the design-docs branch, oldest first. */
export function historyOf(docsWt: string, rel: string): string[] {
  const shas = git(docsWt, 'log', '--format=%H', '--reverse', '--', rel).split('\n').filter(Boolean);
  return shas.map((s) => {
    try {
      return git(docsWt, 'show', `${s}:${rel}`);
    } catch {
      return ''; // deleted in that commit
    }
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How many commits on the task branch (not on main) carry each subject: the orchestrator's item commits are
 * `T<n>: <text>`, so an item whose commit was lost counts 0 and one committed twice counts 2.
 */
export function commitSubjects(repo: string, branch: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of git(repo, 'log', '--format=%s', `main..${branch}`).split('\n').filter(Boolean))
    counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

/** What is wrong with the item commits of `ticks` (the items ticked so far): missing or duplicated ones. */
export function itemCommitProblems(repo: string, branch: string, ticks: Iterable<string>): string[] {
  const counts = commitSubjects(repo, branch);
  const v: string[] = [];
  for (const t of ticks) {
    const n = counts.get(t) ?? 0;
    if (n !== 1) v.push(`item "${t}" is ticked but has ${n} commits on ${branch}`);
  }
  return v;
}
