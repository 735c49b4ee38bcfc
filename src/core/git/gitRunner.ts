import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { GitCommandError } from './gitErrors';

/** Options for one git command. */
export interface GitRunOptions {
  /** Working directory; defaults to the runner's repository root. */
  cwd?: string;
  /** Extra environment variables (only names in {@link ALLOWED_EXTRA_ENV}). */
  env?: Record<string, string>;
}

/** Environment variables we set ourselves; simple-git blocks every other GIT_* variable by default. */
export const ALLOWED_EXTRA_ENV = ['GIT_INDEX_FILE', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_TERMINAL_PROMPT'] as const;

/** Called when a lock error outlasted the retries; returns true when it removed a stale lock (retry once more). */
export type StuckLockHandler = (lockFile: string) => Promise<boolean>;

/** How long a command keeps retrying while another git holds a lock (a user's `git gc`, an IDE's fetch): ~3.9 s. */
export const DEFAULT_LOCK_RETRY_DELAYS_MS: readonly number[] = [20, 40, 80, 160, 320, 500, 750, 1000, 1000];

/**
 * Runs git commands through simple-git and turns failures into {@link GitCommandError}.
 *
 * Performance note: simple-git waits an extra 50 ms after a command that printed nothing at all (its
 * completion plugin). Hot paths therefore use commands that print something (`add --verbose`, `commit`
 * without `-q`, `rev-parse`), which keeps a tick close to the cost of the git processes themselves. A command that fails
 * because another process holds a `*.lock` is retried with backoff, then the `onStuckLock` hook may remove a
 * stale lock. Writes should go through a {@link GitQueue}, which owns one runner per repository.
 */
export class GitRunner {
  private readonly byCwd = new Map<string, SimpleGit>();

  constructor(
    readonly repoRoot: string,
    readonly binary = 'git',
    private readonly onStuckLock?: StuckLockHandler,
    private readonly lockRetryDelaysMs: readonly number[] = DEFAULT_LOCK_RETRY_DELAYS_MS,
  ) {}

  /** Runs `git <args>` and returns its stdout (untrimmed). */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    let removedStale = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(args, options);
      } catch (e) {
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
    const git = options.env && Object.keys(options.env).length ? this.create(cwd, options.env) : this.cached(cwd);
    try {
      return await git.raw([...args]);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // A binary that cannot be started surfaces as "spawn <binary> ENOENT", wrapped or not.
      const spawnFailed = /\bspawn\b.*\b(ENOENT|EACCES)\b/.test(msg) || (!(e instanceof GitError) && /ENOENT|EACCES/.test(msg));
      throw new GitCommandError(args, msg, cwd, spawnFailed);
    }
  }

  private cached(cwd: string): SimpleGit {
    let g = this.byCwd.get(cwd);
    if (!g) {
      g = this.create(cwd);
      this.byCwd.set(cwd, g);
    }
    return g;
  }

  private create(cwd: string, env?: Record<string, string>): SimpleGit {
    const git = simpleGit({
      baseDir: cwd,
      binary: this.binary,
      maxConcurrentProcesses: 4,
      trimmed: false,
      allowEnvironment: [...ALLOWED_EXTRA_ENV],
      unsafe: { allowUnsafeCustomBinary: true },
      // simple-git resolves a non-zero exit with an empty stderr as success (`rev-parse --verify -q` of a
      // missing ref); every non-zero exit is a failure for us. Without stderr, stdout is the message
      // (`git commit` says "nothing to commit" there).
      errors: (error: Buffer | Error | undefined, result: { exitCode: number; stdErr: Buffer[]; stdOut: Buffer[] }) => {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        const stderr = Buffer.concat(result.stdErr);
        const stdout = Buffer.concat(result.stdOut);
        return stderr.length ? stderr : stdout.length ? stdout : Buffer.from(`git exited with code ${result.exitCode}`);
      },
    } as Parameters<typeof simpleGit>[0]);
    if (env) git.env({ ...inheritableEnv(), ...env });
    return git;
  }
}

/**
 * The parent environment minus variables that would make git interactive or that simple-git refuses
 * (editors, pagers, askpass, GIT_*): our commands never need them, and a user's EDITOR must not break a tick.
 */
function inheritableEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  const blocked = /^(GIT_.*|EDITOR|VISUAL|PAGER|SSH_ASKPASS|PREFIX)$/i;
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !blocked.test(k)) out[k] = v;
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
