import type { TaskEntry } from '../../store/fleetState';
import type { OrchestratorContext } from '../orchestratorContext';
import type { SpecTaskRecord } from '../../docs/specTaskSchema';
import {
  changedFiles,
  checkPrediction,
  describePredictionCheck,
  PredictedFiles,
  type PredictionCheck,
} from './predictedFiles';

/** Statuses in which a task's branch holds a finished run that has not reached the base yet. */
const AFTER_A_RUN: ReadonlySet<string> = new Set(['implementation_review', 'queued_integration', 'integrating']);

/** When the task's last implementation run ended (its last move into review); a new run makes a new check. */
const runEndOf = (record: Pick<SpecTaskRecord, 'history'> | undefined): string | undefined =>
  [...(record?.history ?? [])].reverse().find((h) => h.to === 'implementation_review')?.at;

/**
 * After each implementation run, the files design.md predicted against those the branch changed (issue 21), so
 * a person can judge the predictions the scheduler holds tasks back on. Kept per task until its next run ends
 * (a merged branch has no diff left to compare, so a done task keeps the check of its last run).
 */
export class PredictionChecks {
  private readonly checks = new Map<string, { runEnd: string; check: PredictionCheck }>();
  private readonly predicted = new PredictedFiles();

  constructor(private readonly ctx: OrchestratorContext) {}

  /** One line per task that has a check, for its card and tooltip. */
  notes(): Map<string, string> {
    return new Map([...this.checks].map(([id, c]) => [id, describePredictionCheck(c.check)]));
  }

  check(id: string): PredictionCheck | undefined {
    return this.checks.get(id)?.check;
  }

  /** Checks the tasks whose run ended since the last pass; the views are told to look again. */
  async update(tasks: Iterable<TaskEntry>): Promise<void> {
    const due = [...tasks].filter((t) => {
      const runEnd = runEndOf(t.record);
      return AFTER_A_RUN.has(t.status) && runEnd !== undefined && this.checks.get(t.id)?.runEnd !== runEnd;
    });
    if (!due.length) return;
    const predicted = await this.predicted.of(due);
    for (const t of due) {
      const globs = predicted.get(t.id);
      const wt = this.ctx.book.worktreeOf(t.id);
      const runEnd = runEndOf(t.record)!;
      if (!globs || !wt) {
        this.checks.delete(t.id);
        continue;
      }
      const git = this.ctx.deps.worktrees.queue.git;
      const changed = await changedFiles(git, `refs/heads/${wt.baseBranch}`, `refs/heads/${wt.branch}`).catch(
        () => undefined,
      );
      if (!changed) continue;
      this.checks.set(t.id, { runEnd, check: checkPrediction(globs, changed) });
      const entry = this.ctx.book.get(t.id);
      // Nothing in the files changed, so nothing else would make the views build the card again.
      if (entry) this.ctx.fleet.dispatch({ type: 'taskRead', task: entry, documentsChanged: true });
    }
  }
}
