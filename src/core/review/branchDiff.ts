import type { GitRunner } from '../git/gitRunner';
import { assertBranchName } from '../git/refName';

/** One file changed on a task branch against its base. */
export interface ChangedFile {
  /** A, M, D, R, C, T (git's letter, without the similarity score). */
  status: string;
  /** Path on the task branch (for D: the deleted path). */
  path: string;
  /** Path at the base, when it differs (renames, copies). */
  oldPath?: string;
}

/** Parses `git diff --name-status -z` output (NUL-separated; renames and copies carry two paths). */
export function parseNameStatusZ(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++];
    if (!code) continue;
    const status = code[0];
    if (status === 'R' || status === 'C') {
      const oldPath = parts[i++];
      const p = parts[i++];
      if (p !== undefined && oldPath !== undefined) files.push({ status, path: p, oldPath });
    } else {
      const p = parts[i++];
      if (p !== undefined) files.push({ status, path: p });
    }
  }
  return files;
}

/**
 * Read-only git for the implementation review: what a task branch changed against its base (the same
 * `base...branch` comparison as CodeWorktrees.changedFiles, with rename sources and odd file names kept),
 * and a file's content at a commit. Nothing here changes git state, so it does not need the write queue.
 */
export class BranchDiff {
  constructor(private readonly git: GitRunner) {}

  /** The commit the branch forked from (left side of `base...branch`). */
  async mergeBase(baseBranch: string, branch: string, cwd?: string): Promise<string> {
    // Both come from the task's spectask.json (the shared branch): git branch names, never options.
    assertBranchName(baseBranch, 'the base branch');
    assertBranchName(branch, 'the task branch');
    return (await this.git.run(['merge-base', '--end-of-options', baseBranch, branch], { cwd })).trim();
  }

  /** Files changed on `branch` since it forked from `baseBranch`. */
  async changedFiles(baseBranch: string, branch: string, cwd?: string): Promise<ChangedFile[]> {
    assertBranchName(baseBranch, 'the base branch');
    assertBranchName(branch, 'the task branch');
    return parseNameStatusZ(
      await this.git.run(['diff', '--name-status', '-z', '-M', '--end-of-options', `${baseBranch}...${branch}`, '--'], {
        cwd,
      }),
    );
  }

  /** The SHA a ref (branch, tag) points at; undefined when it does not exist. */
  async revParse(ref: string, cwd?: string): Promise<string | undefined> {
    if (ref.startsWith('-')) throw new Error(`not a ref: ${ref}`);
    return (
      (await this.git.tryRun(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd }))?.trim() || undefined
    );
  }

  /** A file's content at a commit SHA; undefined when it does not exist there. */
  async show(sha: string, file: string, cwd?: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) throw new Error(`not a commit SHA: ${sha}`);
    return this.git.tryRun(['show', `${sha}:${file.replace(/\\/g, '/')}`], { cwd });
  }
}
