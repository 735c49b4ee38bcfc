import * as path from 'node:path';
import { writeFileAtomic } from '../docs/atomicWrite';
import { METADATA_FILE } from '../docs/designDocsLayout';
import { readBranchText } from '../docs/noFollow';
import { contentHash, type SpecTaskStore } from '../docs/specTaskStore';
import type { GitQueue } from '../git/gitQueue';

/** What the run's activity says when the guard put a task's record back. */
export const RECORD_RESTORED = 'the agent changed spectask.json; restored';

/**
 * The orchestrator owns every task's `spectask.json` (status, history, branch): an agent that rewrites its own
 * (to mark itself done, to point its branch elsewhere) must not reach the record or the design-docs branch.
 * During a run, a change the store did not write itself (SpecTaskStore.isOwnWrite, by content hash) is put back
 * as last committed — every write of the store is committed — before the folder's next commit can take it.
 * Runs in the repository's serialized queue, so it never lands between a write of ours and its commit.
 * Resolves with true when it restored the file.
 */
export function restoreForeignRecord(queue: GitQueue, store: SpecTaskStore, taskFolder: string): Promise<boolean> {
  const root = store.worktreePath;
  const abs = path.join(taskFolder, METADATA_FILE);
  const rel = path.relative(root, abs).split(path.sep).join('/');
  return queue.enqueue(`design-docs: check ${rel}`, async (git) => {
    // A link or an oversized file is not a record either: read as missing, and replaced below.
    const now = await readBranchText(root, abs).catch(() => undefined);
    if (now !== undefined && store.isOwnWrite(abs, contentHash(now))) return false;
    const committed = await git.tryRun(['show', `HEAD:${rel}`], { cwd: root });
    if (committed === undefined || committed === now) return false;
    await writeFileAtomic(abs, committed, { root });
    return true;
  });
}
