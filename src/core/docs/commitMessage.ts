import { COMMIT_TRAILER_KEY } from '../orchestrator/prompts';

/** One change that goes into a design-docs commit. */
export interface DocChange {
  /** Six-digit SpecTask id (or a legacy folder name). */
  taskId: string;
  /** What happened, e.g. `mark "Add login endpoint" done`. */
  summary: string;
}

const MAX_SUBJECT_TEXT = 60;

/** Shortens item text for a subject line; quotes inside stay (the message is not parsed). */
export function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SUBJECT_TEXT ? `${flat.slice(0, MAX_SUBJECT_TEXT - 1)}…` : flat;
}

/**
 * A structured commit message: `spectask(000007): mark "Add login endpoint" done` for one change; for a
 * coalesced burst, a counted subject and one body line per change. Always ends with one
 * `SpecTask: <id>` trailer per SpecTask involved.
 */
export function formatCommitMessage(changes: readonly DocChange[]): string {
  if (changes.length === 0) throw new Error('a commit needs at least one change');
  const ids = [...new Set(changes.map((c) => c.taskId))];
  const trailers = ids.map((id) => `${COMMIT_TRAILER_KEY}: ${id}`).join('\n');
  if (changes.length === 1) return `spectask(${changes[0].taskId}): ${changes[0].summary}\n\n${trailers}\n`;
  const scope = ids.length === 1 ? `(${ids[0]})` : '';
  const body = changes.map((c) => `- ${ids.length === 1 ? '' : `${c.taskId}: `}${c.summary}`).join('\n');
  return `spectask${scope}: ${changes.length} checklist and document updates\n\n${body}\n\n${trailers}\n`;
}
