import { ALLOWED_EXTRA_ENV, type GitCommandFailure } from './gitCommand';
import { GitCommandError } from './gitErrors';
import { defaultGitExecutor, type GitExecutor } from './gitExecutor';

export { ALLOWED_EXTRA_ENV };

/** Options for one git command. */
export interface GitRunOptions {
  /** Working directory; defaults to the runner's repository root. */
  cwd?: string;
  /** Extra environment variables (only names in {@link ALLOWED_EXTRA_ENV}). */
  env?: Record<string, string>;
  /** What git reads on its stdin (written whole, then closed); without it stdin is closed. */
  input?: string;
  /**
   * @deprecated Changes nothing: every command now finishes as soon as git does. (It chose the path without
   * simple-git's 50 ms wait after a command that printed nothing; there is no other path left.)
   */
  quiet?: boolean;
}

/** Called when a lock error outlasted the retries; returns true when it removed a stale lock (retry once more). */
export type StuckLockHandler = (lockFile: string) => Promise<boolean>;

/**
 * How long to wait before running again a command a signal ended (see GIT_KILLED_BY_SIGNAL): the file that was
 * being rewritten is whole again within milliseconds. Git writes through lock files and renames, so a git
 * ended half-way leaves at most a lock behind, which the lock retries below deal with.
 */
export const DEFAULT_SIGNAL_RETRY_DELAYS_MS: readonly number[] = [10, 50];

/** How long a command keeps retrying while another git holds a lock (a user's `git gc`, an IDE's fetch): ~3.9 s. */
export const DEFAULT_LOCK_RETRY_DELAYS_MS: readonly number[] = [20, 40, 80, 160, 320, 500, 750, 1000, 1000];

/**
 * Runs git commands and turns failures into {@link GitCommandError}. The processes are started by the
 * process's git executor ({@link defaultGitExecutor}: a small helper process by default), so the caller's
 * process never forks itself; every command there is checked and hardened the same way (gitCommand.ts) and
 * finishes as soon as git does, whether it printed or not. A command that fails because another process holds
 * a `*.lock` is retried with backoff, then the `onStuckLock` hook may remove a stale lock. Writes should go
 * through a {@link GitQueue}, which owns one runner per repository.
 */
export class GitRunner {
  constructor(
    readonly repoRoot: string,
    readonly binary = 'git',
    private readonly onStuckLock?: StuckLockHandler,
    private readonly lockRetryDelaysMs: readonly number[] = DEFAULT_LOCK_RETRY_DELAYS_MS,
    private readonly executor: GitExecutor = defaultGitExecutor(),
  ) {}

  /** Runs `git <args>` and returns its stdout (untrimmed). */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    let removedStale = false;
    let signalRetries = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(args, options);
      } catch (e) {
        if (e instanceof GitCommandError && e.killedBySignal && signalRetries < DEFAULT_SIGNAL_RETRY_DELAYS_MS.length) {
          await delay(DEFAULT_SIGNAL_RETRY_DELAYS_MS[signalRetries++]);
          attempt--; // not a lock wait: the lock retries keep their whole budget
          continue;
        }
        const lock = e instanceof GitCommandError ? e.lockFile : undefined;
        if (!lock) throw e;
        if (attempt < this.lockRetryDelaysMs.length) {
          await delay(this.lockRetryDelaysMs[attempt]);
          continue;
        }
        if (!removedStale && this.onStuckLock && (await this.onStuckLock(lock))) {
          removedStale = true;
          continue;
        }
        throw e;
      }
    }
  }

  /** Like {@link run} but returns undefined instead of throwing when git exits with an error. */
  async tryRun(args: readonly string[], options: GitRunOptions = {}): Promise<string | undefined> {
    try {
      return await this.run(args, options);
    } catch (e) {
      if (e instanceof GitCommandError && !e.spawnFailed) return undefined;
      throw e;
    }
  }

  private async once(args: readonly string[], options: GitRunOptions): Promise<string> {
    const cwd = options.cwd ?? this.repoRoot;
    try {
      return await this.executor.run({
        binary: this.binary,
        cwd,
        args,
        ...(options.env && Object.keys(options.env).length ? { env: options.env } : {}),
        ...(options.input !== undefined ? { input: options.input } : {}),
      });
    } catch (e) {
      const { message: msg, gitError } = e as GitCommandFailure;
      // A binary that cannot be started surfaces as "spawn <binary> ENOENT", wrapped or not.
      const spawnFailed = /\bspawn\b.*\b(ENOENT|EACCES)\b/.test(msg) || (!gitError && /ENOENT|EACCES/.test(msg));
      throw new GitCommandError(args, msg, cwd, spawnFailed);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
