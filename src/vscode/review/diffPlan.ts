// Pure (no `vscode`): turning `git diff --name-status -z` of a task branch into the left/right sides of the
// implementation review's diff editors. Unit-tested in test/unit/review/diffPlan.test.ts.

import type { ChangedFile } from '../../core/review/branchDiff';

/** The scheme of the review's base-side documents (content from `git show`); their path is the worktree file's. */
export const BASE_SCHEME = 'spectask-base';
/** The start of the multi-file review's tab title: "Review SpecTask #000042: …". */
export const REVIEW_TITLE_PREFIX = 'Review SpecTask';
export { parseNameStatusZ, type ChangedFile } from '../../core/review/branchDiff';

/** One side of a diff: a file at a git revision (read through the content provider), the worktree file, or nothing. */
export type DiffSide =
  { kind: 'rev'; rev: string; path: string } | { kind: 'worktree'; path: string } | { kind: 'empty'; path: string };

export interface DiffEntry {
  label: string;
  /** The path the multi-file diff lists the entry under (the branch-side path). */
  path: string;
  left: DiffSide;
  right: DiffSide;
}

/**
 * Left = the merge base (what `base...branch` compares against), right = the file in the code worktree.
 * Added files have an empty left side, deleted ones an empty right side.
 */
export function diffEntries(files: readonly ChangedFile[], mergeBase: string): DiffEntry[] {
  return files.map((f) => {
    const left: DiffSide =
      f.status === 'A' ? { kind: 'empty', path: f.path } : { kind: 'rev', rev: mergeBase, path: f.oldPath ?? f.path };
    const right: DiffSide = f.status === 'D' ? { kind: 'empty', path: f.path } : { kind: 'worktree', path: f.path };
    const label = f.oldPath ? `${f.oldPath} → ${f.path}` : f.path;
    return { label, path: f.path, left, right };
  });
}

/** What a `spectask-base:` document stands for: a repository, a revision and a path, kept in the URI query. */
export interface BaseRef {
  /** The code worktree (git runs there). */
  repo: string;
  /** A commit SHA, or '' for an empty document. */
  rev: string;
  path: string;
}

export const encodeBaseQuery = (r: BaseRef): string =>
  new URLSearchParams({ repo: r.repo, rev: r.rev, path: r.path }).toString();

export function decodeBaseQuery(query: string): BaseRef | undefined {
  const q = new URLSearchParams(query);
  const repo = q.get('repo');
  const rev = q.get('rev');
  const p = q.get('path');
  if (repo === null || rev === null || p === null) return undefined;
  if (rev && !/^[0-9a-f]{7,64}$/i.test(rev)) return undefined; // only SHAs reach `git show`
  if (p.startsWith('-') || p.split(/[\\/]/).includes('..')) return undefined;
  return { repo, rev, path: p };
}
