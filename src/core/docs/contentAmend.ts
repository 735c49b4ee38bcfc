import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GitRunner } from '../git/gitRunner';
import { openBranchFileSync, readOpenFileSync } from './noFollow';

/**
 * Why this file exists: an agent rewrites `tasks.md` by truncating it and then writing it, so for an instant it
 * is empty. Any git command that reads the file from the worktree (`commit --only`, `add`) may take it in that
 * instant — and so may the amend or re-add meant to put its content back, as often as the agent rewrites (issue
 * 24's mark fault suite: one emptied version left after a repair). So the content is read here, checked whole
 * and non-empty, and git is given that copy: what is committed is what was checked.
 */

/** A file's content, read whole and non-empty from the worktree; undefined when it was not so for `waitMs`. */
export async function readBackWhole(root: string, rel: string, waitMs: number): Promise<Buffer | undefined> {
  const abs = path.join(root, ...rel.split('/'));
  for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 5))) {
    const bytes = readWholeOnce(root, abs);
    if (bytes?.length) return bytes;
    if (Date.now() - t0 >= waitMs) return undefined;
  }
}

/** The file's bytes when one read got all of them (a truncate during the read gives fewer); refusals give undefined. */
function readWholeOnce(root: string, abs: string): Buffer | undefined {
  let open: ReturnType<typeof openBranchFileSync>;
  try {
    open = openBranchFileSync(root, abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined; // a link, a file over the limit: not taken back (the commit keeps what it has)
  }
  if (!open) return undefined;
  try {
    const bytes = readOpenFileSync(open.fd, open.size);
    return bytes.length === open.size ? bytes : undefined;
  } finally {
    fs.closeSync(open.fd);
  }
}

/**
 * Stores `content` as the blob git would make of it at `rel` (the path's attributes applied, as `git add` does),
 * from a private copy: the worktree's file is never read. Its name.
 */
export async function blobFromContent(git: GitRunner, cwd: string, rel: string, content: Buffer): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'spectask-blob-'));
  try {
    const copy = path.join(dir, 'content');
    await fsp.writeFile(copy, content);
    // `--path=` joins its value to the option, and the copy's name follows `--`: neither is read as an option.
    return (await git.run(['hash-object', '-w', `--path=${rel}`, '--', copy], { cwd })).trim();
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** The head's commit as `commit-tree` needs it again: tree, single parent, author and message; else undefined. */
async function readCommitForAmend(git: GitRunner, cwd: string, head: string) {
  const raw = await git.run(['cat-file', 'commit', head], { cwd });
  const end = raw.indexOf('\n\n');
  const headers = end < 0 ? raw : raw.slice(0, end);
  const parents = [...headers.matchAll(/^parent ([0-9a-f]{40,64})$/gm)].map((m) => m[1]);
  const author = /^author (.*) <(.*)> (\d+) ([+-]\d{4})$/m.exec(headers);
  if (parents.length !== 1 || !author) return undefined;
  return {
    parent: parents[0],
    message: end < 0 ? '' : raw.slice(end + 2),
    author: { GIT_AUTHOR_NAME: author[1], GIT_AUTHOR_EMAIL: author[2], GIT_AUTHOR_DATE: `@${author[3]} ${author[4]}` },
  };
}

/** Each of `paths` in `commit`: its mode (100644 for a file git does not have there) and blob, read in one `ls-tree`. */
async function entriesAt(
  git: GitRunner,
  cwd: string,
  commit: string,
  paths: string[],
): Promise<Map<string, { mode: string; sha?: string }>> {
  const out = await git.run(['ls-tree', '-z', commit, '--', ...paths], { cwd });
  const found = new Map(lsTreeEntries(out).map((e) => [e.path, e]));
  return new Map(
    paths.map((p) => {
      const e = found.get(p);
      return [p, e && /^100(644|755)$/.test(e.mode) ? { mode: e.mode, sha: e.sha } : { mode: '100644' }];
    }),
  );
}

/** `ls-tree -z` output: "<mode> <type> <name>\t<path>" entries. */
function lsTreeEntries(out: string): { mode: string; sha: string; path: string }[] {
  return out
    .split('\0')
    .filter(Boolean)
    .map((e) => {
      const tab = e.indexOf('\t');
      const [mode, , sha] = e.slice(0, tab).split(' ');
      return { mode, sha, path: e.slice(tab + 1) };
    });
}

/**
 * Replaces the branch's tip `head` (a commit of ours with one parent, in the worktree at `cwd`) by the same
 * commit — message, author, parent — with `files` holding the given content, as `git commit --amend --only`
 * would, but with content read by the caller: plumbing in a private index, and the branch moved only if it is
 * still at `head`. The worktree's index takes the new entries where it held the replaced ones, so that it agrees
 * with the new HEAD. Returns the new commit, or undefined when `head` cannot be amended this way or the branch
 * moved meanwhile (then nothing changed).
 */
export async function amendWithContent(
  git: GitRunner,
  o: { cwd: string; head: string; files: ReadonlyMap<string, Buffer>; identity: Record<string, string> },
): Promise<string | undefined> {
  const { cwd, head } = o;
  const commit = await readCommitForAmend(git, cwd, head);
  if (!commit) return undefined;
  const paths = [...o.files.keys()];
  const at = await entriesAt(git, cwd, head, paths);
  const blobs = new Map<string, string>();
  for (const [rel, content] of o.files) blobs.set(rel, await blobFromContent(git, cwd, rel, content));
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'spectask-amend-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    await git.run(['read-tree', head], { cwd, env });
    for (const [rel, sha] of blobs)
      await git.run(['update-index', '--add', '--cacheinfo', `${at.get(rel)!.mode},${sha},${rel}`], { cwd, env });
    const tree = (await git.run(['write-tree'], { cwd, env })).trim();
    const messageFile = path.join(dir, 'message');
    await fsp.writeFile(messageFile, commit.message);
    const amended = (
      await git.run(['commit-tree', tree, '-p', commit.parent, '-F', messageFile], {
        cwd,
        env: { ...o.identity, ...commit.author },
      })
    ).trim();
    const moved = await git
      .run(['update-ref', '-m', 'spectask: amend with the checked content', 'HEAD', amended, head], { cwd })
      .then(
        () => false,
        () => true,
      );
    if (moved) return undefined;
    await syncIndexEntries(git, cwd, at, blobs);
    return amended;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Sets the worktree index's entries of `blobs` where they still hold what the replaced commit had (`was`). */
async function syncIndexEntries(
  git: GitRunner,
  cwd: string,
  was: ReadonlyMap<string, { mode: string; sha?: string }>,
  blobs: ReadonlyMap<string, string>,
): Promise<void> {
  const staged = await git.run(['ls-files', '-s', '-z', '--', ...blobs.keys()], { cwd });
  for (const e of staged.split('\0').filter(Boolean)) {
    const rel = e.slice(e.indexOf('\t') + 1);
    const [, sha, stage] = e.slice(0, e.indexOf('\t')).split(' ');
    const blob = blobs.get(rel);
    const before = was.get(rel);
    // Something else staged there since (a person's `git add`) stays staged.
    if (!blob || !before || stage !== '0' || sha !== before.sha) continue;
    await git.run(['update-index', '--cacheinfo', `${before.mode},${blob},${rel}`], { cwd });
  }
}
