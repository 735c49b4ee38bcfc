import type { RunStatus } from '../agents/agentEvents';
import type { ChecklistItem } from '../checklist/checklistTypes';
import { METADATA_FILE } from '../docs/designDocsLayout';
import { Disposable } from '../lifecycle';
import { ItemCommits, type CommitTask } from './itemCommits';
import type { OrchestratorContext } from './orchestratorContext';
import type { Phase } from './phases';
import { RECORD_RESTORED, restoreForeignRecord } from './recordGuard';

/**
 * What the orchestrator does in git around a run because agents never write to git (DESIGN.md §6): the item
 * commits when the agent ticks, the catch-up before a run (ticks whose commit a crash or restart missed), the
 * final commit when the run ends, and putting back a `spectask.json` the agent rewrote. A failed commit is
 * logged and told to the user once per task; nothing is lost — the ticks stay, and the next tick, the run's
 * end or the next start commits the items again.
 */
export class RunCommits extends Disposable {
  private readonly items: ItemCommits;
  /** Tasks whose last code commit failed: told once, until one succeeds. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly ctx: OrchestratorContext,
    /** The phase of the task's run here, if one runs. */
    private readonly phaseOf: (id: string) => Phase | undefined,
  ) {
    super();
    this.items = new ItemCommits(ctx.deps.worktrees);
    this._register(
      ctx.deps.watcher.onDidChange((e) => {
        const phase = this.phaseOf(e.taskId);
        if (!phase) return;
        if (e.kind === 'documentChanged' && e.document === METADATA_FILE) void this.guardRecord(e.taskId);
        else if (
          e.kind === 'checklistChanged' &&
          phase === 'implementation' &&
          e.changes.some((c) => c.after === 'done')
        )
          void this.commitTicked(e.taskId, e.items);
      }),
    );
  }

  /** Before a run: items ticked whose commit was missed (the orchestrator was killed in between) get it now. */
  async beforeRun(id: string, phase: Phase): Promise<void> {
    if (phase !== 'implementation') return;
    const items = await this.currentItems(id);
    if (items) await this.commitTicked(id, items);
  }

  /** When a run ended: the record put back if the agent changed it, then the ticks' commits and a final one. */
  async afterRun(id: string, phase: Phase, status: RunStatus): Promise<void> {
    await this.guardRecord(id);
    if (phase !== 'implementation') return;
    const items = await this.currentItems(id);
    if (items) await this.commitTicked(id, items);
    const task = this.commitTask(id);
    if (!task) return;
    await this.items
      .commitLeftovers(task, `changes left when the implementation run ended (${status})`)
      .then(() => this.failing.delete(id))
      .catch((e) => this.failed(id, e));
  }

  private async commitTicked(id: string, items: readonly ChecklistItem[]): Promise<void> {
    const task = this.commitTask(id);
    if (!task) return;
    try {
      const made = await this.items.commitTicked(task, items);
      this.failing.delete(id);
      if (made.length) this.ctx.log('info', `SpecTask ${task.number}: committed ${made.join('; ')}`);
    } catch (e) {
      this.failed(id, e);
    }
  }

  private async guardRecord(id: string): Promise<void> {
    const t = this.ctx.book.get(id);
    if (!t) return;
    const restored = await restoreForeignRecord(this.ctx.deps.worktrees.queue, this.ctx.deps.store, t.path).catch(
      (e) => {
        this.ctx.log('warn', `SpecTask ${t.number}: could not check spectask.json: ${(e as Error).message}`);
        return false;
      },
    );
    if (!restored) return;
    this.ctx.log('warn', `SpecTask ${t.number}: ${RECORD_RESTORED}`);
    this.ctx.fleet.dispatch({ type: 'runActivity', id, activity: RECORD_RESTORED, at: this.ctx.now() });
    await this.ctx.book.refresh(id);
  }

  private commitTask(id: string): CommitTask | undefined {
    const t = this.ctx.book.get(id);
    const worktree = this.ctx.book.worktreeOf(id);
    return t && worktree ? { number: t.number, worktree } : undefined;
  }

  private async currentItems(id: string): Promise<readonly ChecklistItem[] | undefined> {
    return (await this.ctx.deps.store.get(id).catch(() => undefined))?.checklist?.items;
  }

  private failed(id: string, e: unknown): void {
    const number = this.ctx.book.get(id)?.number ?? id;
    const message = (e as Error).message;
    this.ctx.log('warn', `could not commit the work of SpecTask ${number}: ${message}`);
    if (this.failing.has(id)) return;
    this.failing.add(id);
    this.ctx.notice({
      kind: 'error',
      taskId: id,
      message: `Could not commit the work of #${number} on its branch: ${message}. The ticks are kept; the items are committed at the next tick or when the run ends.`,
    });
  }
}
