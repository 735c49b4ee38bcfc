import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GitRunner } from '../git/gitRunner';

/** A line git writes around a conflict: `<<<<<<< ours`, `=======`, `>>>>>>> theirs`. */
const CONFLICT_MARKER = /^(?:<{7}|>{7})(?: |$)|^={7}$/m;

/** Larger files are not read for markers (a generated file); git's own unmerged state still blocks them below. */
const MAX_SCANNED_BYTES = 8 * 1024 * 1024;

/** Whether a merge is in progress in the worktree: the integration queue merged the base into the task branch. */
export async function isMerging(git: GitRunner, cwd: string): Promise<boolean> {
  return (await git.tryRun(['rev-parse', '--verify', 'MERGE_HEAD'], { cwd })) !== undefined;
}

/**
 * Refuses to conclude a merge while a conflicted file still holds conflict markers: staging the worktree marks
 * every path resolved, so committing then would put the markers on the task branch. The agent resolves the
 * markers (it runs no git that writes); the orchestrator concludes the merge when they are gone.
 */
export async function assertConflictsResolved(git: GitRunner, cwd: string): Promise<void> {
  const out = await git.run(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd });
  const unresolved: string[] = [];
  for (const rel of out.split('\0').filter(Boolean)) {
    const abs = path.join(cwd, rel);
    const st = await fs.promises.lstat(abs).catch(() => undefined);
    // Deleted, a symlink or a huge file: nothing to scan; a missing file is a resolution (deleted on purpose).
    if (!st?.isFile() || st.size > MAX_SCANNED_BYTES) continue;
    if (CONFLICT_MARKER.test(await fs.promises.readFile(abs, 'utf8'))) unresolved.push(rel);
  }
  if (unresolved.length)
    throw new Error(
      `conflict markers remain in ${unresolved.join(', ')}: the merge of the base branch is concluded once they are resolved`,
    );
}
