import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GitRunner } from '../../git/gitRunner';
import { parseWorktreeList } from '../../git/worktreeList';

/**
 * Scratch worktrees of the integration queue live in `<git-common-dir>/spectask/integration/<pid>-<name>`:
 * out of the user's tree, beside the ledger and transcripts, and named by the process that made them, so a
 * start cleans what a killed process left (and never a live process's).
 */
export function integrationDir(commonDir: string): string {
  return path.join(commonDir, 'spectask', 'integration');
}

/** Integrators of this process so far: each keeps a scratch worktree of its own. */
let keepers = 0;

/**
 * A scratch worktree an integrator keeps between integrations (issue 24): the next integration resets it to
 * its branch, which checks out only what differs, instead of adding a worktree (every file written) and
 * removing it (every file deleted) each time. Its owner removes it when its queue has drained or it is
 * disposed, so none outlives the run; one a killed process left goes at the next start (named by its pid).
 */
export function keptScratchPath(commonDir: string): string {
  return path.join(integrationDir(commonDir), `${process.pid}-queue${++keepers}`);
}

/**
 * Makes `scratch` a clean detached checkout of `tip`. A kept worktree in order is reused: its untracked and
 * ignored files (a previous test run's output) are removed and `tip` is checked out by force. Anything else —
 * no worktree yet, a half-made or unregistered folder, a rebase or merge a crash left in progress — is removed
 * and a new worktree added.
 */
export async function checkoutScratch(git: GitRunner, scratch: string, tip: string): Promise<'reused' | 'added'> {
  if (await reusable(scratch)) {
    try {
      const status = await git.run(
        ['status', '--porcelain=v2', '--branch', '--ignored', '--untracked-files=all', '-z'],
        {
          cwd: scratch,
        },
      );
      if (status.split('\0').some((e) => e.startsWith('? ') || e.startsWith('! ')))
        await git.run(['clean', '-ffdx'], { cwd: scratch });
      // `checkout --detach` takes no `--end-of-options`; a full object name cannot be read as an option.
      if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(tip)) throw new Error(`not an object name: ${tip}`);
      await git.run(['checkout', '--detach', '--force', tip], { cwd: scratch });
      return 'reused';
    } catch {
      // Whatever broke it, a new worktree replaces it below.
    }
  }
  await removeScratch(git, scratch);
  await git.run(['worktree', 'add', '--detach', '--end-of-options', scratch, tip]);
  return 'added';
}

/** Files git leaves in a worktree's admin folder while a rebase, merge or the like is in progress. */
const IN_PROGRESS = ['rebase-merge', 'rebase-apply', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'BISECT_LOG'];

/** A registered linked worktree at `scratch` (linked both ways) with no operation in progress. */
async function reusable(scratch: string): Promise<boolean> {
  try {
    const dotGit = path.join(scratch, '.git');
    if (!(await fs.lstat(dotGit)).isFile()) return false;
    const named = /^gitdir: (.+)$/m.exec(await fs.readFile(dotGit, 'utf8'))?.[1]?.trim();
    if (!named) return false;
    const admin = path.resolve(scratch, named);
    const back = (await fs.readFile(path.join(admin, 'gitdir'), 'utf8')).trim();
    if ((await fs.realpath(path.resolve(admin, back))) !== (await fs.realpath(dotGit))) return false;
    for (const f of IN_PROGRESS) if (await fs.lstat(path.join(admin, f)).catch(() => undefined)) return false;
    return true;
  } catch {
    return false;
  }
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
