import { execFile } from 'node:child_process';
import * as path from 'node:path';

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile('git', args, { cwd, timeout: 10_000 }, (err, out) => resolve(err ? undefined : out.trim())),
  );
}

/**
 * The worktree's git dir and the repository's common dir, absolute and de-duplicated. In a linked worktree
 * they differ, and an agent sandbox must allow writes to both for `git commit` to work (agent-backends.md §2.3).
 */
export async function gitDirsOf(worktree: string): Promise<string[]> {
  const [gitDir, common] = await Promise.all([
    git(worktree, ['rev-parse', '--absolute-git-dir']),
    git(worktree, ['rev-parse', '--git-common-dir']),
  ]);
  const dirs = [gitDir, common && path.resolve(worktree, common)].filter((d): d is string => !!d);
  return [...new Set(dirs)];
}
