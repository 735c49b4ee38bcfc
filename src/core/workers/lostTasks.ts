import type { GitQueue } from '../git/gitQueue';
import type { Orchestrator } from '../orchestrator/orchestrator';

/** What putting lost tasks back needs of the clone: its git queue, design-docs worktree and store. */
export interface LostTaskRestore {
  orchestrator: Orchestrator;
  queue: GitQueue;
  /** The design-docs worktree. */
  worktreePath: string;
  store: { commitFolder(ref: string, what?: string): Promise<unknown> };
  /** The remote-tracking ref of the design-docs branch (what the last sync read of the remote). */
  theirs: string;
}

/**
 * Puts the folders of tasks whose claim was lost (`lost`: SpecTask number → id) back as the remote has them, in a
 * local commit, once their agent stopped: whatever this process wrote there after losing the claim (ticks, the
 * status its stopped run got) then cancels out, and no later push — fenced by the claims still held, or by none —
 * carries any of it to the remote. Forgets each task put back. False while a lost task's agent still runs: no
 * design-docs push may happen until then. Shared by workers and local claimants (DESIGN.md §9). The same step,
 * derived from the branch and the remote's claims instead of this memory, runs before every push whoever makes it
 * (foreignFolderFence.ts): it also covers another claimant of the clone and a predecessor killed after a loss.
 */
export async function restoreLostTasks(lost: Map<string, string>, r: LostTaskRestore): Promise<boolean> {
  for (const [number, id] of [...lost]) {
    const view = r.orchestrator.taskViews().find((v) => v.id === id);
    if (view?.agentWorking) return false;
    if (view) {
      await r.queue.enqueue(`restore ${number}`, async (git) => {
        await git.run(['checkout', '--end-of-options', r.theirs, '--', view.folder], { cwd: r.worktreePath });
      });
      await r.store.commitFolder(id, 'as the remote has it: this process lost its claim');
    }
    lost.delete(number);
  }
  return true;
}
