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
  | 'not-initialized';

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
