import type { GitQueueRegistry } from '../git/gitQueue';
import { GitRunner } from '../git/gitRunner';
import { inspectRepository, type RepositoryInfo } from '../git/repoInspect';
import { DesignDocsWorktree, type DesignDocsBranchOptions, type DesignDocsLocation } from './designDocsWorktree';
import type { DocCommitterOptions } from './docCommitter';
import { DesignDocsSync } from './designDocsSync';
import { SpecTaskStore } from './specTaskStore';

/** Options of {@link openDesignDocs}. */
export interface OpenDesignDocsOptions extends DesignDocsBranchOptions, DocCommitterOptions {
  /** Where the repository's git queue comes from (one registry per process, passed down). */
  registry: GitQueueRegistry;
  /** Create the orphan branch when none exists (`spectask init`, the extension); default true. */
  createBranch?: boolean;
  /** Checklist context window (setting `spectask.dashboard.contextItems`); default 2. */
  contextItems?: number;
  /**
   * When a push is rejected because a teammate pushed first, sync (rebase ours on theirs) and push again
   * instead of only reporting it; default true. Only matters with `push`.
   */
  syncOnRejectedPush?: boolean;
}

/** An opened design-docs store: the repository, where the worktree is, and the SpecTask store on it. */
export interface DesignDocs {
  repo: RepositoryInfo;
  location: DesignDocsLocation;
  worktree: DesignDocsWorktree;
  /** Owns its committer's events; dispose it when done. */
  store: SpecTaskStore;
  /**
   * Integrates a teammate's commits to the shared branch (`spectask sync`, rejected pushes, the timer). It
   * holds no resources until `startPeriodic`, whose disposable stops it.
   */
  sync: DesignDocsSync;
}

/**
 * The one entry point for the orchestrator, the VS Code layer and the CLI: checks the repository (refusing
 * with a {@link RepositoryRefusedError} that changes nothing), adopts or creates the design-docs branch and
 * repairs its worktree, then returns the SpecTask store on it.
 */
export async function openDesignDocs(folder: string, options: OpenDesignDocsOptions): Promise<DesignDocs> {
  const repo = await inspectRepository(folder, new GitRunner(folder, options.registry.binary));
  const queue = options.registry.forRepo(repo.root);
  const worktree = new DesignDocsWorktree(repo, queue, options);
  const location = await worktree.ensure({ createBranch: options.createBranch ?? true });
  const sync = new DesignDocsSync(queue, location.worktreePath, location.branch, { remote: options.remote });
  const onPushRejected =
    (options.syncOnRejectedPush ?? true)
      ? (git: Parameters<DesignDocsSync['syncInJob']>[0]) => sync.syncInJob(git, { push: true })
      : undefined;
  const store = new SpecTaskStore(location.worktreePath, location.branch, queue, { ...options, onPushRejected });
  return { repo, location, worktree, store, sync };
}
