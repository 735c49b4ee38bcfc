import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IDisposable } from '../lifecycle';
import type { GitExecutor } from './gitCommand';
import { DEFAULT_LOCK_RETRY_DELAYS_MS, GitRunner, type StuckLockHandler } from './gitRunner';
import { removeLockIfStale } from './staleLock';

/**
 * One repository's serialized git queue (DESIGN.md §7): jobs run one after another in arrival order, so two
 * writers never race for `index.lock` or a ref lock. A failing job rejects only its own promise.
 */
export class GitQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private disposed = false;

  constructor(
    /** The repository's root folder (main worktree). */
    readonly repoRoot: string,
    /** The runner jobs use; its commands retry on foreign locks. */
    readonly git: GitRunner,
  ) {}

  /** Jobs queued or running. */
  get length(): number {
    return this.waiting;
  }

  /**
   * Runs `job` after every job queued before it. `label` names the job in errors. Rejects at once once the
   * queue is disposed.
   */
  enqueue<T>(label: string, job: (git: GitRunner) => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new Error(`git queue for ${this.repoRoot} is closed (job: ${label})`));
    this.waiting++;
    const run = this.tail.then(() => job(this.git));
    // The chain continues whatever this job did; its result or error belongs to its caller only.
    this.tail = run.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return run;
  }

  /** Resolves when every job queued so far has finished. */
  whenIdle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  /** Refuses new jobs; jobs already queued still run. */
  close(): void {
    this.disposed = true;
  }
}

/** Options shared by every queue a registry creates. */
export interface GitQueueRegistryOptions {
  /** The git executable; default `git`. */
  binary?: string;
  /**
   * Called when a lock outlasts the retries; see {@link GitRunner}. Receives the queue's repository root.
   * Default: remove the lock if {@link removeLockIfStale} finds no git process working in the repository.
   */
  onStuckLock?: (repoRoot: string, lockFile: string) => Promise<boolean>;
  /** Waits between retries while a lock is held; default {@link DEFAULT_LOCK_RETRY_DELAYS_MS} (~3.9 s in all). */
  lockRetryDelaysMs?: readonly number[];
  /**
   * What starts the git processes of every runner this registry creates; default the process's executor
   * (`defaultGitExecutor` in gitExecutor.ts). The registry does not own it: whoever passes one disposes of it.
   */
  executor?: GitExecutor;
}

/**
 * Hands out "the queue for repository X" (keyed by the real path of its root) without a singleton: the
 * composition root creates one registry and passes it to whoever writes git state.
 */
export class GitQueueRegistry implements IDisposable {
  private readonly queues = new Map<string, GitQueue>();

  constructor(private readonly options: GitQueueRegistryOptions = {}) {}

  /** The queue for the repository whose main worktree is `repoRoot` (created on first use). */
  forRepo(repoRoot: string): GitQueue {
    const key = realpathOrResolved(repoRoot);
    let q = this.queues.get(key);
    if (!q) {
      const handler =
        this.options.onStuckLock ??
        (async (root: string, lock: string) => (await removeLockIfStale(lock, [root])).removed);
      const onStuck: StuckLockHandler = (lock) => handler(key, lock);
      q = new GitQueue(
        key,
        new GitRunner(
          key,
          this.options.binary ?? 'git',
          onStuck,
          this.options.lockRetryDelaysMs ?? DEFAULT_LOCK_RETRY_DELAYS_MS,
          this.options.executor,
        ),
      );
      this.queues.set(key, q);
    }
    return q;
  }

  get binary(): string {
    return this.options.binary ?? 'git';
  }

  dispose(): void {
    for (const q of this.queues.values()) q.close();
    this.queues.clear();
  }
}

function realpathOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
