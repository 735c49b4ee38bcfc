// The one orchestrator harness of the unit and fault tiers: a real orchestrator over a real temporary
// repository (design-docs store, watcher, git queue, agent pool, ledger), assembled by openOrchestrator as the
// extension and the CLI assemble it. Only the agent back-ends differ: a scripted replay in the unit tier
// ({@link makeHarness}), the fixture agent as a real process in the fault tier (test/faults/faultHarness.ts).
import type { AgentBackend } from '../../src/core/agents/agentBackend';
import type { AgentPool } from '../../src/core/agents/agentPool';
import type { TranscriptStore } from '../../src/core/agents/transcriptStore';
import type { DesignDocs } from '../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { openOrchestrator } from '../../src/core/orchestrator/openOrchestrator';
import type { Orchestrator, OrchestratorNotice } from '../../src/core/orchestrator/orchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../src/core/orchestrator/settings';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import { ReplayBackend, type ReplayScript } from './replayBackend';
import { cleanupTemp, makeCleanRepo } from './tempRepo';

export interface OrchestratorHarness {
  repo: string;
  docs: DesignDocs;
  orchestrator: Orchestrator;
  pool: AgentPool;
  /** Where every run's events are written (`<git-dir>/spectask/transcripts`). */
  transcripts: TranscriptStore;
  settings: OrchestratorSettings;
  logs: string[];
  /** Every notice the orchestrator raised for the user, in order. */
  notices: OrchestratorNotice[];
  docsWorktree: string;
  /** Resolves when the repository's git queue has nothing left to do. */
  idle(): Promise<void>;
  /** Stops the orchestrator and its agents, waits for the git queue, closes it. */
  dispose(): Promise<void>;
}

export interface OrchestratorHarnessOptions {
  backends: AgentBackend[];
  /** Settings over the test defaults (both phases on the `custom` back-end, no reconcile timer, no retries). */
  settings?: Partial<OrchestratorSettings>;
  /** Push the design-docs branch after each commit. */
  push?: boolean;
}

/** Opens and starts a real orchestrator on `repo` with the given back-ends. */
export async function openOrchestratorHarness(
  repo: string,
  options: OrchestratorHarnessOptions,
): Promise<OrchestratorHarness> {
  const registry = new GitQueueRegistry();
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'custom' },
    implementation: { backend: 'custom' },
    reconcileIntervalMs: 0,
    retryBackoffMs: 10,
    maxNudges: 0,
    maxRetries: 0,
    ...options.settings,
  };
  const logs: string[] = [];
  const opened = await openOrchestrator(repo, {
    registry,
    backends: options.backends,
    settings: () => settings,
    push: options.push,
    log: (level, m) => logs.push(`${level}: ${m}`),
  });
  const { docs, orchestrator, pool } = opened;
  const notices: OrchestratorNotice[] = [];
  orchestrator.onDidNotice((n) => notices.push(n));
  await orchestrator.start();
  const idle = () => registry.forRepo(docs.repo.root).whenIdle();
  return {
    repo: docs.repo.root,
    docs,
    orchestrator,
    pool,
    transcripts: opened.transcripts,
    settings,
    logs,
    notices,
    docsWorktree: docs.location.worktreePath,
    idle,
    async dispose() {
      opened.dispose();
      await idle();
      registry.dispose();
    },
  };
}

/** The unit tier's harness: the agent is a scripted replay (test/support/replayBackend.ts). */
export interface Harness extends OrchestratorHarness {
  backend: ReplayBackend;
}

/** A harness whose agent replays `script`, on a clean repository unless one is given; one nudge allowed. */
export async function makeHarness(
  script: ReplayScript,
  overrides: Partial<OrchestratorSettings> = {},
  repo = makeCleanRepo(),
  extraBackends: AgentBackend[] = [],
): Promise<Harness> {
  const backend = new ReplayBackend(script);
  const h = await openOrchestratorHarness(repo, {
    backends: [backend, ...extraBackends],
    settings: { maxNudges: 1, ...overrides },
  });
  return { ...h, backend };
}

/** Polls until the task reaches one of `status` and returns it (or fails loudly with what it reached instead). */
export async function waitForStatus(
  h: Pick<OrchestratorHarness, 'orchestrator' | 'logs'>,
  id: string,
  status: SpecTaskStatus | SpecTaskStatus[],
  timeoutMs = 20_000,
): Promise<SpecTaskStatus> {
  const want = Array.isArray(status) ? status : [status];
  const t0 = Date.now();
  for (;;) {
    const s = h.orchestrator.task(id)?.status;
    if (s && want.includes(s)) return s;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `task ${id} is ${s}, not ${want.join('|')} after ${timeoutMs} ms\n${h.logs.slice(-40).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The hooks of a suite that builds one harness per test: the test's harness (what `current` returns) is
 * disposed after each test, and the temporary repositories are removed after the suite. Call inside `describe`.
 */
export function disposeHarnessAfterEach(current: () => OrchestratorHarness | undefined, clear: () => void): void {
  afterEach(async () => {
    await current()?.dispose();
    clear();
  });
  after(cleanupTemp);
}
