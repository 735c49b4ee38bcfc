import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitIdentityEnv } from '../git/commitIdentity';
import { RepositoryRefusedError } from '../git/gitErrors';
import { ensureExcluded } from '../git/gitExclude';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import type { RepositoryInfo } from '../git/repoInspect';
import { removeLockIfStale } from '../git/staleLock';
import { parseWorktreeList, type WorktreeEntry } from '../git/worktreeList';
import { linkedWorktreeHolds } from './linkedWorktreeCheck';
import {
  DEFAULT_DESIGN_DOCS_BRANCH,
  designDocsReadme,
  LEGACY_DESIGN_DOCS_BRANCHES,
  WORKTREES_DIR,
  WORKTREES_EXCLUDE_PATTERN,
} from './designDocsLayout';

/** Settings of the design-docs branch. */
export interface DesignDocsBranchOptions {
  /** Branch name (setting `spectask.designDocsBranch`); default `helix-design-docs`. */
  branch?: string;
  /** Older branch names adopted when `branch` exists neither locally nor on the remote; default `helix-specs`. */
  legacyBranches?: readonly string[];
  /** Remote whose branch is adopted; default `origin`. */
  remote?: string;
}

/** How the branch came to be checked out. */
export type BranchOrigin = 'created' | 'local' | 'remote' | 'legacy-local' | 'legacy-remote';

/** Where the design documents are, and what {@link DesignDocsWorktree.ensure} had to do to get there. */
export interface DesignDocsLocation {
  /** The branch actually used (the setting, or an adopted legacy name such as `helix-specs`). */
  branch: string;
  /** Absolute path of the worktree: `<repo>/.git-worktrees/<setting>/`. */
  worktreePath: string;
  origin: BranchOrigin;
  /** Human-readable notes of every repair made, empty when all was in order. */
  repairs: string[];
}

const ZERO_SHA = '0000000000000000000000000000000000000000';

/**
 * The design-docs branch and its worktree (the reference system's DesignDocsWorktreeManager, done for real).
 * Never touches the user's current branch, index or working tree: the orphan branch is built with plumbing
 * (`hash-object`, a private temporary index, `write-tree`, `commit-tree`, `update-ref`), and every other
 * command runs in the design-docs worktree or only edits git's worktree bookkeeping.
 */
export class DesignDocsWorktree {
  readonly branchSetting: string;
  readonly worktreePath: string;
  private readonly legacy: readonly string[];
  private readonly remote: string;

  constructor(
    readonly repo: RepositoryInfo,
    private readonly queue: GitQueue,
    options: DesignDocsBranchOptions = {},
  ) {
    this.branchSetting = options.branch ?? DEFAULT_DESIGN_DOCS_BRANCH;
    this.legacy = options.legacyBranches ?? LEGACY_DESIGN_DOCS_BRANCHES;
    this.remote = options.remote ?? 'origin';
    this.worktreePath = path.join(repo.root, WORKTREES_DIR, this.branchSetting);
  }

  /**
   * Read-only: the branch that would be used and whether its worktree is in place at {@link worktreePath}.
   * Used by readers (the CLI's `list`) that must not create anything.
   */
  async locate(): Promise<{ branch?: string; ready: boolean }> {
    const git = this.queue.git;
    const branch = (await this.pickBranch(git)).branch;
    if (!branch) return { branch: undefined, ready: false };
    if (await linkedWorktreeHolds(this.repo.commonDir, this.worktreePath, `refs/heads/${branch}`))
      return { branch, ready: true };
    const entries = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
    const here = await this.entryAt(entries, this.worktreePath);
    const ready = here?.branch === `refs/heads/${branch}` && (await exists(path.join(this.worktreePath, '.git')));
    return { branch, ready };
  }

  /**
   * Makes the branch and its worktree exist and be healthy, adopting what is there and repairing what broke;
   * idempotent. Runs as one job on the repository's git queue. Refuses (changing nothing) when the branch is
   * checked out in the user's main working tree, or when the worktree path belongs to another branch.
   */
  ensure(options: { createBranch?: boolean } = {}): Promise<DesignDocsLocation> {
    return this.queue.enqueue('design-docs: ensure worktree', (git) =>
      this.ensureNow(git, options.createBranch ?? true),
    );
  }

  private async ensureNow(git: GitRunner, createBranch: boolean): Promise<DesignDocsLocation> {
    const repairs: string[] = [];
    const picked = await this.pickBranch(git);
    if (picked.origin === 'created' && !createBranch) {
      throw new RepositoryRefusedError(
        'not-initialized',
        `${this.repo.root} has no design-docs branch yet ('${this.branchSetting}'${this.legacy.length ? ` or '${this.legacy.join("', '")}'` : ''}). Run 'spectask init' to create it.`,
        this.repo.root,
      );
    }
    const branch = picked.branch ?? this.branchSetting;
    const ref = `refs/heads/${branch}`;
    const adopted = picked.origin === 'local' || picked.origin === 'legacy-local';
    if (adopted && (await linkedWorktreeHolds(this.repo.commonDir, this.worktreePath, ref))) {
      // The usual case, verified from git's own files: nothing to refuse, move or re-add.
      if (await ensureExcluded(this.repo.commonDir, WORKTREES_EXCLUDE_PATTERN))
        repairs.push(`added ${WORKTREES_EXCLUDE_PATTERN} to .git/info/exclude`);
      await this.clearStaleLocks(branch, repairs);
      return { branch, worktreePath: this.worktreePath, origin: picked.origin ?? 'created', repairs };
    }
    let entries = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
    /** Set when a command below changed git's worktree registrations, so that they are listed again. */
    let registrationsChanged = false;

    // Decide everything that could make us refuse before changing anything.
    const holder = entries.find((e) => e.branch === ref);
    if (holder?.isMain) {
      throw new RepositoryRefusedError(
        'branch-checked-out-in-main',
        `The branch '${branch}' is checked out in your working tree at ${holder.path}. SpecTask keeps it in its own worktree and will not switch your branch: run 'git switch <your branch>' there, then try again.`,
        this.repo.root,
      );
    }
    if (holder?.locked && (await exists(holder.path)) && !(await samePath(holder.path, this.worktreePath))) {
      throw new RepositoryRefusedError(
        'worktree-locked',
        `The branch '${branch}' is checked out in a locked worktree at ${holder.path}. Unlock it ('git worktree unlock ${holder.path}') or remove it, then try again.`,
        this.repo.root,
      );
    }
    const occupant = await this.entryAt(entries, this.worktreePath);
    if (occupant && occupant.branch !== ref && (await exists(this.worktreePath))) {
      throw new RepositoryRefusedError(
        'worktree-path-taken',
        `${this.worktreePath} is already a worktree for ${occupant.branch ?? 'a detached HEAD'}. Remove it ('git worktree remove ${this.worktreePath}') or choose another design-docs branch name.`,
        this.repo.root,
      );
    }

    if (await ensureExcluded(this.repo.commonDir, WORKTREES_EXCLUDE_PATTERN))
      repairs.push(`added ${WORKTREES_EXCLUDE_PATTERN} to .git/info/exclude`);
    if (picked.origin === 'remote' || picked.origin === 'legacy-remote') {
      // Creates only the ref (and its upstream config); HEAD, index and files are untouched.
      await git.run(['branch', '--track', branch, `${this.remote}/${branch}`]);
    } else if (picked.origin === 'created') {
      await this.createOrphanBranch(git, branch);
    }

    await fs.mkdir(path.dirname(this.worktreePath), { recursive: true });
    if (holder && !(await samePath(holder.path, this.worktreePath))) {
      if (await exists(holder.path)) {
        await git.run(['worktree', 'move', holder.path, this.worktreePath]);
        registrationsChanged = true;
        repairs.push(`moved the design-docs worktree from ${holder.path} to ${this.worktreePath}`);
      } else {
        await git.run(['worktree', 'prune']);
        registrationsChanged = true;
        repairs.push(`forgot the stale worktree registration at ${holder.path} (that folder no longer exists)`);
        if (await this.tryRepairInPlace(git, ref)) repairs.push(`re-attached the existing folder ${this.worktreePath}`);
      }
    } else if (holder && !(await exists(path.join(this.worktreePath, '.git')))) {
      await git.run(['worktree', 'prune']);
      registrationsChanged = true;
      repairs.push(`re-created the worktree folder ${this.worktreePath}, which had been deleted`);
    }

    if (registrationsChanged) entries = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
    const now = await this.entryAt(entries, this.worktreePath);
    if (now?.branch !== ref || !(await exists(path.join(this.worktreePath, '.git')))) {
      if (now) await git.run(['worktree', 'prune']);
      await this.clearPathFor(repairs);
      await git.run(['worktree', 'add', this.worktreePath, branch]);
    }
    await this.clearStaleLocks(branch, repairs);
    return { branch, worktreePath: this.worktreePath, origin: picked.origin ?? 'created', repairs };
  }

  /** Chooses the branch: ours locally, ours on the remote, a legacy one locally, on the remote, else a new one. */
  private async pickBranch(git: GitRunner): Promise<{ branch?: string; origin?: BranchOrigin }> {
    // One `for-each-ref` instead of a `rev-parse` per candidate: cheaper, and it prints when refs exist.
    const candidates = [this.branchSetting, ...this.legacy].flatMap((b) => [
      `refs/heads/${b}`,
      `refs/remotes/${this.remote}/${b}`,
    ]);
    const out = await git.run(['for-each-ref', '--format=%(refname)', ...candidates]);
    const refs = new Set(
      out
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    const has = (r: string) => refs.has(r);
    if (has(`refs/heads/${this.branchSetting}`)) return { branch: this.branchSetting, origin: 'local' };
    if (has(`refs/remotes/${this.remote}/${this.branchSetting}`))
      return { branch: this.branchSetting, origin: 'remote' };
    for (const b of this.legacy) if (has(`refs/heads/${b}`)) return { branch: b, origin: 'legacy-local' };
    for (const b of this.legacy)
      if (has(`refs/remotes/${this.remote}/${b}`)) return { branch: b, origin: 'legacy-remote' };
    return { origin: 'created' };
  }

  /** Builds the orphan branch's first commit without any working tree or the user's index. */
  private async createOrphanBranch(git: GitRunner, branch: string): Promise<void> {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spectask-orphan-'));
    try {
      const readme = path.join(tmp, 'README.md');
      await fs.writeFile(readme, designDocsReadme(branch));
      const blob = (await git.run(['hash-object', '-w', '--', readme])).trim();
      const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
      await git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},README.md`], { env });
      const tree = (await git.run(['write-tree'], { env })).trim();
      const identity = await commitIdentityEnv(git, this.repo.root);
      const commit = (
        await git.run(['commit-tree', tree, '-m', `spectask: start the design-docs branch ${branch}`], {
          env: identity,
        })
      ).trim();
      // Expected old value all zeros: fails instead of overwriting if someone created the branch meanwhile.
      await git.run([
        'update-ref',
        '-m',
        'spectask: create design-docs branch',
        `refs/heads/${branch}`,
        commit,
        ZERO_SHA,
      ]);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /** `git worktree repair` (git ≥ 2.30) re-links a folder whose registration pointed elsewhere. */
  private async tryRepairInPlace(git: GitRunner, ref: string): Promise<boolean> {
    if (!(await exists(path.join(this.worktreePath, '.git')))) return false;
    const v = this.repo.gitVersion;
    if (v.major === 2 && v.minor < 30) return false;
    if ((await git.tryRun(['worktree', 'repair', this.worktreePath])) === undefined) return false;
    const entry = await this.entryAt(
      parseWorktreeList(await git.run(['worktree', 'list', '--porcelain'])),
      this.worktreePath,
    );
    return entry?.branch === ref;
  }

  /** Makes room at the worktree path: an empty folder is removed, anything else is set aside, never deleted. */
  private async clearPathFor(repairs: string[]): Promise<void> {
    if (!(await exists(this.worktreePath))) return;
    const content = await fs.readdir(this.worktreePath).catch(() => ['?']);
    if (content.length === 0) {
      await fs.rmdir(this.worktreePath);
      return;
    }
    const aside = `${this.worktreePath}.orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(this.worktreePath, aside);
    repairs.push(`moved an unregistered folder that was in the way to ${aside}`);
  }

  /** Removes the worktree's `index.lock` and the branch's ref lock when a crashed git left them. */
  private async clearStaleLocks(branch: string, repairs: string[]): Promise<void> {
    const dotGit = await fs.readFile(path.join(this.worktreePath, '.git'), 'utf8').catch(() => '');
    const gitDir = /^gitdir:\s*(.+)$/m.exec(dotGit)?.[1]?.trim();
    const locks = [path.join(this.repo.commonDir, 'refs', 'heads', `${branch}.lock`)];
    if (gitDir) locks.push(path.join(path.resolve(this.worktreePath, gitDir), 'index.lock'));
    for (const lock of locks) {
      if (!(await exists(lock))) continue;
      const verdict = await removeLockIfStale(lock, [this.repo.root, this.worktreePath]);
      if (verdict.removed) repairs.push(`removed ${lock}: ${verdict.reason}`);
    }
  }

  private async entryAt(entries: WorktreeEntry[], p: string): Promise<WorktreeEntry | undefined> {
    for (const e of entries) if (await samePath(e.path, p)) return e;
    return undefined;
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

async function samePath(a: string, b: string): Promise<boolean> {
  // A folder that does not exist (yet, or any more) is compared through its parent's real path.
  const norm = async (p: string) =>
    fs
      .realpath(p)
      .catch(async () =>
        path.join(await fs.realpath(path.dirname(p)).catch(() => path.resolve(path.dirname(p))), path.basename(p)),
      );
  return (await norm(a)) === (await norm(b));
}
