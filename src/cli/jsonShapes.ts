import type {
  ChecklistFocus,
  ChecklistItem,
  ChecklistProblem,
  ChecklistProgress,
} from '../core/checklist/checklistTypes';
import type { SpecTaskDetails, SpecTaskSummary } from '../core/docs/specTaskReader';
import type { SyncResult } from '../core/docs/designDocsSync';
import type { SpecTaskRecord } from '../core/docs/specTaskSchema';
import { integrationReasonOf } from '../core/orchestrator/integration/integrationReason';
import type { TaskStanding } from '../core/orchestrator/overlap/taskStanding';
import type { PredictionCheck } from '../core/orchestrator/overlap/predictedFiles';

// The `--json` output of the CLI. These shapes are a stable interface for scripts and CI (documented in
// src/cli/JSON.md): fields may be added, never renamed or removed. Lines and item numbers are 1-based;
// absent values are `null`, never missing.

/** One checklist item. `n` is what `spectask mark` takes; `index` is 0-based. */
export interface ItemJson {
  n: number;
  index: number;
  line: number;
  depth: number;
  state: 'todo' | 'doing' | 'done';
  id: string | null;
  text: string;
}

/** A checklist with its progress, current item and context window. */
export interface ChecklistJson {
  file: string;
  items: ItemJson[];
  progress: ChecklistProgress;
  current: ItemJson | null;
  context: { before: ItemJson[]; after: ItemJson[] };
  problems: { line: number; message: string }[];
}

/** One SpecTask as `list` prints it. */
export interface TaskJson {
  id: string;
  number: number | null;
  title: string;
  status: string | null;
  layout: 'current' | 'legacy';
  folder: string;
  path: string;
  checklistFile: string | null;
  progress: ChecklistProgress | null;
  problems: { path: string; field: string | null; message: string }[];
}

/** One SpecTask as `show` prints it. */
export interface TaskDetailsJson extends TaskJson {
  record: SpecTaskRecord | null;
  documents: { requirements: string | null; design: string | null; tasks: string | null; metadata: string | null };
  checklist: ChecklistJson | null;
  /** Why its last integration did not reach the base ("tests failed: 2 failing"); null once merged or never. */
  integrationReason: string | null;
  /** What a queued task waits for besides a free slot ("waiting for #000003 (implementing): both touch src/app.js"). */
  waitingFor: string | null;
  /** After a run: design.md's `## Files` against the branch's diff; null without a prediction or a finished run. */
  filePrediction: PredictionCheck | null;
}

export function itemJson(it: ChecklistItem): ItemJson {
  return {
    n: it.index + 1,
    index: it.index,
    line: it.line + 1,
    depth: it.depth,
    state: it.state,
    id: it.id ?? null,
    text: it.text,
  };
}

export function checklistJson(
  file: string,
  items: ChecklistItem[],
  problems: ChecklistProblem[],
  progress: ChecklistProgress,
  focus: ChecklistFocus,
): ChecklistJson {
  return {
    file,
    items: items.map(itemJson),
    progress,
    current: focus.current ? itemJson(focus.current) : null,
    context: { before: focus.before.map(itemJson), after: focus.after.map(itemJson) },
    problems: problems.map((p) => ({ line: p.line + 1, message: p.message })),
  };
}

export function taskJson(t: SpecTaskSummary): TaskJson {
  return {
    id: t.id,
    number: t.number ?? null,
    title: t.title,
    status: t.status ?? null,
    layout: t.layout,
    folder: t.folder,
    path: t.path,
    checklistFile: t.checklistFile ?? null,
    progress: t.progress ?? null,
    problems: t.problems.map((p) => ({ path: p.path, field: p.field ?? null, message: p.message })),
  };
}

export function taskDetailsJson(t: SpecTaskDetails, standing: TaskStanding = {}): TaskDetailsJson {
  return {
    ...taskJson(t),
    record: t.record ?? null,
    documents: {
      requirements: t.documents.requirements ?? null,
      design: t.documents.design ?? null,
      tasks: t.documents.tasks ?? null,
      metadata: t.documents.metadata ?? null,
    },
    checklist:
      t.checklist && t.focus && t.progress && t.documents.tasks
        ? checklistJson(t.documents.tasks, t.checklist.items, t.checklist.problems, t.progress, t.focus)
        : null,
    integrationReason: integrationReasonOf(t.record) ?? null,
    waitingFor: standing.waitingFor ?? null,
    filePrediction: standing.filePrediction ?? null,
  };
}

/** `spectask sync --json`: what the sync did (see src/cli/JSON.md). */
export interface SyncJson {
  outcome: SyncResult['outcome'];
  branch: string;
  remote: string;
  before: string;
  after: string;
  remoteBefore: string | null;
  remoteAfter: string | null;
  pendingCommit: string | null;
  incoming: number;
  replayed: number;
  resolved: { file: string; rule: string }[];
  changedFiles: string[];
  pushed: boolean;
  /** Not pushed because another process of the clone publishes the branch, fenced by its claims. */
  pushedByClaimant: { pid: number; label: string } | null;
  attempts: number;
  duplicateNumbers: { number: string; folders: string[] }[];
}

export function syncJson(r: SyncResult): SyncJson {
  return {
    outcome: r.outcome,
    branch: r.branch,
    remote: r.remote,
    before: r.before,
    after: r.after,
    remoteBefore: r.remoteBefore ?? null,
    remoteAfter: r.remoteAfter ?? null,
    pendingCommit: r.pendingCommit ?? null,
    incoming: r.incoming,
    replayed: r.replayed,
    resolved: r.resolved,
    changedFiles: r.changedFiles,
    pushed: r.pushed,
    pushedByClaimant: r.pushedByClaimant ? { pid: r.pushedByClaimant.pid, label: r.pushedByClaimant.label } : null,
    attempts: r.attempts,
    duplicateNumbers: r.duplicateNumbers,
  };
}
