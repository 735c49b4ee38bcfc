import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { commitIdentityEnv } from '../git/commitIdentity';
import type { GitQueue } from '../git/gitQueue';
import { parseWorktreeList } from '../git/worktreeList';
import { assertBranchName } from '../git/refName';
import { removeLockIfStale } from '../git/staleLock';
import { WORKTREES_DIR } from '../docs/designDocsLayout';
import type { MergeStrategy } from './settings';

/** Where a SpecTask's code lives: `<repo>/.git-worktrees/<NNNNNN>_<slug>/` on `spectask/<NNNNNN>-<slug>`. */
export interface CodeWorktree {
  path: string;
  branch: string;
  baseBranch: string;
}

export interface WorktreeStatus {
  clean: boolean;
  /** `git status --porcelain` lines, for messages. */
  changes: string[];
}

export interface BranchCommit {
  sha: string;
  subject: string;
  trailers: string;
}

export class MergeError extends Error {
  constructor(
    message: string,
    readonly kind: 'conflict' | 'dirty-base' | 'diverged' | 'no-gh' | 'failed',
  ) {
    super(message);
    this.name = 'MergeError';
  }
}

/**
 * Throws a clear error unless the worktree's branch and base are valid branch names. Both come from the
 * SpecTask's folder name and `spectask.json` on the shared branch, and reach git's argv: a teammate's
 * `--output=<file>` must never be read as an option. (Every git call below also puts `--end-of-options` or a
 * full `refs/heads/` name before them.)
 */
export function checkBranches(wt: CodeWorktree): void {
  assertBranchName(wt.branch, 'the task branch');
  assertBranchName(wt.baseBranch, 'the base branch');
}

/** Naming of code worktrees and branches from a SpecTask folder name (`000007_add-login`). */
export function codeWorktreeFor(repoRoot: string, folderName: string, baseBranch: string): CodeWorktree {
  const m = /^(\d{6})_(.+)$/.exec(folderName);
  const branch = m ? `spectask/${m[1]}-${m[2]}` : `spectask/${folderName.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
  return { path: path.join(repoRoot, WORKTREES_DIR, folderName), branch, baseBranch };
}

/**
 * Creates, inspects, merges and removes SpecTask code worktrees. Every command that changes git state
 * runs on the repository's serialized queue. Never touches the user's own checkout except to merge into
 * the base branch on Accept, and then only when that checkout is clean.
 */
export class CodeWorktrees {
  constructor(
    private readonly repoRoot: string,
    /** The repository's serialized git queue (also used to push for pull requests). */
    readonly queue: GitQueue,
  ) {}

  /** The branch checked out in the user's main worktree (the default base for new SpecTasks). */
  async currentBranch(): Promise<string | undefined> {
    const out = await this.queue.git.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return out?.trim() || undefined;
  }

  /**
   * Makes sure the worktree exists on its branch: creates the branch from the base when it is new, re-adds
   * a worktree whose folder was deleted by hand, and fast-forwards a branch without commits of its own to
   * the current base (so planning done earlier does not leave implementation on an old base).
   */
  ensure(wt: CodeWorktree): Promise<{ created: boolean }> {
    return this.queue.enqueue(`code worktree ${wt.branch}`, async (git) => {
      checkBranches(wt);
      const list = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
      const here = list.find((w) => path.resolve(w.path) === path.resolve(wt.path));
      const exists = await fs.stat(wt.path).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (here && exists) {
        if (here.branch && here.branch !== `refs/heads/${wt.branch}`)
          throw new Error(`${wt.path} has ${here.branch} checked out, not ${wt.branch}; move it away and retry`);
        // An agent killed in the middle of its own `git commit` leaves the worktree's index.lock, HEAD.lock or
        // its branch's ref lock behind, and every later run would fail on it. Removed only when no git process
        // works in the worktree (this job holds the repository's queue, so none of ours does).
        const dirs = (await git.tryRun(['rev-parse', '--absolute-git-dir', '--git-common-dir'], { cwd: wt.path }))
          ?.trim()
          .split('\n');
        if (dirs?.length === 2) {
          const [gitDir, commonDir] = [dirs[0]!, path.resolve(wt.path, dirs[1]!)];
          for (const lock of [
            path.join(gitDir, 'index.lock'),
            path.join(gitDir, 'HEAD.lock'),
            path.join(commonDir, 'refs', 'heads', `${wt.branch}.lock`),
          ]) {
            await removeLockIfStale(lock, [wt.path], { minAgeMs: 0 });
          }
        }
        return { created: false };
      }
      if (here && !exists) await git.run(['worktree', 'prune']);
      const branchExists = (await git.tryRun(['rev-parse', '--verify', `refs/heads/${wt.branch}`])) !== undefined;
      await fs.mkdir(path.dirname(wt.path), { recursive: true });
      if (branchExists) await git.run(['worktree', 'add', '--end-of-options', wt.path, wt.branch]);
      else await git.run(['worktree', 'add', '-b', wt.branch, '--end-of-options', wt.path, wt.baseBranch]);
      return { created: true };
    });
  }

  /** Brings a branch that has no commits of its own up to its base. Returns true when it moved. */
  fastForwardToBase(wt: CodeWorktree): Promise<boolean> {
    return this.queue.enqueue(`fast-forward ${wt.branch}`, async (git) => {
      checkBranches(wt);
      const own = (await git.run(['rev-list', '--count', '--end-of-options', `${wt.baseBranch}..${wt.branch}`])).trim();
      const behind = (
        await git.run(['rev-list', '--count', '--end-of-options', `${wt.branch}..${wt.baseBranch}`])
      ).trim();
      if (own !== '0' || behind === '0') return false;
      if (!(await this.status(wt)).clean) return false;
      await git.run(['merge', '--ff-only', '--quiet', '--end-of-options', wt.baseBranch], { cwd: wt.path });
      return true;
    });
  }

  async headSha(wt: CodeWorktree): Promise<string> {
    return (await this.queue.git.run(['rev-parse', 'HEAD'], { cwd: wt.path })).trim();
  }

  /** Uncommitted changes in the worktree. Read-only, so it does not wait for the queue. */
  async status(wt: CodeWorktree): Promise<WorktreeStatus> {
    const out = await this.queue.git.run(['status', '--porcelain', '--branch', '--untracked-files=all'], {
      cwd: wt.path,
    });
    const changes = out.split('\n').filter((l) => l.trim() && !l.startsWith('## '));
    return { clean: changes.length === 0, changes };
  }

  /** Commits on the task branch that are not on its base, newest first, with their trailers. */
  async commitsSinceBase(wt: CodeWorktree): Promise<BranchCommit[]> {
    checkBranches(wt);
    const out = await this.queue.git.run([
      'log',
      '--format=%H%x1f%s%x1f%(trailers:only,unfold)%x1e',
      '--end-of-options',
      `${wt.baseBranch}..${wt.branch}`,
      '--',
    ]);
    return out
      .split('\x1e')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [sha, subject, trailers] = r.split('\x1f');
        return { sha, subject, trailers: trailers ?? '' };
      });
  }

  /** `git diff --stat` and the list of changed files against the base, for the review. */
  async changedFiles(wt: CodeWorktree): Promise<{ status: string; file: string }[]> {
    checkBranches(wt);
    const out = await this.queue.git.run([
      'diff',
      '--name-status',
      '--end-of-options',
      `${wt.baseBranch}...${wt.branch}`,
      '--',
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [status, ...rest] = l.split('\t');
        return { status, file: rest[rest.length - 1] };
      });
  }

  /**
   * Merges the task branch into its base. The base may be checked out in the user's checkout (then it
   * must be clean, and the merge updates it) or nowhere (then refs are updated without a checkout: a
   * fast-forward by update-ref, a merge commit in a temporary worktree). Conflicts abort the merge and
   * leave everything as it was.
   */
  merge(wt: CodeWorktree, strategy: Exclude<MergeStrategy, 'pull-request'>, message: string): Promise<{ sha: string }> {
    return this.queue.enqueue(`merge ${wt.branch}`, async (git) => {
      checkBranches(wt);
      const list = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
      const holder = list.find((w) => w.branch === `refs/heads/${wt.baseBranch}`);
      const canFastForward =
        (await git.tryRun(['merge-base', '--is-ancestor', '--end-of-options', wt.baseBranch, wt.branch])) !== undefined;
      if (strategy === 'fast-forward' && !canFastForward) {
        throw new MergeError(
          `${wt.baseBranch} has moved since ${wt.branch} was branched, so it cannot be fast-forwarded. Use the merge-commit strategy, or rebase the task branch.`,
          'diverged',
        );
      }
      const identity = await commitIdentityEnv(git, this.repoRoot);
      let cwd: string;
      let temp: string | undefined;
      if (holder) {
        const st = (await git.run(['status', '--porcelain', '--untracked-files=no'], { cwd: holder.path })).trim();
        if (st)
          throw new MergeError(
            `${holder.path} has uncommitted changes on ${wt.baseBranch}; commit or stash them, then accept again.`,
            'dirty-base',
          );
        cwd = holder.path;
      } else if (strategy === 'fast-forward') {
        // Full ref names: rev-parse learnt `--end-of-options` only in git 2.31, and `refs/…` is never an option.
        const target = (await git.run(['rev-parse', '--verify', `refs/heads/${wt.branch}^{commit}`])).trim();
        const old = (await git.run(['rev-parse', '--verify', `refs/heads/${wt.baseBranch}^{commit}`])).trim();
        await git.run(['update-ref', '-m', message, '--end-of-options', `refs/heads/${wt.baseBranch}`, target, old]);
        return { sha: target };
      } else {
        temp = path.join(this.repoRoot, WORKTREES_DIR, `.merge-${process.pid}-${Date.now()}`);
        await git.run(['worktree', 'add', '--end-of-options', temp, wt.baseBranch]);
        cwd = temp;
      }
      try {
        const args =
          strategy === 'fast-forward'
            ? ['merge', '--ff-only', '--end-of-options', wt.branch]
            : ['merge', '--no-ff', '-m', message, '--end-of-options', wt.branch];
        try {
          await git.run(args, { cwd, env: identity });
        } catch (e) {
          const conflicts = (await git.tryRun(['diff', '--name-only', '--diff-filter=U'], { cwd }))?.trim();
          await git.tryRun(['merge', '--abort'], { cwd });
          throw new MergeError(
            `Merging ${wt.branch} into ${wt.baseBranch} stopped on a conflict${conflicts ? ` in ${conflicts.split('\n').join(', ')}` : ''}. Nothing was changed; resolve it on the task branch (Request changes asks the agent to), then accept again. (${(e as Error).message.split('\n')[0]})`,
            'conflict',
          );
        }
        return { sha: (await git.run(['rev-parse', 'HEAD'], { cwd })).trim() };
      } finally {
        if (temp) await git.tryRun(['worktree', 'remove', '--force', temp]);
      }
    });
  }

  /** Removes a clean worktree; its branch stays. Refuses (returns false) when it has uncommitted work. */
  remove(wt: CodeWorktree): Promise<boolean> {
    return this.queue.enqueue(`remove worktree ${wt.branch}`, async (git) => {
      const exists = await fs.stat(wt.path).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await git.run(['worktree', 'prune']);
        return true;
      }
      if (!(await this.status(wt)).clean) return false;
      await git.run(['worktree', 'remove', '--end-of-options', wt.path]);
      return true;
    });
  }
}
