import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { GIT_KILLED_BY_SIGNAL } from './gitErrors';

/** One git command to run: what the host sends to the git helper (plain data, serializable as JSON). */
export interface GitCommandRequest {
  binary: string;
  cwd: string;
  args: readonly string[];
  /** Extra environment variables (only names in {@link ALLOWED_EXTRA_ENV}); the rest is inherited. */
  env?: Record<string, string>;
}

/** How a git command failed, in a form that survives a process or thread boundary. */
export interface GitCommandFailure {
  message: string;
  /** simple-git ran git and git exited non-zero (as opposed to a spawn or plumbing failure). */
  gitError: boolean;
}

/**
 * Runs one git command; rejects with a {@link GitCommandFailure}. Implemented in the calling thread
 * ({@link GitCommandRunner}), from a helper process (gitProcessExecutor) or from a worker thread
 * (gitThreadExecutor); gitExecutor chooses one per process.
 */
export interface GitExecutor {
  run(req: GitCommandRequest): Promise<string>;
}

/** Environment variables we set ourselves; simple-git blocks every other GIT_* variable by default. */
export const ALLOWED_EXTRA_ENV = [
  'GIT_INDEX_FILE',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
  'GIT_TERMINAL_PROMPT',
] as const;

/**
 * Runs git commands through simple-git, in whichever process and thread calls it: the git helper (process or
 * worker thread), or the host itself when no helper is available or wanted (SPECTASK_GIT_WORKER=0, one-shot
 * command lines). Keeps one simple-git instance per binary and folder; commands with extra environment
 * variables get a fresh one, since simple-git's environment is per instance.
 */
export class GitCommandRunner implements GitExecutor {
  private readonly cache = new Map<string, SimpleGit>();

  /** Resolves with git's stdout (untrimmed); rejects with a {@link GitCommandFailure}. */
  async run(req: GitCommandRequest): Promise<string> {
    const git =
      req.env && Object.keys(req.env).length
        ? createGit(req.cwd, req.binary, req.env)
        : this.cached(req.cwd, req.binary);
    try {
      return await git.raw([...req.args]);
    } catch (e) {
      throw {
        message: e instanceof Error ? e.message : String(e),
        gitError: e instanceof GitError,
      } satisfies GitCommandFailure;
    }
  }

  private cached(cwd: string, binary: string): SimpleGit {
    const key = `${binary}\0${cwd}`;
    let g = this.cache.get(key);
    if (!g) {
      g = createGit(cwd, binary);
      this.cache.set(key, g);
    }
    return g;
  }
}

/**
 * `-c` settings every git command of the host runs with: no fsmonitor program (git runs it on `status`, `add`,
 * `diff`…), and hooks looked up in a path that holds none (`post-commit`, `pre-commit`, `post-checkout`,
 * `reference-transaction`…).
 */
export const HARDENED_GIT_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  `core.hooksPath=${process.platform === 'win32' ? 'NUL' : '/dev/null'}`,
];

function createGit(cwd: string, binary: string, env?: Record<string, string>): SimpleGit {
  const git = simpleGit({
    baseDir: cwd,
    binary,
    maxConcurrentProcesses: 4,
    trimmed: false,
    allowEnvironment: [...ALLOWED_EXTRA_ENV],
    // simple-git refuses any `-c core.fsmonitor` / `core.hooksPath` in argv unless allowed; ours turn them off.
    unsafe: { allowUnsafeCustomBinary: true, allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true },
    // The host's own git runs no program the repository configures (DESIGN.md §7, issue 18): an agent or a
    // cloned repository can write `.git/config` and `.git/hooks`, and the next status or commit of ours would
    // run what they name. `-c` on every command overrides the repository's own value.
    config: [...HARDENED_GIT_CONFIG],
    // simple-git resolves a non-zero exit with an empty stderr as success (`rev-parse --verify -q` of a
    // missing ref); every non-zero exit is a failure for us. Without stderr, stdout is the message
    // (`git commit` says "nothing to commit" there).
    errors: (error: Buffer | Error | undefined, result: { exitCode: number; stdErr: Buffer[]; stdOut: Buffer[] }) => {
      if (error) return error;
      if (result.exitCode === 0) return undefined;
      const stderr = Buffer.concat(result.stdErr);
      // No exit code: a signal ended git (SIGBUS when a file it had mapped was truncated under it).
      if (result.exitCode === null) return Buffer.concat([Buffer.from(`${GIT_KILLED_BY_SIGNAL}\n`), stderr]);
      const stdout = Buffer.concat(result.stdOut);
      return stderr.length ? stderr : stdout.length ? stdout : Buffer.from(`git exited with code ${result.exitCode}`);
    },
  } as Parameters<typeof simpleGit>[0]);
  if (env) git.env({ ...inheritableEnv(), ...env });
  return git;
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
