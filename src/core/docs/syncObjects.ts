import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GitRunner } from '../git/gitRunner';

/**
 * Where the sync's object plumbing runs: a job of the repository's git queue, a folder of the repository (the
 * design-docs worktree, where git finds the object database) and a private scratch folder that the caller
 * removes when the sync ends.
 */
export interface SyncScratch {
  git: GitRunner;
  cwd: string;
  tmp: string;
}

/** One file changed between two commits: its blob before and after (undefined: absent) and its new mode. */
export interface TreeChange {
  path: string;
  oldSha?: string;
  newSha?: string;
  newMode: string;
}

const ZERO = /^0+$/;

/** Files changed between two commits (`from` undefined: a root commit), with blob names and new mode. */
export async function treeChanges(
  git: GitRunner,
  cwd: string,
  from: string | undefined,
  to: string,
): Promise<TreeChange[]> {
  const args = from
    ? ['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', from, to]
    : ['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', '--root', '--no-commit-id', to];
  const parts = (await git.run(args, { cwd })).split('\0');
  const out: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    if (!parts[i].startsWith(':')) continue;
    const [, newMode, oldSha, newSha] = parts[i].slice(1).split(' ');
    out.push({
      path: parts[i + 1],
      oldSha: ZERO.test(oldSha) ? undefined : oldSha,
      newSha: ZERO.test(newSha) ? undefined : newSha,
      newMode,
    });
    i++;
  }
  return out;
}

/** Blob names of `paths` in `commit` (absent paths are missing from the map). */
export async function lsTree(
  git: GitRunner,
  cwd: string,
  commit: string,
  paths: string[],
): Promise<Map<string, string>> {
  const out = await git.run(['ls-tree', '-r', '-z', commit, '--', ...paths], { cwd });
  const m = new Map<string, string>();
  for (const e of out.split('\0').filter(Boolean)) {
    const tab = e.indexOf('\t');
    m.set(e.slice(tab + 1), e.slice(0, tab).split(' ')[2]);
  }
  return m;
}

/**
 * A blob's exact bytes (binary-safe, unlike reading `cat-file` output as text): staged in a private index
 * and checked out under a private folder. Each read has its own index and folder, so reads may run in
 * parallel (two reads sharing one folder once raced to create it: "cannot create directory … Is a directory").
 */
export async function readBlob(scratch: SyncScratch, sha: string): Promise<Buffer> {
  const { git, cwd } = scratch;
  return inPrivateFolder(scratch, async (dir) => {
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    await git.run(['update-index', '--add', '--cacheinfo', `100644,${sha},blob`], { cwd, env });
    await git.run(['checkout-index', '-f', `--prefix=${dir}${path.sep}`, '--', 'blob'], { cwd, env });
    return fs.readFile(path.join(dir, 'blob'));
  });
}

/** Stores `content` as a blob in the repository; its name. */
export async function writeBlob(scratch: SyncScratch, content: Buffer): Promise<string> {
  const { git, cwd } = scratch;
  return inPrivateFolder(scratch, async (dir) => {
    const file = path.join(dir, 'blob');
    await fs.writeFile(file, content);
    return (await git.run(['hash-object', '-w', '--', file], { cwd })).trim();
  });
}

/** Runs `job` with a new folder of its own under the scratch folder, removed afterwards. */
export async function inPrivateFolder<T>(scratch: SyncScratch, job: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(scratch.tmp, 'op-'));
  try {
    return await job(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
