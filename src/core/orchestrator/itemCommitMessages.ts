import type { ChecklistItem } from '../checklist/checklistTypes';
import type { BranchCommit } from './codeWorktrees';

/** The trailer every commit the orchestrator makes on a task branch carries: `SpecTask: 000007`. */
export const COMMIT_TRAILER_KEY = 'SpecTask';

/** Longest subject line of an item commit (git's one-line views cut longer ones anyway). */
export const ITEM_SUBJECT_MAX = 100;

/**
 * Characters no commit subject keeps: controls (newlines would start a body or forge a trailer), bidi
 * overrides and isolates (a subject that reads differently from what it says), zero-width and other format
 * characters. The item text is written by an agent or a teammate: untrusted.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** One line of at most `max` characters, with nothing that hides or reorders text. */
export function commitLine(text: string, max = ITEM_SUBJECT_MAX): string {
  const line = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** An item's name in its commit: its id when it has a plain one (`T3`), else its position (`item 3`). */
export function itemKey(item: Pick<ChecklistItem, 'id' | 'index'>): string {
  return item.id && /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(item.id) ? item.id : `item ${item.index + 1}`;
}

/** The subject of an item's commit: `T3: add the login form`. */
export function itemSubject(item: Pick<ChecklistItem, 'id' | 'index' | 'text'>): string {
  return commitLine(`${itemKey(item)}: ${item.text}`);
}

/** The trailer line of the task's commits. */
export function trailerLine(number: string): string {
  return `${COMMIT_TRAILER_KEY}: ${number}`;
}

/** Whether a commit carries the task's trailer. */
export function hasTaskTrailer(commit: Pick<BranchCommit, 'trailers'>, number: string): boolean {
  return new RegExp(`^${COMMIT_TRAILER_KEY}:\\s*${number}\\s*$`, 'm').test(commit.trailers);
}

/**
 * The ticked items that have no commit of theirs on the task branch yet, in checklist order. An item's commit
 * is recognised by its subject's `<key>:` and the task's trailer, so committing again after a crash or restart
 * never makes a second one.
 */
export function itemsWithoutCommit(
  items: readonly ChecklistItem[],
  commits: readonly BranchCommit[],
  number: string,
): ChecklistItem[] {
  const committed = new Set<string>();
  for (const c of commits) {
    if (!hasTaskTrailer(c, number)) continue;
    const colon = c.subject.indexOf(':');
    if (colon > 0) committed.add(c.subject.slice(0, colon));
  }
  return items.filter((i) => i.state === 'done' && !committed.has(itemKey(i)));
}
