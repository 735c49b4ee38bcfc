// An in-process orchestrator over a real repository (like test/unit/orchestrator/orchestratorHarness.ts),
// but with a REAL agent process: the fixture agent CLI (test/fixtures/custom-agent/agent.mjs) through the
// custom-command back-end, so the faults are real signals to real process trees.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CustomCommandBackend } from '../../src/core/agents/customCommandBackend';
import type { CliRunOptions } from '../../src/core/agents/processRunner';
import type { TranscriptStore } from '../../src/core/agents/transcriptStore';
import type { OrchestratorNotice } from '../../src/core/orchestrator/orchestrator';
import type { AgentPool } from '../../src/core/agents/agentPool';
import type { DesignDocs } from '../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { openOrchestrator } from '../../src/core/orchestrator/openOrchestrator';
import type { Orchestrator } from '../../src/core/orchestrator/orchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../src/core/orchestrator/settings';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import { git } from '../unit/docs/gitFixture';

export const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');

export interface FaultHarness {
  repo: string;
  docs: DesignDocs;
  orchestrator: Orchestrator;
  pool: AgentPool;
  /** Where every run's events are written (`<git-dir>/spectask/transcripts`). */
  transcripts: TranscriptStore;
  settings: OrchestratorSettings;
  /** Appears in every agent's command line (orphan checks scan /proc for it). */
  marker: string;
  logs: string[];
  /** Every notice the orchestrator raised for the user, in order. */
  notices: OrchestratorNotice[];
  docsWorktree: string;
  /** Resolves when the repository's git queue has nothing left to do. */
  idle(): Promise<void>;
  dispose(): Promise<void>;
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
  const registry = new GitQueueRegistry();
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
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'custom' },
    implementation: { backend: 'custom' },
    reconcileIntervalMs: 0,
    retryBackoffMs: 10,
    maxNudges: 0,
    maxRetries: 0,
    ...opts.overrides,
  };
  const logs: string[] = [];
  // The same assembly the extension and the CLI use, with a real agent process.
  const opened = await openOrchestrator(repo, {
    registry,
    backends: [backend],
    settings: () => settings,
    push: opts.push,
    log: (level, m) => logs.push(`${level}: ${m}`),
  });
  const { docs, orchestrator, pool } = opened;
  const notices: OrchestratorNotice[] = [];
  orchestrator.onDidNotice((n) => notices.push(n));
  await orchestrator.start();
  return {
    repo: docs.repo.root,
    docs,
    orchestrator,
    pool,
    transcripts: opened.transcripts,
    settings,
    marker,
    logs,
    notices,
    docsWorktree: docs.location.worktreePath,
    idle: () => registry.forRepo(docs.repo.root).whenIdle(),
    async dispose() {
      opened.dispose();
      await registry.forRepo(docs.repo.root).whenIdle();
      registry.dispose();
    },
  };
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

export async function waitForStatus(
  h: FaultHarness,
  id: string,
  want: SpecTaskStatus[],
  timeoutMs = 20_000,
): Promise<SpecTaskStatus> {
  const t0 = Date.now();
  for (;;) {
    const s = h.orchestrator.task(id)?.status;
    if (s && want.includes(s)) return s;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `task ${id} is ${s}, not ${want.join('|')} after ${timeoutMs} ms\n${h.logs.slice(-20).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
