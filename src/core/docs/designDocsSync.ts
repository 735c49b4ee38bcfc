import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitIdentityEnv } from '../git/commitIdentity';
import { GitCommandError } from '../git/gitErrors';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../lifecycle';
import { writeFileAtomic } from './atomicWrite';
import { formatTaskNumber, parseTaskFolderName, TASKS_DIR } from './designDocsLayout';
import { DocCommitter, isRejectedAsBehind } from './docCommitter';
import { mergeByRule } from './syncMergeRules';

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
    readonly code: 'no-remote' | 'conflict' | 'detached' | 'push-failed' | 'fetch-failed' | 'busy-remote',
    message: string,
    /** For `conflict`: the files both sides changed in ways no rule settles. */
    readonly files: string[] = [],
  ) {
    super(message);
    this.name = 'DesignDocsSyncError';
  }
}

const ZERO = /^0+$/;
/** writeFileAtomic's temporary files: never committed, even if a crash left one. */
const ATOMIC_TMP = /(^|\/)\.[^/]+\.\d+\.\d+\.tmp$/;

interface TreeChange {
  path: string;
  oldSha?: string;
  newSha?: string;
  newMode: string;
}

/**
 * Integrates a teammate's commits to the shared design-docs branch, through the repository's one git queue
 * (so no tick commit runs in the middle of it):
 *
 * 1. commits whatever agents wrote and nobody committed yet (with the committer's torn-write guard);
 * 2. fetches the remote branch;
 * 3. remote behind: nothing to integrate. Only the remote moved: fast-forward. Both moved: our unpushed
 *    commits are replayed on the remote's (a rebase done with plumbing on a private index: the remote's
 *    commits are never rewritten, and the worktree is not rewound to an older state halfway, which a
 *    `git rebase` there would do under the feet of agents ticking in it). Files both sides changed are
 *    settled by the rules in syncMergeRules, else by git's line merge; anything else stops the sync with
 *    a {@link DesignDocsSyncError} naming the files, before any ref or file was changed;
 * 4. updates the worktree: only files the new head changed are written, and a file an agent changed
 *    meanwhile is merged with the same rules instead of overwritten; then the branch ref moves
 *    (compare-and-swap) and the worktree's index follows;
 * 5. pushes, never forced; rejected again because a teammate pushed meanwhile: back to 2 (bounded).
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

  /** Runs a sync as one job of the git queue. `push: false` integrates without publishing. */
  sync(options: { push?: boolean } = {}): Promise<SyncResult> {
    return this.queue.enqueue('design-docs: sync', (git) => this.syncInJob(git, options));
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
    const push = options.push ?? true;
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
          next = await this.replay(git, tmp, theirs, mine, result.resolved);
          result.replayed += mine.length;
        }
        if (theirs)
          result.incoming += Number((await git.run(['rev-list', '--count', `${ours}..${theirs}`], { cwd })).trim());
        if (next !== ours)
          result.changedFiles.push(...(await this.moveWorktree(git, tmp, ours, next, result.resolved)));
        result.after = next;
        if (!push || next === theirs) {
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
      await git.run(['fetch', '--no-tags', this.remote, `+refs/heads/${this.branch}:${tracking}`], {
        cwd: this.worktreePath,
        env: { GIT_TERMINAL_PROMPT: '0' },
      });
    } catch (e) {
      const text = e instanceof GitCommandError ? e.stderr : String(e);
      if (/couldn't find remote ref/i.test(text)) return undefined;
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

  /**
   * Replays `commits` (oldest first) on `onto` with a private index: for each, the files it changed are
   * merged with what `onto` has now. Returns the new head. Throws a conflict error (having changed no ref)
   * when a file cannot be settled.
   */
  private async replay(
    git: GitRunner,
    tmp: string,
    onto: string,
    commits: string[],
    resolved: SyncResult['resolved'],
  ): Promise<string> {
    const cwd = this.worktreePath;
    const env = { GIT_INDEX_FILE: path.join(tmp, 'replay-index') };
    let head = onto;
    for (const c of commits) {
      const parent = (await git.run(['rev-list', '--parents', '-n', '1', c], { cwd })).trim().split(' ')[1];
      const changes = await this.treeChanges(git, parent, c);
      if (!changes.length) continue;
      const atHead = await this.lsTree(
        git,
        head,
        changes.map((ch) => ch.path),
      );
      await git.run(['read-tree', head], { cwd, env });
      const conflicts: string[] = [];
      for (const ch of changes) {
        const remote = atHead.get(ch.path);
        if (remote === ch.newSha) continue;
        let sha: string | undefined;
        if (remote === ch.oldSha) sha = ch.newSha;
        else {
          const m = await this.mergeBlobs(git, tmp, ch.path, ch.oldSha, ch.newSha, remote);
          if (!m) {
            conflicts.push(ch.path);
            continue;
          }
          sha = m.sha;
          if (m.rule) resolved.push({ file: ch.path, rule: m.rule });
        }
        if (sha)
          await git.run(
            [
              'update-index',
              '--add',
              '--cacheinfo',
              `${ch.newMode === '000000' ? '100644' : ch.newMode},${sha},${ch.path}`,
            ],
            { cwd, env },
          );
        else await git.run(['update-index', '--force-remove', '--', ch.path], { cwd, env });
      }
      if (conflicts.length) throw conflictError(conflicts, c);
      const tree = (await git.run(['write-tree'], { cwd, env })).trim();
      if (tree === (await this.rev(git, `${head}^{tree}`))) continue; // already upstream: dropped, as rebase does
      const meta = (await git.run(['show', '-s', '--format=%an%x00%ae%x00%aI%x00%B', c], { cwd })).split('\0');
      const msgFile = path.join(tmp, 'message');
      await fs.writeFile(msgFile, meta.slice(3).join('\0'));
      const identity = await this.committerIdentity(git);
      head = (
        await git.run(['commit-tree', tree, '-p', head, '-F', msgFile], {
          cwd,
          env: { ...identity, GIT_AUTHOR_NAME: meta[0], GIT_AUTHOR_EMAIL: meta[1], GIT_AUTHOR_DATE: meta[2] },
        })
      ).trim();
    }
    return head;
  }

  /**
   * Moves the worktree and branch from `from` to `to`. Files the agents left alone get the new content; a
   * file changed meanwhile is merged. Every decision is made before the first write, so a conflict changes
   * nothing. The ref moves only if it is still at `from` (compare-and-swap).
   */
  private async moveWorktree(
    git: GitRunner,
    tmp: string,
    from: string,
    to: string,
    resolved: SyncResult['resolved'],
  ): Promise<string[]> {
    const cwd = this.worktreePath;
    const changes = await this.treeChanges(git, from, to);
    const current = new Map<string, Buffer | undefined>();
    for (const ch of changes) current.set(ch.path, await fs.readFile(path.join(cwd, ch.path)).catch(() => undefined));
    const present = changes.filter((ch) => current.get(ch.path) !== undefined).map((ch) => ch.path);
    const hashes = present.length ? (await git.run(['hash-object', '--', ...present], { cwd })).trim().split('\n') : [];
    const onDisk = new Map(present.map((p, i) => [p, hashes[i]]));
    const plan: { path: string; content?: Buffer }[] = [];
    const conflicts: string[] = [];
    for (const ch of changes) {
      const disk = onDisk.get(ch.path);
      if (disk === ch.newSha) continue;
      if (disk === ch.oldSha) {
        plan.push({ path: ch.path, content: ch.newSha ? await this.readBlob(git, tmp, ch.newSha) : undefined });
        continue;
      }
      // Written by an agent since the pending commit: merge it with the incoming version, never overwrite it.
      const local = disk ? (await git.run(['hash-object', '-w', '--', ch.path], { cwd })).trim() : undefined;
      const m = await this.mergeBlobs(git, tmp, ch.path, ch.oldSha, local, ch.newSha);
      if (!m) {
        conflicts.push(ch.path);
        continue;
      }
      if (m.rule) resolved.push({ file: ch.path, rule: m.rule });
      plan.push({ path: ch.path, content: m.sha ? await this.readBlob(git, tmp, m.sha) : undefined });
    }
    if (conflicts.length) throw conflictError(conflicts);
    for (const p of plan) {
      const abs = path.join(cwd, p.path);
      if (p.content) {
        await fs.mkdir(path.dirname(abs), { recursive: true });
        await writeFileAtomic(abs, p.content);
      } else {
        await fs.rm(abs, { force: true });
        await removeEmptyParents(path.dirname(abs), cwd);
      }
    }
    await git.run(['update-ref', '-m', 'spectask: sync design-docs branch', `refs/heads/${this.branch}`, to, from], {
      cwd,
    });
    // The worktree's own index (never the user's) now matches the new head; files are left as they are.
    await git.run(['reset', '-q', '--mixed', 'HEAD'], { cwd });
    return plan.map((p) => p.path);
  }

  /**
   * Three-way merge of one file. Returns the merged blob (sha undefined = deleted), with the rule used when
   * one was needed, or undefined when it cannot be settled.
   */
  private async mergeBlobs(
    git: GitRunner,
    tmp: string,
    file: string,
    base?: string,
    local?: string,
    remote?: string,
  ): Promise<{ sha?: string; rule?: string } | undefined> {
    if (local === remote) return { sha: local };
    if (base === local) return { sha: remote };
    if (base === remote) return { sha: local };
    if (!local || !remote) return undefined; // changed on one side, deleted on the other
    const [b, l, r] = await Promise.all([
      base ? this.readBlob(git, tmp, base) : undefined,
      this.readBlob(git, tmp, local),
      this.readBlob(git, tmp, remote),
    ]);
    const byRule = mergeByRule(file, b, l, r);
    if (byRule) return { sha: await this.writeBlob(git, tmp, byRule.merged), rule: byRule.rule };
    // git's own line merge for changes that do not overlap (e.g. two sections of design.md).
    const [lf, bf, rf] = ['local', 'base', 'remote'].map((n) => path.join(tmp, `merge-${n}`));
    await Promise.all([fs.writeFile(lf, l), fs.writeFile(bf, b ?? ''), fs.writeFile(rf, r)]);
    if ((await git.tryRun(['merge-file', '-q', lf, bf, rf], { cwd: tmp })) === undefined) return undefined;
    return { sha: await this.writeBlob(git, tmp, await fs.readFile(lf)), rule: 'changes to different lines merged' };
  }

  /**
   * A blob's exact bytes (binary-safe, unlike reading `cat-file` output as text): staged in a private index
   * and checked out under the private folder.
   */
  private async readBlob(git: GitRunner, tmp: string, sha: string): Promise<Buffer> {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'read-index') };
    const cwd = this.worktreePath;
    await git.run(['update-index', '--add', '--cacheinfo', `100644,${sha},blob-${sha}`], { cwd, env });
    const out = path.join(tmp, 'out') + path.sep;
    await git.run(['checkout-index', '-f', `--prefix=${out}`, '--', `blob-${sha}`], { cwd, env });
    const file = path.join(out, `blob-${sha}`);
    try {
      return await fs.readFile(file);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  private async writeBlob(git: GitRunner, tmp: string, content: Buffer): Promise<string> {
    const file = path.join(tmp, 'blob');
    await fs.writeFile(file, content);
    return (await git.run(['hash-object', '-w', '--', file], { cwd: this.worktreePath })).trim();
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

  /** Files changed between two commits (`from` undefined: a root commit), with blob names and new mode. */
  private async treeChanges(git: GitRunner, from: string | undefined, to: string): Promise<TreeChange[]> {
    const args = from
      ? ['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', from, to]
      : ['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', '--root', '--no-commit-id', to];
    const parts = (await git.run(args, { cwd: this.worktreePath })).split('\0');
    const out: TreeChange[] = [];
    for (let i = 0; i + 1 < parts.length; i++) {
      if (!parts[i].startsWith(':')) continue;
      const [, newMode, oldSha, newSha] = parts[i].slice(1).split(' ');
      out.push({
        path: parts[i + 1],
        oldSha: ZERO.test(oldSha) ? undefined : oldSha,
        newSha: ZERO.test(newSha) ? undefined : newSha,
        newMode,
      });
      i++;
    }
    return out;
  }

  /** Blob names of `paths` in `commit` (absent paths are missing from the map). */
  private async lsTree(git: GitRunner, commit: string, paths: string[]): Promise<Map<string, string>> {
    const out = await git.run(['ls-tree', '-r', '-z', commit, '--', ...paths], { cwd: this.worktreePath });
    const m = new Map<string, string>();
    for (const e of out.split('\0').filter(Boolean)) {
      const tab = e.indexOf('\t');
      m.set(e.slice(tab + 1), e.slice(0, tab).split(' ')[2]);
    }
    return m;
  }

  private async rev(git: GitRunner, ref: string): Promise<string> {
    return (await git.run(['rev-parse', '--verify', ref], { cwd: this.worktreePath })).trim();
  }

  private async isAncestor(git: GitRunner, a: string, b: string): Promise<boolean> {
    return (await git.tryRun(['merge-base', '--is-ancestor', a, b], { cwd: this.worktreePath })) !== undefined;
  }
}

function conflictError(files: string[], commit?: string): DesignDocsSyncError {
  return new DesignDocsSyncError(
    'conflict',
    `Sync stopped: you and a teammate both changed ${files.join(', ')}${commit ? ` (your commit ${commit.slice(0, 12)})` : ''} in ways SpecTask cannot merge on its own. Nothing was changed: your branch, worktree and unpushed commits are as they were. Merge by hand in the design-docs worktree ('git pull --rebase' there), then sync again.`,
    files,
  );
}

async function removeEmptyParents(dir: string, stop: string): Promise<void> {
  for (let d = dir; d.startsWith(stop) && d !== stop; d = path.dirname(d)) {
    if (
      !(await fs.rmdir(d).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}
