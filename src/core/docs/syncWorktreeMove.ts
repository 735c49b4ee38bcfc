import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { mkdirBranch, readBranchFile } from './noFollow';
import { conflictError, type SyncResult } from './designDocsSyncResult';
import { mergeBlobs } from './syncFileMerge';
import { readBlob, treeChanges, type SyncScratch } from './syncObjects';
import { linkOnTheWay, unsafePathReason, unsafeTreeError, type UnsafePath } from './syncTreeSafety';

/** Modes the sync writes: regular files (and `000000`, a deletion). Links and submodules are never written. */
const WRITABLE_MODES = new Set(['100644', '100755', '000000']);

/**
 * Moves the design-docs worktree and `branch` from commit `from` to `to`. Only files the new head changed are
 * written: files the agents left alone get the new content, a file an agent changed meanwhile is merged (never
 * overwritten). Every decision is made before the first write, so a conflict changes nothing. The ref moves
 * only if it is still at `from` (compare-and-swap), then the worktree's own index follows. Returns the files
 * written or deleted. Before anything is read or written, every path is checked: a name git's checkout would
 * refuse, a symbolic link or submodule entry, or a symbolic link on disk on the way stops the move.
 */
export async function moveWorktree(
  scratch: SyncScratch,
  branch: string,
  from: string,
  to: string,
  resolved: SyncResult['resolved'],
): Promise<string[]> {
  const { git, cwd } = scratch;
  const changes = await treeChanges(git, cwd, from, to);
  const unsafe: UnsafePath[] = [];
  for (const ch of changes) {
    const reason =
      unsafePathReason(ch.path) ??
      (WRITABLE_MODES.has(ch.newMode)
        ? undefined
        : `a ${ch.newMode === '120000' ? 'symbolic link' : 'submodule or special'} entry (mode ${ch.newMode})`) ??
      (await linkOnTheWay(cwd, ch.path));
    if (reason) unsafe.push({ path: ch.path, reason });
  }
  if (unsafe.length) throw unsafeTreeError(unsafe, to);
  const current = new Map<string, Buffer | undefined>();
  for (const ch of changes)
    current.set(
      ch.path,
      await readBranchFile(cwd, path.join(cwd, ch.path), { limit: Infinity }).catch(() => undefined),
    );
  const present = changes.filter((ch) => current.get(ch.path) !== undefined).map((ch) => ch.path);
  const hashes = present.length ? (await git.run(['hash-object', '--', ...present], { cwd })).trim().split('\n') : [];
  const onDisk = new Map(present.map((p, i) => [p, hashes[i]]));
  const plan: { path: string; content?: Buffer }[] = [];
  const conflicts: string[] = [];
  for (const ch of changes) {
    const disk = onDisk.get(ch.path);
    if (disk === ch.newSha) continue;
    if (disk === ch.oldSha) {
      plan.push({ path: ch.path, content: ch.newSha ? await readBlob(scratch, ch.newSha) : undefined });
      continue;
    }
    // Written by an agent since the pending commit: merge it with the incoming version, never overwrite it.
    const local = disk ? (await git.run(['hash-object', '-w', '--', ch.path], { cwd })).trim() : undefined;
    const m = await mergeBlobs(scratch, ch.path, ch.oldSha, local, ch.newSha);
    if (!m) {
      conflicts.push(ch.path);
      continue;
    }
    if (m.rule) resolved.push({ file: ch.path, rule: m.rule });
    plan.push({ path: ch.path, content: m.sha ? await readBlob(scratch, m.sha) : undefined });
  }
  if (conflicts.length) throw conflictError(conflicts);
  for (const p of plan) {
    const abs = path.join(cwd, p.path);
    if (p.content) {
      // The folders were checked above, but an agent may have planted a link since: no write follows one.
      await mkdirBranch(cwd, path.dirname(abs));
      await writeFileAtomic(abs, p.content, { root: cwd });
    } else {
      await fs.rm(abs, { force: true });
      await removeEmptyParents(path.dirname(abs), cwd);
    }
  }
  await git.run(['update-ref', '-m', 'spectask: sync design-docs branch', `refs/heads/${branch}`, to, from], { cwd });
  // The worktree's own index (never the user's) now matches the new head; files are left as they are.
  await git.run(['reset', '-q', '--mixed', 'HEAD'], { cwd });
  return plan.map((p) => p.path);
}

/** Removes `dir` and its parents up to (not including) `stop` while they are empty. */
async function removeEmptyParents(dir: string, stop: string): Promise<void> {
  for (let d = dir; d.startsWith(stop) && d !== stop; d = path.dirname(d)) {
    if (
      !(await fs.rmdir(d).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}
