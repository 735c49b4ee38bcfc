import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AutoMaintenance } from '../git/autoMaintenance';
import { commitIdentityEnv } from '../git/commitIdentity';
import { CommittedHead } from '../git/committedHead';
import { GitCommandError } from '../git/gitErrors';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import { Disposable, Emitter, type Event } from '../lifecycle';
import { formatCommitMessage, type DocChange } from './commitMessage';
import { amendWithContent, blobFromContent, readBackWhole } from './contentAmend';
import { amendEmptiedHead, EMPTY_BLOB } from './emptiedHead';
import { commitRetryingMovedHead } from './movedHeadRetry';
import { filesTouchedSince, type WrittenFile } from './writtenFileCheck';
import { fenceForeignFolders } from '../workers/foreignFolderFence';

/** A change waiting for its commit: the files it touched (relative to the worktree) and its description. */
export interface PendingChange extends DocChange {
  files: string[];
  /**
   * The files are tracked, and this process wrote each whole (atomically, by rename), so none can be torn:
   * the commit can take them from the worktree in one `git commit --only` instead of add + check + commit.
   */
  wholeTrackedFiles?: boolean;
  /**
   * With {@link wholeTrackedFiles}: how each file looked right after this process wrote it, so that a file
   * another writer touched before git read it (an agent's truncate-then-write of `tasks.md`) is caught.
   */
  written?: ReadonlyMap<string, WrittenFile>;
}

/** A commit made on the design-docs branch. */
export interface DocCommit {
  sha: string;
  message: string;
  changes: DocChange[];
}

/** Settings of the committer. */
export interface DocCommitterOptions {
  /** Push after every commit (setting); never forced. Default false. */
  push?: boolean;
  remote?: string;
  /**
   * Called (inside the committer's queue job) when a push was rejected because the remote moved: the
   * design-docs sync integrates the remote's commits and pushes again. Throws when it cannot; the rejection
   * is then reported through {@link DocCommitter.onDidFailPush}.
   */
  onPushRejected?: (git: GitRunner) => Promise<unknown>;
}

/**
 * Commits design-docs changes through the repository's git queue. Changes that arrive while a commit is
 * already queued join it (a burst of ticks becomes one commit); each caller's promise resolves only once
 * the commit holding its change exists, so no tick is acknowledged before it is in git. A failed commit
 * rejects its callers and keeps their files for the next commit, so nothing written is left behind.
 */
export class DocCommitter extends Disposable {
  private pending: {
    change: PendingChange;
    resolve: (c: DocCommit | undefined) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private flushQueued = false;
  private readonly leftover = new Set<string>();
  /** Looked up once: two `git config` calls per tick would double a tick's cost for no benefit. */
  private identity?: Record<string, string>;
  /** Git's maintenance check after a commit, run on one of our commits in 32 (autoMaintenance.ts). */
  private readonly maintenance = new AutoMaintenance();
  private readonly _onDidCommit = this._register(new Emitter<DocCommit>());
  private readonly _onDidFailPush = this._register(new Emitter<{ sha: string; message: string }>());
  /** Fires after each commit on the branch. */
  readonly onDidCommit: Event<DocCommit> = this._onDidCommit.event;
  /** Fires when a push after a commit failed; the commit itself stays, and the next push carries it. */
  readonly onDidFailPush: Event<{ sha: string; message: string }> = this._onDidFailPush.event;

  /** A push of this branch made by its claimant (fencedPublisher.ts) failed: told like a failed push of ours. */
  reportPushFailure(sha: string, message: string): void {
    this._onDidFailPush.fire({ sha, message });
  }

  constructor(
    private readonly queue: GitQueue,
    private readonly worktreePath: string,
    private readonly branch: string,
    private readonly options: DocCommitterOptions = {},
  ) {
    super();
  }

  /**
   * Queues `change` for commit. Call it from inside a queue job right after writing the files (so the write
   * and the commit keep their order); resolves with the commit, or undefined when the files turned out
   * unchanged. Never await it inside a queue job: the commit runs as a later job of the same queue.
   */
  commit(change: PendingChange): Promise<DocCommit | undefined> {
    const done = new Promise<DocCommit | undefined>((resolve, reject) =>
      this.pending.push({ change, resolve, reject }),
    );
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Errors are delivered to each waiting caller in flush(); the queue's own promise is not needed here.
      this.queue.enqueue('design-docs: commit', (git) => this.flush(git)).catch(() => undefined);
    }
    return done;
  }

  private async flush(git: GitRunner): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const files = [...new Set([...this.leftover, ...batch.flatMap((b) => b.change.files)])];
    try {
      const changes = batch.map((b) => ({ taskId: b.change.taskId, summary: b.change.summary }));
      const message = formatCommitMessage(changes);
      const whole = this.leftover.size === 0 && batch.every((b) => b.change.wholeTrackedFiles);
      const written = new Map(batch.flatMap((b) => [...(b.change.written ?? [])]));
      const sha = whole
        ? await this.commitWholeFiles(git, files, message, written)
        : await this.commitFiles(git, files, message);
      const commit = sha ? { sha, message, changes } : undefined;
      if (sha) this.checkedHead = sha;
      this.leftover.clear();
      for (const b of batch) b.resolve(commit);
      if (commit) {
        this._onDidCommit.fire(commit);
        if (this.options.push) await this.push(git, commit.sha);
      }
    } catch (e) {
      for (const f of files) this.leftover.add(f);
      for (const b of batch) b.reject(e);
    }
  }

  /**
   * Stages exactly `files` (relative to the worktree; deletions too, torn writes re-staged) and commits them
   * with `message`, inside the calling queue job. Returns the new commit's SHA, or undefined when the files
   * turned out unchanged. Never pushes. The design-docs sync uses it to commit what agents wrote before it
   * integrates a teammate's commits.
   */
  async commitFiles(git: GitRunner, files: readonly string[], message: string): Promise<string | undefined> {
    const cwd = this.worktreePath;
    const paths = await existingOrTracked(git, cwd, [...files]);
    // `-A` with explicit paths also records deletions; nothing outside these paths is staged.
    if (paths.length) {
      const addStartedAt = Date.now();
      await git.run(['add', '-A', '--', ...paths], { cwd });
      if (await mayHaveStagedTornWrite(cwd, paths, addStartedAt)) {
        const emptied = (await restageTornWrites(git, cwd, paths)).filter(isChecklist);
        // A checklist still empty after the wait is an agent killed between its truncate and its write: its
        // ticks are in HEAD, and the run's end puts them back (restoreEmptiedChecklist). Committed, it would
        // lose them, and every retry would find no items. Left out of the commit (deleting the file is how
        // a person removes a checklist).
        if (emptied.length) await git.run(['reset', '--quiet', '--', ...emptied], { cwd });
      }
    }
    // --no-verify: these are machine commits on a docs-only branch; the user's code hooks (lint, tests)
    // do not apply to them and must not make a tick fail. `-q`: see commitWholeFiles.
    const env = (this.identity ??= await commitIdentityEnv(git, cwd));
    let parent: string | undefined;
    const out = await commitRetryingMovedHead(() => {
      parent = this.committedHead().current();
      return git.run([...this.maintenance.next(), 'commit', '-q', '--no-verify', '-m', message], { cwd, env }).then(
        (o) => o,
        (e: unknown) => {
          if (e instanceof GitCommandError && NOTHING_TO_COMMIT.test(e.stderr)) return undefined;
          throw e;
        },
      );
    });
    return out === undefined ? undefined : this.committedSha(git, message, parent);
  }

  /**
   * Commits `files` as they are in the worktree with one git process (issue 24: a transition took an add, a
   * torn-write check and a commit, 4.5× a bare commit). Only for files this process wrote whole; a file git
   * does not know yet makes `--only` refuse, and the commit then goes the long way.
   */
  private async commitWholeFiles(
    git: GitRunner,
    files: readonly string[],
    message: string,
    written: ReadonlyMap<string, WrittenFile>,
  ): Promise<string | undefined> {
    const cwd = this.worktreePath;
    // `-q`: without it git prints a diffstat of the new commit, reading and diffing every changed file again
    // (a third of a 16-file commit, issue 24); the commit is then named by committedSha, not by git's output.
    this.identity ??= await commitIdentityEnv(git, cwd);
    let parent: string | undefined;
    const out = await commitRetryingMovedHead(() => {
      parent = this.committedHead().current();
      return git
        .run([...this.maintenance.next(), 'commit', '-q', '--no-verify', '-m', message, '--only', '--', ...files], {
          cwd,
          env: this.identity,
        })
        .then(
          (o) => o,
          (e: unknown) => {
            if (e instanceof GitCommandError && /did not match any file\(s\) known to git/.test(e.stderr)) return null;
            if (e instanceof GitCommandError && NOTHING_TO_COMMIT.test(e.stderr)) return undefined;
            throw e;
          },
        );
    });
    if (out === null) return this.commitFiles(git, files, message);
    if (out === undefined) return undefined;
    const touched = filesTouchedSince(cwd, written);
    const sha = await this.committedSha(git, message, parent);
    const torn = touched.length ? await filesEmptiedBy(git, cwd, sha, touched) : [];
    if (!torn.length) return sha;
    // Amended with the content read back and checked here: an amend reading the file itself could take the
    // agent's next truncate (contentAmend.ts). The amended commit keeps the message and the parent.
    const back = new Map<string, Buffer>();
    for (const f of torn) {
      const content = await readBackWhole(cwd, f, TORN_WRITE_WAIT_MS);
      if (content) back.set(f, content);
    }
    if (!back.size) return sha;
    return (await amendWithContent(git, { cwd, head: sha, files: back, identity: this.identity ?? {} })) ?? sha;
  }

  private head?: CommittedHead;
  /** The branch's commit this committer made or checked last (see repairEmptiedHead). */
  private checkedHead?: string;

  /**
   * Before a commit, when the branch's head is not one this committer made or checked: a committer killed
   * between a commit that read an agent's truncated checklist and its amend (commitWholeFiles) left that
   * checklist emptied at HEAD. If HEAD is such a commit of ours (emptiedHead.ts), no remote-tracking ref has it
   * and the file is back on disk, it is amended with the file, as the killed committer would have. Otherwise it
   * stays: the folder's next commit restores the content, restoreEmptiedChecklist the file after a run. From
   * git's files, no process, unless there is something to repair. Called by a write job before it writes (so
   * that the amend takes the file as the killed committer would have, not with this process's next tick in it);
   * never fails: what it cannot repair stays as it was.
   */
  async repairEmptiedHead(git: GitRunner): Promise<void> {
    // A batch is already waiting: its first write checked, and nothing but this committer has run since.
    if (this.pending.length) return;
    const cwd = this.worktreePath;
    const head = this.committedHead();
    const identity = async () => (this.identity ??= await commitIdentityEnv(git, cwd));
    this.checkedHead = await amendEmptiedHead(git, { cwd, head, identity, checked: this.checkedHead }).catch(
      () => undefined,
    );
  }

  private committedHead(): CommittedHead {
    return (this.head ??= new CommittedHead(this.worktreePath, this.branch));
  }

  /**
   * The commit just made with `message` on `parent` (the branch's commit before it, when it could be read):
   * read from git's files, else asked of git.
   */
  private async committedSha(git: GitRunner, message: string, parent: string | undefined): Promise<string> {
    const found = this.committedHead().find(message, parent);
    if (found) return found;
    return (await git.run(['rev-parse', 'HEAD'], { cwd: this.worktreePath })).trim();
  }

  private async push(git: GitRunner, sha: string): Promise<void> {
    const remote = this.options.remote ?? 'origin';
    try {
      // The content-level fence: folders whose claim another holds are put back first (foreignFolderFence.ts).
      await fenceForeignFolders(git, { worktreePath: this.worktreePath, branch: this.branch, remote });
      // No terminal prompt: a push needing credentials fails (and is reported) instead of hanging the queue.
      await git.run(['push', remote, `${this.branch}:${this.branch}`], {
        cwd: this.worktreePath,
        env: { GIT_TERMINAL_PROMPT: '0' },
      });
    } catch (e) {
      if (this.options.onPushRejected && isRejectedAsBehind(e)) {
        // A teammate pushed first: integrate their commits (rebase ours on theirs) and push again, in this
        // same queue job, so no other write slips in between. Only if that fails is the push reported.
        try {
          await this.options.onPushRejected(git);
          return;
        } catch (syncError) {
          this._onDidFailPush.fire({
            sha,
            message: syncError instanceof Error ? syncError.message : String(syncError),
          });
          return;
        }
      }
      this._onDidFailPush.fire({ sha, message: e instanceof Error ? e.message : String(e) });
    }
  }
}

const NOTHING_TO_COMMIT = /nothing to commit|nothing added to commit|no changes added to commit/;

/** True for a push the remote refused because it has commits we lack (never for auth or network failures). */
export function isRejectedAsBehind(e: unknown): boolean {
  const text = e instanceof GitCommandError ? e.stderr : e instanceof Error ? e.message : String(e);
  return /\[rejected\][^\n]*\((fetch first|non-fast-forward)\)|Updates were rejected because the (tip of your current branch is behind|remote contains work)/.test(
    text,
  );
}

/** Paths git can `add -A`: present on disk or known to the index (deleted files); others would fail the add. */
async function existingOrTracked(git: GitRunner, cwd: string, files: string[]): Promise<string[]> {
  const present = await Promise.all(
    files.map((f) =>
      fs.access(path.join(cwd, f)).then(
        () => true,
        () => false,
      ),
    ),
  );
  const missing = files.filter((_, i) => !present[i]);
  const tracked = missing.length
    ? new Set((await git.run(['ls-files', '-z', '--', ...missing], { cwd })).split('\0').filter(Boolean))
    : new Set<string>();
  return files.filter((f, i) => present[i] || tracked.has(f) || [...tracked].some((t) => t.startsWith(`${f}/`)));
}

/**
 * File timestamps come from the kernel's coarse clock, which may trail the clock `Date.now()` reads by a
 * scheduler tick (1–10 ms); a change this close to the start of `git add` counts as a change during it.
 */
const TIMESTAMP_SLACK_MS = 20;

/**
 * Whether `git add` (started at `addStartedAt`) may have staged one of `paths` empty in the middle of a
 * rewrite, which only `git diff --cached` can then tell. It cannot have when every file is non-empty now and
 * was last changed before the add started: git read each file after that moment, so it read what is there
 * now. That spares a git process on almost every commit; any file changed since, empty, gone or unreadable
 * (and any nested folder) sends the commit through the full check.
 */
async function mayHaveStagedTornWrite(cwd: string, paths: string[], addStartedAt: number): Promise<boolean> {
  const before = addStartedAt - TIMESTAMP_SLACK_MS;
  const settled = async (file: string, depth: number): Promise<boolean> => {
    const st = await fs.lstat(file).catch(() => undefined);
    if (!st) return false;
    if (st.isDirectory()) {
      if (depth > 0) return false;
      const names = await fs.readdir(file).catch(() => undefined);
      if (!names) return false;
      const all = await Promise.all(names.map((n) => settled(path.join(file, n), depth + 1)));
      return all.every(Boolean);
    }
    return st.size > 0 && st.ctimeMs < before;
  };
  const all = await Promise.all(paths.map((p) => settled(path.join(cwd, p), 0)));
  return !all.every(Boolean);
}

/**
 * Of `files` (touched by another writer while `commit --only` read them), those the commit `sha` took empty in the
 * middle of a rewrite (their previous version was not).
 */
async function filesEmptiedBy(git: GitRunner, cwd: string, sha: string, files: string[]): Promise<string[]> {
  const raw = await git.run(['diff-tree', '-r', '--raw', '--no-abbrev', '-z', sha, '--', ...files], { cwd });
  const parts = raw.split('\0');
  const torn: string[] = [];
  // diff-tree -z prints the commit's name first, then ":<mode> <mode> <old> <new> <status>\0<path>\0" entries.
  for (let i = parts[0]?.startsWith(':') ? 0 : 1; i + 1 < parts.length; i += 2) {
    const [, , oldSha, newSha, status] = parts[i].split(' ');
    if (status === 'M' && newSha === EMPTY_BLOB && oldSha !== EMPTY_BLOB) torn.push(parts[i + 1]);
  }
  return torn;
}

/** How long a commit waits for a file caught between an editor's truncate and its write. */
const TORN_WRITE_WAIT_MS = 400;

/**
 * Agents and editors often rewrite a file by truncating it and then writing it, so for an instant it is
 * empty. A `git add` in that instant stages an empty checklist, and the commit would record every tick of
 * that task as undone until the next commit (the orchestrator benchmark caught this with 32 agents). So after
 * staging, any file staged empty whose HEAD version was not is re-staged once its content is back. Returns
 * the files still staged empty after the wait (the caller keeps an emptied checklist out of the commit).
 */
async function restageTornWrites(git: GitRunner, cwd: string, paths: string[]): Promise<string[]> {
  const torn = async (): Promise<{ path: string; mode: string }[]> => {
    const raw = await git.run(['diff', '--cached', '--raw', '--no-abbrev', '-z', '--', ...paths], { cwd });
    const parts = raw.split('\0');
    const out: { path: string; mode: string }[] = [];
    // -z --raw: ":<mode> <mode> <old> <new> <status>\0<path>\0"
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const [, mode, oldSha, newSha, status] = parts[i].split(' ');
      if (status === 'M' && newSha === EMPTY_BLOB && oldSha !== EMPTY_BLOB) out.push({ path: parts[i + 1], mode });
    }
    return out;
  };
  const t0 = Date.now();
  for (const f of await torn()) {
    // Staged from the content read back and checked here, not by a `git add` that could read the next truncate.
    const content = await readBackWhole(cwd, f.path, Math.max(0, TORN_WRITE_WAIT_MS - (Date.now() - t0)));
    if (!content) continue;
    const blob = await blobFromContent(git, cwd, f.path, content);
    await git.run(['update-index', '--add', '--cacheinfo', `${f.mode},${blob},${f.path}`], { cwd });
  }
  return (await torn()).map((f) => f.path);
}

/** A SpecTask's checklist (`tasks.md`, or a legacy folder's `progress.md`), by its path in the worktree. */
function isChecklist(rel: string): boolean {
  return /(^|\/)(tasks|progress)\.md$/.test(rel);
}
