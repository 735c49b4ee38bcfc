/**
 * After every commit git starts `git maintenance run --auto`, and waits for it: a second process per commit
 * that almost always only counts loose objects and exits (it packs past `gc.auto`, 6,700 of them). For the
 * orchestrator's own commits (a design-docs commit per burst of ticks, a commit per checklist item) that was
 * half of the git processes of a tick (issue 24, `strace -f` of the 16-writer benchmark). So one commit in
 * {@link MAINTENANCE_EVERY} of each committer lets git run it as usual, and the others skip it: the repository
 * is still packed in time (that many commits add a few hundred objects), at a fraction of the processes.
 */
export const MAINTENANCE_EVERY = 32;

export class AutoMaintenance {
  private commits = 0;

  constructor(private readonly every = MAINTENANCE_EVERY) {}

  /** The `-c` arguments for the next commit: none on one commit in `every` (the first included), else the skip. */
  next(): string[] {
    return this.commits++ % this.every === 0 ? [] : ['-c', 'maintenance.auto=false'];
  }
}
