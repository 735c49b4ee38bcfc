// Pure (no `vscode`): which file is which SpecTask's spec document, what the reviewer has opened, and how
// the approval gate reads in one line. Unit-tested in test/unit/review/specDocs.test.ts.
import * as path from 'node:path';
import type { ApprovalGate } from '../../core/review/approvalGate';
import { contentHash, SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';

export interface TaskFolder {
  id: string;
  /** Absolute path of the SpecTask folder in the design-docs worktree. */
  path: string;
}

/** The SpecTask and document a file is, when it is one of the three spec documents of a known SpecTask folder. */
export function specDocOf(
  fsPath: string,
  tasks: Iterable<TaskFolder>,
  caseInsensitive = process.platform === 'win32' || process.platform === 'darwin',
): { taskId: string; document: SpecDocument } | undefined {
  const norm = (p: string) => {
    const r = path.resolve(p);
    return caseInsensitive ? r.toLowerCase() : r;
  };
  const base = path.basename(fsPath);
  const document = SPEC_DOCUMENTS.find((d) => (caseInsensitive ? d === base.toLowerCase() : d === base));
  if (!document) return undefined;
  const dir = norm(path.dirname(fsPath));
  for (const t of tasks) if (norm(t.path) === dir) return { taskId: t.id, document };
  return undefined;
}

/** Per SpecTask, the content hash each document had when the reviewer last had it on screen. */
export type ViewedState = Record<string, Partial<Record<SpecDocument, string>>>;

/** Records that `document` of `taskId` was seen with `text`; returns the same object when nothing changed. */
export function recordView(state: ViewedState, taskId: string, document: SpecDocument, text: string): ViewedState {
  const hash = contentHash(text);
  if (state[taskId]?.[document] === hash) return state;
  return { ...state, [taskId]: { ...state[taskId], [document]: hash } };
}

/** Drops the entries of SpecTasks that no longer exist, so workspaceState does not grow forever. */
export function pruneViewed(state: ViewedState, known: ReadonlySet<string>): ViewedState {
  const keep = Object.entries(state).filter(([id]) => known.has(id));
  return keep.length === Object.keys(state).length ? state : Object.fromEntries(keep);
}

/** The first document that still has to be opened (missing ones are skipped), in review order. */
export function nextToOpen(
  documents: Partial<Record<SpecDocument, string>>,
  viewed: Partial<Record<SpecDocument, string>>,
): SpecDocument | undefined {
  return SPEC_DOCUMENTS.find((d) => documents[d] !== undefined && viewed[d] !== contentHash(documents[d]!));
}

/** The gate in one short line, for a CodeLens or a status message. */
export function gateSummary(gate: ApprovalGate): string {
  if (gate.canApprove) return 'Ready to approve';
  return `Approve blocked: ${gate.reasons.map((r) => r.replace(/ \(resolve or send them with Request changes\)$/, '')).join(' · ')}`;
}
