import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Whether `worktreePath` is, by git's own bookkeeping files, a healthy linked worktree with `ref` checked out
 * and no other worktree (the main one included) holding `ref` — the state `git worktree list` would report,
 * read from a handful of small files instead of starting a git process (issue 24: every `spectask` command
 * opened the design-docs worktree with two `git worktree list` calls).
 *
 * Verified both ways, as git links them: `<worktree>/.git` names `<common dir>/worktrees/<name>`, and that
 * folder's `gitdir` names `<worktree>/.git` back. Any doubt (a link, a detached HEAD, a missing or odd file,
 * another worktree on the branch) answers false, and the caller asks git.
 */
export async function linkedWorktreeHolds(commonDir: string, worktreePath: string, ref: string): Promise<boolean> {
  try {
    const dotGit = path.join(worktreePath, '.git');
    if (!(await fs.lstat(dotGit)).isFile()) return false;
    const named = /^gitdir: (.+)$/m.exec(await fs.readFile(dotGit, 'utf8'))?.[1]?.trim();
    if (!named) return false;
    const adminDir = await fs.realpath(path.resolve(worktreePath, named));
    const worktreesDir = await fs.realpath(path.join(commonDir, 'worktrees'));
    if (path.dirname(adminDir) !== worktreesDir) return false;
    const back = (await fs.readFile(path.join(adminDir, 'gitdir'), 'utf8')).trim();
    if ((await fs.realpath(path.resolve(adminDir, back))) !== (await fs.realpath(dotGit))) return false;
    const wanted = `ref: ${ref}`;
    if ((await headOf(adminDir)) !== wanted) return false;
    if ((await headOf(commonDir)) === wanted) return false;
    for (const other of await fs.readdir(worktreesDir)) {
      if (path.join(worktreesDir, other) === adminDir) continue;
      // Unreadable: a worktree being added or removed right now; git decides.
      if ((await headOf(path.join(worktreesDir, other)).catch(() => wanted)) === wanted) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function headOf(gitDir: string): Promise<string> {
  return (await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8')).trim();
}
