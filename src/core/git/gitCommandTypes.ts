// The shape of one git command and the settings every git command of ours runs with (gitCommand.ts runs them).

/** One git command to run: what the host sends to the git helper (plain data, serializable as JSON). */
export interface GitCommandRequest {
  binary: string;
  cwd: string;
  args: readonly string[];
  /** Extra environment variables (only names in {@link ALLOWED_EXTRA_ENV}); the rest is inherited. */
  env?: Record<string, string>;
  /** What git reads on its stdin (`fast-import`'s stream); without it stdin is closed. */
  input?: string;
}

/** How a git command failed, in a form that survives a process or thread boundary. */
export interface GitCommandFailure {
  message: string;
  /** Git ran and exited non-zero or was ended by a signal (as opposed to a refusal, a spawn or plumbing failure). */
  gitError: boolean;
}

/**
 * Runs one git command; rejects with a {@link GitCommandFailure}. Implemented in the calling thread
 * (GitCommandRunner in gitCommand.ts), from a helper process (gitProcessExecutor) or from a worker thread
 * (gitThreadExecutor); gitExecutor chooses one per process.
 */
export interface GitExecutor {
  run(req: GitCommandRequest): Promise<string>;
}

/** Environment variables we set ourselves; the environment guard (gitGuard.ts) refuses every other GIT_* variable. */
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
 * `-c` settings every git command of the host runs with: no fsmonitor program (git runs it on `status`, `add`,
 * `diff`…), and hooks looked up in a path that holds none (`post-commit`, `pre-commit`, `post-checkout`,
 * `reference-transaction`…).
 */
export const HARDENED_GIT_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  `core.hooksPath=${process.platform === 'win32' ? 'NUL' : '/dev/null'}`,
];
