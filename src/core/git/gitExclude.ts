import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Makes sure `<common-git-dir>/info/exclude` ignores `pattern` (e.g. `/.git-worktrees/`), so the worktrees we
 * create never show up in the user's `git status`. The user's `.gitignore` is never edited. Returns true
 * when the line was added. Existing content and its line endings are kept.
 */
export async function ensureExcluded(commonDir: string, pattern: string): Promise<boolean> {
  const file = path.join(commonDir, 'info', 'exclude');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const lines = current.split(/\r?\n/).map((l) => l.trim());
  const bare = pattern.replace(/^\/|\/$/g, '');
  if (lines.some((l) => l.replace(/^\/|\/$/g, '') === bare)) return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const sep = current === '' || current.endsWith('\n') ? '' : current.includes('\r\n') ? '\r\n' : '\n';
  await fs.appendFile(file, `${sep}# SpecTask worktrees (design docs and code), kept out of git status\n${pattern}\n`);
  return true;
}
