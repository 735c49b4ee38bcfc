import type { OrchestratorContext } from './orchestratorContext';
import { PHASES, type Phase } from './phases';
import type { TaskEntry } from './taskBook';

/** The history note of a Stop: the user's choice, never a reason the run failed. */
export const STOPPED_BY_YOU = 'stopped by you';

/**
 * The run the user stopped has ended: the task moves to its stopped status (not failed: no error, no warning;
 * issue 22) when it is still in its phase's working status, and Retry resumes the same session from there.
 */
export async function stopRun(ctx: OrchestratorContext, id: string, phase: Phase): Promise<void> {
  const t = ctx.book.get(id);
  try {
    if (t?.status === PHASES[phase].status) {
      await ctx.deps.store.transition(id, 'stop', STOPPED_BY_YOU);
      await clearOldError(ctx, t);
    }
  } catch (e) {
    ctx.log('error', `could not record that ${id} was stopped: ${(e as Error).message}`);
  }
  await ctx.book.refresh(id);
  ctx.kick();
}

/**
 * A failure's reason belongs to the run that failed: when the task runs again (Retry) or is stopped, the
 * record's old error goes, so the card and the tree do not show it beside the new run (issue 22).
 */
export async function clearOldError(ctx: OrchestratorContext, task: Pick<TaskEntry, 'id' | 'record'>): Promise<void> {
  if (!task.record?.error) return;
  await ctx.deps.store
    .update(task.id, 'clear the previous error', (r) => {
      delete r.error;
    })
    .catch((e) => ctx.log('warn', `could not clear the previous error of ${task.id}: ${(e as Error).message}`));
}
