// Builds a real orchestrator over a real temporary repository: design-docs store, watcher, git queue,
// agent pool, ledger. Only the agent is a scripted replay (test/support/replayBackend.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentBackend } from '../../../src/core/agents/agentBackend';
import type { AgentPool } from '../../../src/core/agents/agentPool';
import type { DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import type { Orchestrator } from '../../../src/core/orchestrator/orchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import type { SpecTaskStatus } from '../../../src/core/orchestrator/statusMachine';
import { ReplayBackend, type ReplayScript } from '../../support/replayBackend';
import { cleanupTemp, git, tempDir } from '../docs/gitFixture';

export interface Harness {
  repo: string;
  docs: DesignDocs;
  orchestrator: Orchestrator;
  backend: ReplayBackend;
  pool: AgentPool;
  settings: OrchestratorSettings;
  logs: string[];
  dispose(): Promise<void>;
}

/** A clean repository on `main` with one commit. */
export function cleanRepo(): string {
  const root = tempDir('spectask-orch-');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Fixture');
  git(root, 'config', 'user.email', 'fixture@example.com');
  fs.writeFileSync(path.join(root, 'README.md'), '# app\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}

export async function makeHarness(
  script: ReplayScript,
  overrides: Partial<OrchestratorSettings> = {},
  repo = cleanRepo(),
  extraBackends: AgentBackend[] = [],
): Promise<Harness> {
  const registry = new GitQueueRegistry();
  const backend = new ReplayBackend(script);
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'custom' },
    implementation: { backend: 'custom' },
    reconcileIntervalMs: 0,
    retryBackoffMs: 10,
    maxNudges: 1,
    maxRetries: 0,
    ...overrides,
  };
  const logs: string[] = [];
  // The same assembly the extension and the CLI use; only the agent is a scripted replay.
  const opened = await openOrchestrator(repo, {
    registry,
    backends: [backend, ...extraBackends],
    settings: () => settings,
    log: (level, m) => logs.push(`${level}: ${m}`),
  });
  await opened.orchestrator.start();
  return {
    repo: opened.docs.repo.root,
    docs: opened.docs,
    orchestrator: opened.orchestrator,
    backend,
    pool: opened.pool,
    settings,
    logs,
    async dispose() {
      opened.dispose();
      await registry.forRepo(opened.docs.repo.root).whenIdle();
      registry.dispose();
    },
  };
}

/** Polls until the task reaches `status` (or fails loudly with what it reached instead). */
export async function waitForStatus(
  h: Harness,
  id: string,
  status: SpecTaskStatus | SpecTaskStatus[],
  timeoutMs = 20_000,
): Promise<void> {
  const want = Array.isArray(status) ? status : [status];
  const t0 = Date.now();
  for (;;) {
    const s = h.orchestrator.task(id)?.status;
    if (s && want.includes(s)) return;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`task ${id} is ${s}, not ${want.join('|')} after ${timeoutMs} ms\n${h.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The hooks of a suite that builds one harness per test: the test's harness (what `current` returns) is
 * disposed after each test, and the temporary repositories are removed after the suite. Call inside `describe`.
 */
export function disposeHarnessAfterEach(current: () => Harness | undefined, clear: () => void): void {
  afterEach(async () => {
    await current()?.dispose();
    clear();
  });
  after(cleanupTemp);
}
