import * as path from 'node:path';
import type { AgentBackend } from '../agents/agentBackend';
import { AgentPool } from '../agents/agentPool';
import type { AgentHost } from '../agents/agentHost';
import { TranscriptStore } from '../agents/transcriptStore';
import { DesignDocsWatcher } from '../docs/designDocsWatcher';
import { openDesignDocs, type DesignDocs } from '../docs/openDesignDocs';
import type { GitQueueRegistry } from '../git/gitQueue';
import { GitRunner } from '../git/gitRunner';
import { DisposableStore } from '../lifecycle';
import { hasOrigin } from '../workers/claimantRemote';
import { LocalClaims } from '../workers/localClaims';
import { CodeWorktrees } from './codeWorktrees';
import { RunLedger } from './ledger';
import { Orchestrator } from './orchestrator';
import type { OrchestratorSettings } from './settings';

/**
 * The design-docs watcher's timing in the product. Short: a tick must reach the dashboard in well under
 * 150 ms (DESIGN.md §10). With the watcher's defaults (40 ms quiet, 200 ms cap) the measured p95 was 258 ms
 * under 16 busy agents; with 10/40 it was 79 ms. The dashboard benchmark uses this for its headline figure.
 */
export const ORCHESTRATOR_WATCHER_TIMING = { debounceMs: 10, maxWaitMs: 40 } as const;

/**
 * Who starts agents. `scheduler` (the default): the orchestrator's own scheduler, within the settings' caps. `external`:
 * someone else decides (a worker, through its claims on the remote, DESIGN.md §9) and starts each run with
 * `Orchestrator.startClaimed`; the orchestrator's scheduler then starts nothing by itself, and the agent pool has room
 * for `maxAgents` agents.
 */
export type Scheduling = { by: 'scheduler' } | { by: 'external'; maxAgents: number };

/** The settings an externally scheduled orchestrator runs on: no slot for its own scheduler, nothing auto-started. */
export function externallyScheduled(s: OrchestratorSettings): OrchestratorSettings {
  return { ...s, caps: { planning: 0, implementation: 0 }, autoStart: false };
}

export interface OpenOrchestratorOptions {
  registry: GitQueueRegistry;
  backends: readonly AgentBackend[];
  /** Where agent processes run (default: this machine); the back-ends were built with the same host. */
  host?: AgentHost;
  settings: () => OrchestratorSettings;
  /** The design-docs branch (default helix-design-docs). */
  branch?: string;
  /** Create the branch when the repository has none (default true). */
  createBranch?: boolean;
  push?: boolean;
  /** Idle agents are stopped after this long (default 30 minutes). */
  idleStopMs?: number;
  /** Secret values to redact from transcripts. */
  secrets?: () => readonly string[];
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  mayRunAgents?: (taskId?: string) => string | undefined;
  /** Default: the orchestrator's own scheduler. */
  scheduling?: Scheduling;
  /**
   * With `push` and a remote, SpecTasks are claimed on it before an agent starts (localClaims.ts, DESIGN.md §9), so
   * workers and teammates never run the same one; `false` turns that off. The lease and how often claims are read.
   */
  claims?: false | { leaseMs?: number; pollMs?: number };
}

/** A repository's orchestrator with everything it is built from, owned by one disposable. */
export interface OpenedOrchestrator {
  docs: DesignDocs;
  orchestrator: Orchestrator;
  pool: AgentPool;
  watcher: DesignDocsWatcher;
  transcripts: TranscriptStore;
  /** Stops every agent, the watcher and the timers. */
  dispose(): void;
}

/**
 * The one way to assemble an orchestrator for a repository, shared by the extension, the CLI, the tests
 * and the benchmarks: opens (or creates) the design-docs store, starts its watcher, and wires the agent
 * pool, code worktrees and run ledger into an {@link Orchestrator}. Call `orchestrator.start()` to run it.
 */
export async function openOrchestrator(folder: string, opts: OpenOrchestratorOptions): Promise<OpenedOrchestrator> {
  const claimed =
    opts.push &&
    opts.claims !== false &&
    opts.scheduling?.by !== 'external' &&
    (await hasOrigin(folder, opts.registry));
  const docs = await openDesignDocs(folder, {
    registry: opts.registry,
    branch: opts.branch,
    createBranch: opts.createBranch,
    // With claims the claimant pushes the branch itself, each push leased on its claims (fencedPublisher.ts).
    push: opts.push && !claimed,
    contextItems: opts.settings().contextItems,
  });
  const owned = new DisposableStore();
  owned.add(docs.store);
  const watcher = owned.add(
    new DesignDocsWatcher(docs.location.worktreePath, {
      contextItems: opts.settings().contextItems,
      ...ORCHESTRATOR_WATCHER_TIMING,
      // The store announces its own writes of spectask.json (the orchestrator's, the review's) when it makes
      // them; the watcher does not report them a second time.
      isOwnWrite: (file, hash) => docs.store.isOwnWrite(file, hash),
    }),
  );
  await watcher.start();
  const stateRoot = path.join(docs.repo.commonDir, 'spectask', 'agents');
  const transcripts = owned.add(
    new TranscriptStore(path.join(docs.repo.commonDir, 'spectask', 'transcripts'), opts.secrets),
  );
  const queue = opts.registry.forRepo(docs.repo.root);
  const clone = { commonDir: docs.repo.commonDir, queue, worktreePath: docs.location.worktreePath, store: docs.store };
  const claims = claimed
    ? owned.add(
        new LocalClaims({
          git: new GitRunner(docs.repo.root, opts.registry.binary),
          sync: docs.sync,
          branch: docs.location.branch,
          remote: docs.sync.remote,
          ...(opts.claims || {}),
          clone,
          log: opts.log,
        }),
      )
    : undefined;
  const s = opts.settings();
  const external = opts.scheduling?.by === 'external' ? opts.scheduling : undefined;
  const pool = owned.add(
    new AgentPool({
      backends: opts.backends,
      host: opts.host,
      maxConcurrent: external ? external.maxAgents : s.caps.planning + s.caps.implementation,
      idleTimeoutMs: opts.idleStopMs,
      stateRoot,
      transcripts,
    }),
  );
  const orchestrator = owned.add(
    new Orchestrator({
      repoRoot: docs.repo.root,
      store: docs.store,
      watcher,
      pool,
      worktrees: new CodeWorktrees(docs.repo.root, opts.registry.forRepo(docs.repo.root)),
      ledger: new RunLedger(docs.repo.commonDir),
      settings: external ? () => externallyScheduled(opts.settings()) : opts.settings,
      log: opts.log,
      mayRunAgents: claims ? (id) => opts.mayRunAgents?.(id) ?? (id ? claims.gate(id) : undefined) : opts.mayRunAgents,
      claims,
    }),
  );
  await claims?.attach(orchestrator);
  return { docs, orchestrator, pool, watcher, transcripts, dispose: () => owned.dispose() };
}
