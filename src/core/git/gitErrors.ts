/**
 * What a failure says when a signal ended git before it finished. Agents and editors rewrite a file by
 * truncating it and writing it again; git reads files through memory maps, and a page of a map whose file was
 * truncated under it raises SIGBUS (seen with 32 agents ticking: one `git commit` in a few thousand).
 */
export const GIT_KILLED_BY_SIGNAL = 'git was ended by a signal before it finished';

/** A git command that exited with an error. `stderr` is git's own message, `args` what we ran. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly cwd: string,
    /** True when git could not be started at all (binary missing). */
    readonly spawnFailed = false,
  ) {
    super(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || 'no message'}`);
    this.name = 'GitCommandError';
  }

  /** A signal ended git before it finished: nothing says the command itself was wrong, so it may be run again. */
  get killedBySignal(): boolean {
    return this.stderr.includes(GIT_KILLED_BY_SIGNAL);
  }

  /** The lock file git complained about ("Unable to create '…/index.lock': File exists"), if any. */
  get lockFile(): string | undefined {
    return /Unable to create '([^']+\.lock)': File exists/.exec(this.stderr)?.[1];
  }
}

/** Why the design-docs store refuses to work with a folder; each comes with a message that says what to do. */
export type RepositoryRefusalCode =
  | 'git-missing'
  | 'git-too-old'
  | 'not-a-repo'
  | 'bare-repo'
  | 'no-commits'
  | 'branch-checked-out-in-main'
  | 'worktree-path-taken'
  | 'worktree-locked'
  | 'not-initialized'
  | 'untrusted-workspace';

/**
 * The store refused to act and changed nothing. `code` is stable for programs (the CLI's JSON, the UI's
 * welcome views); `message` is for people and says how to fix it.
 */
export class RepositoryRefusedError extends Error {
  constructor(
    readonly code: RepositoryRefusalCode,
    message: string,
    readonly folder: string,
  ) {
    super(message);
    this.name = 'RepositoryRefusedError';
  }
}
