import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GitRunner } from '../git/gitRunner';
import { DesignDocsSyncError } from './designDocsSyncResult';

/**
 * Guards for paths that come out of a teammate's tree before the sync writes anything. git's porcelain never
 * makes a tree entry named `..` or `.git`, but its plumbing does and a push carries such a tree as it is: the
 * sync writes blobs itself (syncWorktreeMove), so `../../.vscode/settings.json` would land in the user's
 * checkout. The fetch's integrity check (`fetch.fsckObjects`) refuses most of these at the door, but not for
 * objects already in the repository (a `git fetch` the user ran) and not a backslash inside a name; so every
 * path is checked here too.
 */

/** One path the sync will not write, with why. */
export interface UnsafePath {
  path: string;
  reason: string;
}

/** Characters HFS+ ignores in names, so `.g\u200cit` is `.git` there (git's own is_hfs_dotgit strips them). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/** Why one name of a path is unsafe anywhere the branch is checked out, or undefined when it is fine. */
function unsafeName(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (name === '.' || name === '..') return `a '${name}' entry, which climbs out of its folder`;
  if (/[/\\\0]/.test(name)) return 'a path separator inside a name';
  // Case-insensitive file systems, NTFS (trailing dots and spaces dropped, short name GIT~1) and HFS+.
  const folded = name
    .replace(HFS_IGNORED, '')
    .toLowerCase()
    .replace(/[. ]+$/, '');
  if (folded === '.git' || folded === 'git~1') return "a name that is git's own folder";
  return undefined;
}

/** Why a path relative to the worktree is unsafe (a name, or where it resolves to), or undefined. */
export function unsafePathReason(rel: string): string | undefined {
  for (const name of rel.split('/')) {
    const why = unsafeName(name);
    if (why) return why;
  }
  const root = path.resolve('/worktree');
  const abs = path.resolve(root, rel);
  return abs.startsWith(root + path.sep) ? undefined : 'a path outside the design-docs worktree';
}

/** Every entry of `commit`'s tree (folders included), so a hostile name is caught wherever it hides. */
export async function unsafePathsInTree(git: GitRunner, cwd: string, commit: string): Promise<UnsafePath[]> {
  const out = await git.run(['ls-tree', '-r', '-t', '-z', '--full-tree', commit], { cwd });
  const unsafe: UnsafePath[] = [];
  for (const entry of out.split('\0').filter(Boolean)) {
    const p = entry.slice(entry.indexOf('\t') + 1);
    const reason = unsafePathReason(p);
    if (reason) unsafe.push({ path: p, reason });
  }
  return unsafe;
}

/**
 * Why writing or deleting `rel` in the worktree at `cwd` would go through a symbolic link (one of its folders,
 * or the file itself, is a link: writing there would land wherever the link points), or undefined.
 */
export async function linkOnTheWay(cwd: string, rel: string): Promise<string | undefined> {
  const names = rel.split('/');
  for (let i = 1; i <= names.length; i++) {
    const sub = names.slice(0, i).join('/');
    const st = await fs.lstat(path.join(cwd, sub)).catch(() => undefined);
    if (!st) return undefined; // nothing further down exists yet: it will be created as real folders
    if (st.isSymbolicLink()) return `'${sub}' in the worktree is a symbolic link`;
  }
  return undefined;
}

/** The error that stops a sync on unsafe paths; nothing has been changed when it is thrown. */
export function unsafeTreeError(unsafe: UnsafePath[], commit?: string): DesignDocsSyncError {
  const shown = unsafe.slice(0, 5).map((u) => `'${u.path}' (${u.reason})`);
  if (unsafe.length > shown.length) shown.push(`and ${unsafe.length - shown.length} more`);
  return new DesignDocsSyncError(
    'unsafe-tree',
    `Sync stopped: the remote design-docs branch${commit ? ` at ${commit.slice(0, 12)}` : ''} holds paths SpecTask will not write: ${shown.join(', ')}. Nothing was changed: your checkout, the design-docs worktree and its branch are as they were. Ask whoever pushed it to remove that commit from the branch, then sync again.`,
    unsafe.map((u) => u.path),
  );
}

/** Throws {@link unsafeTreeError} when `commit`'s tree holds any unsafe path. */
export async function assertSafeTree(git: GitRunner, cwd: string, commit: string): Promise<void> {
  const unsafe = await unsafePathsInTree(git, cwd, commit);
  if (unsafe.length) throw unsafeTreeError(unsafe, commit);
}

/** The error for a fetch that git's integrity check refused (`stderr`: git's own complaint). */
export function refusedObjectsError(branch: string, stderr: string): DesignDocsSyncError {
  const complaint = /error: object [0-9a-f]+: (.*)/.exec(stderr)?.[1] ?? stderr.trim().split('\n').slice(-1)[0];
  return new DesignDocsSyncError(
    'unsafe-tree',
    `Sync stopped: the remote design-docs branch '${branch}' holds objects git's integrity check refuses (${complaint}), such as a path that climbs out of its folder or names git's own folder. Nothing was fetched or changed. Ask whoever pushed it to remove that commit from the branch, then sync again.`,
  );
}
