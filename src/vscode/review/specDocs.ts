// Pure (no `vscode`): what the reviewer has opened, and how
// the approval gate reads in one line. Unit-tested in test/unit/review/specDocs.test.ts.
import type { ApprovalGate } from '../../core/review/approvalGate';
import { contentHash, SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';

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
