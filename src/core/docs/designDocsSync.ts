import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitIdentityEnv } from '../git/commitIdentity';
import { GitCommandError } from '../git/gitErrors';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../lifecycle';
import { commonDirOf, markClaimant, otherLiveClaimants, unmarkClaimant } from './claimantPresence';
import { formatTaskNumber, parseTaskFolderName, TASKS_DIR } from './designDocsLayout';
import { DesignDocsSyncError, type DesignDocsSyncOptions, type SyncResult } from './designDocsSyncResult';
import { DocCommitter, isRejectedAsBehind } from './docCommitter';
import { replayCommits } from './syncReplay';
import { assertSafeTree, refusedObjectsError } from './syncTreeSafety';
import { moveWorktree } from './syncWorktreeMove';
import { fenceForeignFolders } from '../workers/foreignFolderFence';

export { DesignDocsSyncError, type DesignDocsSyncOptions, type SyncResult } from './designDocsSyncResult';

/** writeFileAtomic's temporary files: never committed, even if a crash left one. */
const ATOMIC_TMP = /(^|\/)\.[^/]+\.\d+\.\d+\.tmp$/;

/**
 * Integrates a teammate's commits to the shared design-docs branch, through the repository's one git queue
 * (so no tick commit runs in the middle of it):
 *
 * 1. commits whatever agents wrote and nobody committed yet (with the committer's torn-write guard);
 * 2. fetches the remote branch, with git's integrity check on what arrives, and refuses it when its tree holds
 *    a path that is not safe to write (`..`, `.git`, a separator inside a name: syncTreeSafety);
 * 3. remote behind: nothing to integrate. Only the remote moved: fast-forward. Both moved: our unpushed
 *    commits are replayed on the remote's (syncReplay: a rebase done with plumbing on a private index: the
 *    remote's commits are never rewritten, and the worktree is not rewound to an older state halfway, which a
 *    `git rebase` there would do under the feet of agents ticking in it). Files both sides changed are
 *    settled by the rules in syncMergeRules, else by git's line merge (syncFileMerge); anything else stops the
 *    sync with a {@link DesignDocsSyncError} naming the files, before any ref or file was changed;
 * 4. updates the worktree (syncWorktreeMove): only files the new head changed are written, and a file an agent
 *    changed meanwhile is merged with the same rules instead of overwritten; then the branch ref moves
 *    (compare-and-swap) and the worktree's index follows;
 * 5. pushes, never forced; rejected again because a teammate pushed meanwhile: back to 2 (bounded). Where a
 *    claimant publishes the clone's branch, each push leased on its claims, the sync integrates only: in this
 *    process it asks the claimant to push (publishThrough); in another (`spectask sync` by hand beside `spectask run
 *    --push` or a worker, a window without claims) it leaves the push to it (claimantPresence.ts).
 *
 * The user's own branch, index and files are never touched: everything happens in the design-docs
 * worktree, its branch, the remote-tracking ref and a private temporary index.
 */
export class DesignDocsSync extends Disposable {
  readonly remote: string;
  private readonly maxAttempts: number;
  /** Used only for its guarded `commitFiles`; it never pushes. */
  private readonly committer: DocCommitter;
  private readonly _onDidSync = this._register(new Emitter<SyncResult>());
  /** Fires after every sync that completed (also when there was nothing to do). */
  readonly onDidSync: Event<SyncResult> = this._onDidSync.event;

  constructor(
    private readonly queue: GitQueue,
    readonly worktreePath: string,
    readonly branch: string,
    options: DesignDocsSyncOptions = {},
  ) {
    super();
    this.remote = options.remote ?? 'origin';
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.committer = this._register(new DocCommitter(queue, worktreePath, branch));
  }

  /** Set while a claimant publishes the branch (publishThrough). */
  private claimantPublish: (() => Promise<void>) | undefined;

  /**
   * Hands publishing to a claimant (localClaims.ts, DESIGN.md §9): while set, a sync integrates only and asks the
   * claimant to push — each push leased on its claims — so no caller (Sync Design Docs, the timer, `spectask
   * sync`) pushes around the fence. Dispose to take it back.
   */
  publishThrough(request: () => Promise<void>): IDisposable {
    this.claimantPublish = request;
    // Other processes of the clone (`spectask sync` by hand, a window without claims) integrate only meanwhile.
    const commonDir = this.commonDir();
    if (commonDir) markClaimant(commonDir);
    return toDisposable(() => {
      if (this.claimantPublish !== request) return;
      this.claimantPublish = undefined;
      if (commonDir) unmarkClaimant(commonDir);
    });
  }

  private commonDirCache?: string | null;

  /** The clone's shared git dir (where claimantPresence keeps its records); undefined when it cannot be read. */
  private commonDir(): string | undefined {
    if (this.commonDirCache === undefined) {
      try {
        this.commonDirCache = commonDirOf(this.worktreePath);
      } catch {
        this.commonDirCache = null;
      }
    }
    return this.commonDirCache ?? undefined;
  }

  /** A live claimant in another process of this clone, which alone may push the branch (claimantPresence.ts). */
  private async claimantElsewhere(): Promise<{ pid: number; label: string } | undefined> {
    const dir = this.commonDir();
    const c = dir ? (await otherLiveClaimants(dir))[0] : undefined;
    return c && { pid: c.pid, label: c.label };
  }

  /** Runs a sync as one job of the git queue. `push: false` integrates without publishing. */
  async sync(options: { push?: boolean } = {}): Promise<SyncResult> {
    const result = await this.queue.enqueue('design-docs: sync', (git) => this.syncInJob(git, options));
    // The claimant's push runs its own queue jobs: awaited here, outside this sync's job.
    if (result.handedToClaimant) await this.claimantPublish?.();
    return result;
  }

  /** True when the repository has the remote this sync talks to (periodic syncs are skipped otherwise). */
  async hasRemote(): Promise<boolean> {
    const remotes = await this.queue.git.run(['remote'], { cwd: this.worktreePath });
    return remotes
      .split('\n')
      .map((r) => r.trim())
      .includes(this.remote);
  }

  /**
   * Syncs every `intervalMs` while the repository has the remote; failures go to `onError` and the next
   * round tries again. A round is skipped while the previous one still runs. Dispose to stop.
   */
  startPeriodic(intervalMs: number, onError: (e: Error) => void): IDisposable {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void (async () => {
        try {
          if (await this.hasRemote()) await this.sync();
        } catch (e) {
          onError(e instanceof Error ? e : new Error(String(e)));
        } finally {
          running = false;
        }
      })();
    }, intervalMs);
    timer.unref?.();
    const d = toDisposable(() => clearInterval(timer));
    this._register(d);
    return d;
  }

  /** The sync itself; call only from inside a job of this repository's git queue. */
  async syncInJob(git: GitRunner, options: { push?: boolean } = {}): Promise<SyncResult> {
    const claimant = (options.push ?? true) ? this.claimantPublish : undefined;
    const push = (options.push ?? true) && !claimant;
    const cwd = this.worktreePath;
    if (!(await this.hasRemote())) {
      throw new DesignDocsSyncError(
        'no-remote',
        `This repository has no remote '${this.remote}', so there is no shared design-docs branch to sync with. Add one ('git remote add ${this.remote} <url>') to share SpecTasks with your team.`,
      );
    }
    const headRef = (await git.tryRun(['symbolic-ref', '-q', 'HEAD'], { cwd }))?.trim();
    if (headRef !== `refs/heads/${this.branch}`) {
      throw new DesignDocsSyncError(
        'detached',
        `The design-docs worktree ${cwd} is not on the branch '${this.branch}' (HEAD is ${headRef ?? 'detached'}); run 'spectask init' to repair it, then sync again.`,
      );
    }
    const pendingCommit = await this.commitPending(git);
    const start = await this.rev(git, 'HEAD');
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spectask-sync-'));
    const result: SyncResult = {
      outcome: 'up-to-date',
      branch: this.branch,
      remote: this.remote,
      before: start,
      after: start,
      pendingCommit,
      incoming: 0,
      replayed: 0,
      resolved: [],
      changedFiles: [],
      pushed: false,
      attempts: 0,
      duplicateNumbers: [],
    };
    try {
      for (;;) {
        result.attempts++;
        const ours = await this.rev(git, 'HEAD');
        const theirs = await this.fetch(git);
        if (result.attempts === 1) result.remoteBefore = theirs;
        if (theirs && theirs !== ours) await assertSafeTree(git, cwd, theirs);
        // Where our unpushed commits started, read before they are replayed (foreignFolderFence.ts needs it).
        const base = theirs && (await git.tryRun(['merge-base', theirs, ours], { cwd }))?.trim();
        let next = ours;
        if (!theirs || theirs === ours || (await this.isAncestor(git, theirs, ours))) {
          // Only we moved (or nobody): nothing to integrate.
        } else if (await this.isAncestor(git, ours, theirs)) {
          next = theirs;
        } else {
          const mine = (
            await git.run(['rev-list', '--reverse', '--topo-order', '--no-merges', `${theirs}..${ours}`], { cwd })
          )
            .split('\n')
            .filter(Boolean);
          next = await replayCommits({ git, cwd, tmp }, theirs, mine, result.resolved, () =>
            this.committerIdentity(git),
          );
          result.replayed += mine.length;
        }
        if (theirs)
          result.incoming += Number((await git.run(['rev-list', '--count', `${ours}..${theirs}`], { cwd })).trim());
        if (next !== ours)
          result.changedFiles.push(
            ...(await moveWorktree({ git, cwd, tmp }, this.branch, ours, next, result.resolved)),
          );
        // The content-level fence, pushing or not: folders another's claim holds are put back before any push.
        const fence = { worktreePath: cwd, branch: this.branch, remote: this.remote, base: base || undefined };
        if (theirs && (await fenceForeignFolders(git, fence)).length) next = await this.rev(git, 'HEAD');
        result.after = next;
        if (!push || next === theirs) {
          result.remoteAfter = theirs;
          break;
        }
        // Checked right before each push: a claimant that started meanwhile is not pushed around either.
        result.pushedByClaimant = await this.claimantElsewhere();
        if (result.pushedByClaimant) {
          result.remoteAfter = theirs;
          break;
        }
        const pushed = await this.push(git);
        if (pushed === true) {
          result.pushed = true;
          result.remoteAfter = next;
          break;
        }
        if (result.attempts >= this.maxAttempts) {
          throw new DesignDocsSyncError(
            'busy-remote',
            `The remote design-docs branch kept moving: ${this.maxAttempts} rounds of fetch, integrate and push were each overtaken by another push. Your commits are safe locally; sync again.`,
          );
        }
      }
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
    result.changedFiles = [...new Set(result.changedFiles)];
    if (result.incoming) result.duplicateNumbers = await this.duplicateNumbers(git, result.after);
    result.outcome = result.replayed
      ? 'rebased'
      : result.incoming
        ? 'fast-forwarded'
        : result.pushed
          ? result.remoteBefore
            ? 'pushed'
            : 'published'
          : 'up-to-date';
    if (claimant) result.handedToClaimant = true;
    this._onDidSync.fire(result);
    return result;
  }

  /** Commits every change in the worktree nobody committed yet (agents' writes); the new SHA or undefined. */
  private async commitPending(git: GitRunner): Promise<string | undefined> {
    const raw = await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], {
      cwd: this.worktreePath,
    });
    const files = raw
      .split('\0')
      .filter(Boolean)
      .map((e) => e.slice(3))
      .filter((f) => !ATOMIC_TMP.test(f));
    if (!files.length) return undefined;
    return this.committer.commitFiles(git, files, 'spectask: commit pending design-docs changes before sync\n');
  }

  /** Fetches the remote branch into its remote-tracking ref; its SHA, or undefined when it does not exist. */
  private async fetch(git: GitRunner): Promise<string | undefined> {
    const tracking = `refs/remotes/${this.remote}/${this.branch}`;
    try {
      // `+` only for our remote-tracking ref, which mirrors the remote whatever happened there; the branch
      // itself is never forced. No terminal prompt: a fetch needing credentials fails instead of hanging.
      // fsckObjects: a teammate's malformed objects (a tree entry `..` or `.git`) are refused at the door.
      await git.run(
        [
          '-c',
          'fetch.fsckObjects=true',
          '-c',
          'transfer.fsckObjects=true',
          'fetch',
          '--no-tags',
          this.remote,
          `+refs/heads/${this.branch}:${tracking}`,
        ],
        { cwd: this.worktreePath, env: { GIT_TERMINAL_PROMPT: '0' } },
      );
    } catch (e) {
      const text = e instanceof GitCommandError ? e.stderr : String(e);
      if (/couldn't find remote ref/i.test(text)) return undefined;
      if (/fsck error|error: object [0-9a-f]+:/.test(text)) throw refusedObjectsError(this.branch, text);
      throw new DesignDocsSyncError(
        'fetch-failed',
        `Could not fetch '${this.branch}' from '${this.remote}': ${text.trim().split('\n').slice(-1)[0]}`,
      );
    }
    return this.rev(git, tracking);
  }

  /** Pushes the branch (never forced): true, or false when rejected because the remote moved again. */
  private async push(git: GitRunner): Promise<boolean> {
    try {
      await git.run(['push', '--porcelain', this.remote, `refs/heads/${this.branch}:refs/heads/${this.branch}`], {
        cwd: this.worktreePath,
        env: { GIT_TERMINAL_PROMPT: '0' },
      });
      return true;
    } catch (e) {
      if (isRejectedAsBehind(e)) return false;
      const text = e instanceof GitCommandError ? e.stderr : String(e);
      throw new DesignDocsSyncError(
        'push-failed',
        `Integrated the remote's commits, but pushing '${this.branch}' to '${this.remote}' failed: ${text.trim().split('\n').slice(-1)[0]}. Your commits are safe locally; sync again once the remote is reachable.`,
      );
    }
  }

  private identity?: Record<string, string>;
  private async committerIdentity(git: GitRunner): Promise<Record<string, string>> {
    if (this.identity) return this.identity;
    const env = await commitIdentityEnv(git, this.worktreePath);
    this.identity = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('GIT_COMMITTER_')));
    return this.identity;
  }

  /** Task folders sharing a number at `commit` (see {@link SyncResult.duplicateNumbers}). */
  private async duplicateNumbers(git: GitRunner, commit: string): Promise<SyncResult['duplicateNumbers']> {
    const out = await git.tryRun(['ls-tree', '-z', '--name-only', `${commit}:${TASKS_DIR}`], {
      cwd: this.worktreePath,
    });
    const byNumber = new Map<string, string[]>();
    for (const name of (out ?? '').split('\0').filter(Boolean)) {
      const n = parseTaskFolderName(name);
      if (n)
        byNumber.set(formatTaskNumber(n.number), [
          ...(byNumber.get(formatTaskNumber(n.number)) ?? []),
          `${TASKS_DIR}/${name}`,
        ]);
    }
    return [...byNumber].filter(([, f]) => f.length > 1).map(([number, folders]) => ({ number, folders }));
  }

  private async rev(git: GitRunner, ref: string): Promise<string> {
    return (await git.run(['rev-parse', '--verify', ref], { cwd: this.worktreePath })).trim();
  }

  private async isAncestor(git: GitRunner, a: string, b: string): Promise<boolean> {
    return (await git.tryRun(['merge-base', '--is-ancestor', a, b], { cwd: this.worktreePath })) !== undefined;
  }
}
