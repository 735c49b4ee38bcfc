import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import {
  ALLOWED_EXTRA_ENV,
  HARDENED_GIT_CONFIG,
  type GitCommandFailure,
  type GitCommandRequest,
  type GitExecutor,
} from './gitCommandTypes';
import { GIT_KILLED_BY_SIGNAL } from './gitErrors';
import { runQuietGitCommand } from './gitQuietCommand';

// The request types and shared settings live in gitCommandTypes.ts (the quiet path needs them too); code that
// imports them from here still finds them.
export { ALLOWED_EXTRA_ENV, HARDENED_GIT_CONFIG, type GitCommandFailure, type GitCommandRequest, type GitExecutor };

/**
 * Runs git commands through simple-git, in whichever process and thread calls it: the git helper (process or
 * worker thread), or the host itself when no helper is available or wanted (SPECTASK_GIT_WORKER=0, one-shot
 * command lines). Keeps one simple-git instance per binary and folder; commands with extra environment
 * variables get a fresh one, since simple-git's environment is per instance. A request marked `quiet` runs
 * without simple-git (gitQuietCommand.ts).
 */
export class GitCommandRunner implements GitExecutor {
  private readonly cache = new Map<string, SimpleGit>();

  /** Resolves with git's stdout (untrimmed); rejects with a {@link GitCommandFailure}. */
  async run(req: GitCommandRequest): Promise<string> {
    if (req.quiet) return runQuietGitCommand(req);
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
