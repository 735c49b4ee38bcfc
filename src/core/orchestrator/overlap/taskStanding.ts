import * as path from 'node:path';
import type { Priority } from '../../docs/specTaskSchema';
import type { SpecTaskSummary } from '../../docs/specTaskReader';
import { GitRunner } from '../../git/gitRunner';
import { checkBranches, codeWorktreeFor } from '../codeWorktrees';
import { schedule, type FileOverlapMode, type SchedulableTask } from '../scheduler';
import { changedFiles, checkPrediction, PredictedFiles, type PredictionCheck } from './predictedFiles';

const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const HAS_FILES: ReadonlySet<string> = new Set(['queued_implementation', 'implementation']);
const AFTER_A_RUN: ReadonlySet<string> = new Set(['implementation_review', 'queued_integration', 'integrating']);

/** What `spectask show --json` says beyond the files: what the task waits for, and how its prediction did. */
export interface TaskStanding {
  /** "waiting for #000003 (implementing): both touch src/app.js"; undefined when nothing but a free slot is missing. */
  waitingFor?: string;
  /** Its `## Files` against its branch's diff, while a finished run waits for review or integration. */
  filePrediction?: PredictionCheck;
}

/**
 * The scheduler's view of one SpecTask, from the files alone (no orchestrator runs in a one-shot command):
 * the same `schedule` with unlimited slots, so only dependencies and file overlaps are left to wait for.
 */
export async function taskStanding(
  repoRoot: string,
  task: SpecTaskSummary,
  all: readonly SpecTaskSummary[],
  fileOverlap: FileOverlapMode = 'hold',
): Promise<TaskStanding> {
  const standing: TaskStanding = {};
  const predicted = new PredictedFiles();
  if (task.status?.startsWith('queued_')) {
    const files = await predicted.of(all.filter((t) => t.status && HAS_FILES.has(t.status)));
    const schedulable: SchedulableTask[] = all
      .filter((t) => t.status)
      .map((t) => ({
        id: t.id,
        number: t.number !== undefined ? String(t.number).padStart(6, '0') : t.id,
        status: t.status!,
        priorityRank: PRIORITY_RANK[t.record?.priority ?? 'medium'],
        dependsOn: t.record?.dependsOn ?? [],
        files: files.get(t.id),
      }));
    const d = schedule(schedulable, { planning: Infinity, implementation: Infinity, autoStart: false, fileOverlap });
    standing.waitingFor = d.queueReasons.get(task.id);
  }
  if (task.status && AFTER_A_RUN.has(task.status) && task.record) {
    const globs = (await predicted.of([task])).get(task.id);
    const wt = codeWorktreeFor(repoRoot, path.basename(task.folder), task.record.baseBranch ?? 'main');
    // The branch names come from a record on the design-docs branch: checked before they reach git.
    const changed = globs
      ? await (async () => {
          checkBranches(wt);
          return changedFiles(new GitRunner(repoRoot), `refs/heads/${wt.baseBranch}`, `refs/heads/${wt.branch}`);
        })().catch(() => undefined)
      : undefined;
    if (globs && changed) standing.filePrediction = checkPrediction(globs, changed);
  }
  return standing;
}
