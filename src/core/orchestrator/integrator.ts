import type { OrchestratorContext } from './orchestratorContext';
import { openPullRequest, pullRequestText } from './pullRequest';

/**
 * Brings an accepted SpecTask's branch into its base (DESIGN.md §7): a merge (fast-forward or merge commit) or a
 * pull request, then the cleanup of its code worktree. The home of the integration queue to come.
 */
export class Integrator {
  constructor(private readonly ctx: OrchestratorContext) {}

  /** Accept: merge into the base (or open a pull request), then done. A conflict leaves everything as it was. */
  async accept(id: string): Promise<{ sha?: string; pullRequest?: string }> {
    const { deps, book } = this.ctx;
    const t = book.require(id);
    if (t.status !== 'implementation_review')
      throw new Error(`SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')}, not waiting for implementation review.`);
    const wt = book.worktreeOf(id)!;
    const s = deps.settings();
    if (s.mergeStrategy === 'pull-request') {
      const text = await pullRequestText(t.path, {
        number: t.number,
        title: t.title,
        checklist: t.items.map((i) => i.text),
      });
      const url = await openPullRequest(deps.worktrees.queue, wt, text);
      await this.ctx.apply(id, 'accept', `pull request ${url}`, false);
      await book.refresh(id);
      this.ctx.notice({
        kind: 'done',
        taskId: id,
        message: `Opened a pull request for #${t.number} "${t.title}": ${url}`,
      });
      this.ctx.kick();
      return { pullRequest: url };
    }
    const { sha } = await deps.worktrees.merge(
      wt,
      s.mergeStrategy,
      `spectask(${t.number}): merge "${t.title}"\n\nSpecTask: ${t.number}`,
    );
    await this.ctx.apply(id, 'accept', `merged into ${wt.baseBranch} at ${sha.slice(0, 12)}`, false);
    if (s.cleanupWorktreeOnDone && !(await deps.worktrees.remove(wt)))
      this.ctx.log('warn', `kept ${wt.path}: it has uncommitted changes`);
    await book.refresh(id);
    this.ctx.notice({
      kind: 'done',
      taskId: id,
      message: `SpecTask #${t.number} "${t.title}" was merged into ${wt.baseBranch}.`,
    });
    this.ctx.kick(); // tasks that depended on this one may start now
    return { sha };
  }
}
