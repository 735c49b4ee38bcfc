/**
 * The oldest git we accept. 2.25 (January 2020) has everything the design-docs store uses: `worktree
 * add/move/prune/list --porcelain` with `prunable`-safe output, `commit-tree`, `update-ref` with an
 * expected old value, and `rev-parse --git-common-dir --absolute-git-dir`.
 */
export const MIN_GIT_VERSION = { major: 2, minor: 25, patch: 0 } as const;
export const MIN_GIT_VERSION_TEXT = `${MIN_GIT_VERSION.major}.${MIN_GIT_VERSION.minor}`;

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  /** The full `git --version` line. */
  raw: string;
}

/** Parses `git version 2.39.5` (also `2.39.5.windows.1`, `2.24.3 (Apple Git-128)`); undefined if unreadable. */
export function parseGitVersion(output: string): GitVersion | undefined {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: output.trim() };
}

/** True when `v` is at least {@link MIN_GIT_VERSION}. */
export function isSupportedGitVersion(v: GitVersion): boolean {
  if (v.major !== MIN_GIT_VERSION.major) return v.major > MIN_GIT_VERSION.major;
  if (v.minor !== MIN_GIT_VERSION.minor) return v.minor > MIN_GIT_VERSION.minor;
  return v.patch >= MIN_GIT_VERSION.patch;
}
