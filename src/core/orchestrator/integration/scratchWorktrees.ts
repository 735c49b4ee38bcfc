import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GitRunner } from '../../git/gitRunner';
import { parseWorktreeList } from '../../git/worktreeList';

/**
 * Scratch worktrees of the integration queue live in `<git-common-dir>/spectask/integration/<pid>-<number>`:
 * out of the user's tree, beside the ledger and transcripts, and named by the process that made them, so a
 * start cleans what a killed process left (and never a live process's).
 */
export function integrationDir(commonDir: string): string {
  return path.join(commonDir, 'spectask', 'integration');
}

export function scratchPathFor(commonDir: string, number: string): string {
  return path.join(integrationDir(commonDir), `${process.pid}-${number}`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes one scratch worktree (registered or not) and its folder. */
export async function removeScratch(git: GitRunner, scratch: string): Promise<void> {
  // Nothing there (the usual case before an integration): no git process to start.
  if (!(await fs.lstat(scratch).catch(() => undefined)) && !(await registered(git, scratch))) return;
  const removed = await git.tryRun(['worktree', 'remove', '--force', '--end-of-options', scratch]);
  await fs.rm(scratch, { recursive: true, force: true });
  // `worktree remove` unregisters what it removed; a prune is only needed when it could not (a half-made folder).
  if (removed === undefined) await git.tryRun(['worktree', 'prune']);
}

/** Whether git still lists `scratch` as a worktree (its folder may be gone). */
async function registered(git: GitRunner, scratch: string): Promise<boolean> {
  const list = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
  return list.some((w) => path.resolve(w.path) === path.resolve(scratch));
}

/**
 * Cleans the scratch worktrees of processes that are gone (an orchestrator killed mid-integration): a rebase
 * or merge half done there never touched the base, which only moves by compare-and-swap at the very end.
 * `own` also cleans this process's (at its start nothing of its own can be in flight).
 */
export async function cleanStaleScratch(git: GitRunner, commonDir: string, own = false): Promise<string[]> {
  const dir = integrationDir(commonDir);
  const stale = (name: string) => {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && ((own && pid === process.pid) || !processAlive(pid));
  };
  const removed: string[] = [];
  const listed = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']))
    .map((w) => path.resolve(w.path))
    .filter((p) => path.dirname(p) === path.resolve(dir));
  const onDisk = await fs.readdir(dir).then(
    (names) => names.map((n) => path.join(dir, n)),
    () => [] as string[],
  );
  for (const scratch of new Set([...listed, ...onDisk.map((p) => path.resolve(p))])) {
    if (!stale(path.basename(scratch))) continue;
    await removeScratch(git, scratch);
    removed.push(scratch);
  }
  return removed;
}
