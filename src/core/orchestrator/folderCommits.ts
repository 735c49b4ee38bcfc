import type { SpecTaskStore } from '../docs/specTaskStore';
import type { LogLevel, OrchestratorNotice } from './orchestratorContext';

/**
 * Commits SpecTask folders (ticks, documents). A failure (disk full, a lock held too long) loses nothing: the
 * changes stay in the files and the committer carries them into the next commit. The user is told at the
 * first failure, not at every tick of a burst, and again only after a commit succeeded in between.
 */
export class FolderCommits {
  /** Tasks whose last design-docs commit failed: the user was told once, and is not told again until one succeeds. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly store: SpecTaskStore,
    private readonly numberOf: (id: string) => string | undefined,
    private readonly notice: (n: OrchestratorNotice) => void,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  async commit(id: string, what: string): Promise<void> {
    try {
      await this.store.commitFolder(id, what);
      this.failing.delete(id);
    } catch (e) {
      const number = this.numberOf(id) ?? id;
      this.log('warn', `could not commit the changes of SpecTask ${number}: ${(e as Error).message}`);
      if (this.failing.has(id)) return;
      this.failing.add(id);
      this.notice({
        kind: 'error',
        taskId: id,
        message: `Could not commit the changes of #${number} to the design-docs branch: ${(e as Error).message}. They are kept in the files and committed with the next change.`,
      });
    }
  }

  /**
   * Changes a failed commit left behind (a full disk, a lock) are committed as soon as git can again, even
   * when no agent writes anything more to carry them.
   */
  async retryFailed(): Promise<void> {
    for (const id of [...this.failing]) await this.commit(id, 'commit changes a failed commit left');
  }
}
