/** Settings of {@link DesignDocsSync}. */
export interface DesignDocsSyncOptions {
  /** Remote holding the shared design-docs branch; default `origin`. */
  remote?: string;
  /** Fetch–integrate–push rounds before giving up when teammates keep pushing first; default 3. */
  maxAttempts?: number;
}

/** What a sync did. */
export interface SyncResult {
  /**
   * `up-to-date`: nothing to do; `pushed`: only we had new commits; `fast-forwarded`: only the remote had;
   * `rebased`: both had (ours replayed on theirs); `published`: the remote had no design-docs branch yet.
   */
  outcome: 'up-to-date' | 'pushed' | 'fast-forwarded' | 'rebased' | 'published';
  branch: string;
  remote: string;
  /** Our branch head before and after. */
  before: string;
  after: string;
  /** The remote branch before our push (undefined: it did not exist) and after it. */
  remoteBefore?: string;
  remoteAfter?: string;
  /** The commit made of files agents had written but not committed yet, if any. */
  pendingCommit?: string;
  /** Teammates' commits new to us. */
  incoming: number;
  /** Our commits replayed on top of theirs (rebase); 0 for a fast-forward. */
  replayed: number;
  /** Files both sides changed, settled by a rule (see syncMergeRules). */
  resolved: { file: string; rule: string }[];
  /** Files of the design-docs worktree this sync wrote or deleted. */
  changedFiles: string[];
  pushed: boolean;
  /** A claimant publishes this clone's branch (publishThrough): this sync integrated only and asked it to push. */
  handedToClaimant?: true;
  /**
   * Another live process of this clone claims (claimantPresence.ts) and pushes the branch, each push leased on its
   * claims: this sync integrated only and pushed nothing around that fence.
   */
  pushedByClaimant?: { pid: number; label: string };
  /** Fetch–integrate–push rounds it took. */
  attempts: number;
  /**
   * SpecTask numbers now used by more than one folder (two clones created a SpecTask at the same moment, each
   * taking the next free number), with the folders. Nothing is lost, but only one of them is shown until
   * one folder is renumbered by hand.
   */
  duplicateNumbers: { number: string; folders: string[] }[];
}

/** Why a sync stopped; `message` says what to do. Nothing was changed (see {@link DesignDocsSync}). */
export class DesignDocsSyncError extends Error {
  constructor(
    readonly code:
      'no-remote' | 'conflict' | 'detached' | 'push-failed' | 'fetch-failed' | 'busy-remote' | 'unsafe-tree',
    message: string,
    /**
     * For `conflict`: the files both sides changed in ways no rule settles; for `unsafe-tree`: the paths
     * (from a teammate's tree) that the sync refused to write.
     */
    readonly files: string[] = [],
  ) {
    super(message);
    this.name = 'DesignDocsSyncError';
  }
}

/** The error for files no rule and no line merge could settle (`commit`: our commit being replayed, if any). */
export function conflictError(files: string[], commit?: string): DesignDocsSyncError {
  return new DesignDocsSyncError(
    'conflict',
    `Sync stopped: you and a teammate both changed ${files.join(', ')}${commit ? ` (your commit ${commit.slice(0, 12)})` : ''} in ways SpecTask cannot merge on its own. Nothing was changed: your branch, worktree and unpushed commits are as they were. Merge by hand in the design-docs worktree ('git pull --rebase' there), then sync again.`,
    files,
  );
}
