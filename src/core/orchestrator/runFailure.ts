import type { OrchestratorContext } from './orchestratorContext';
import { PHASES, phaseOfStatus, type Phase } from './phases';

/** Records why the task's run failed and moves it to its phase's failed status (when it is still working). */
export async function failRun(ctx: OrchestratorContext, id: string, phase: Phase, reason: string): Promise<void> {
  const { deps } = ctx;
  const t = ctx.book.get(id);
  try {
    await deps.store.update(id, 'record failure', (r) => {
      r.error = reason;
    });
    if (t && phaseOfStatus(t.status)) await deps.store.transition(id, PHASES[phase].failed, reason);
  } catch (e) {
    ctx.log('error', `could not record the failure of ${id}: ${(e as Error).message}`);
  }
  await ctx.book.refresh(id);
  ctx.notice({
    kind: 'failed',
    taskId: id,
    message: `#${t?.number ?? id} "${t?.title ?? ''}" failed: ${reason}`,
  });
  ctx.kick();
}
