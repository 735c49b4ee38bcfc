import { createHash } from 'node:crypto';

export const SPEC_DOCUMENTS = ['requirements.md', 'design.md', 'tasks.md'] as const;
export type SpecDocument = (typeof SPEC_DOCUMENTS)[number];
export const isSpecDocument = (v: unknown): v is SpecDocument =>
  typeof v === 'string' && (SPEC_DOCUMENTS as readonly string[]).includes(v);

export interface CommentReply {
  author: string;
  body: string;
  at: number;
}

/** A review comment on one line of a spec document (DESIGN.md §4: kept in spectask.json). */
export interface ReviewComment {
  id: string;
  document: SpecDocument;
  /** 1-based line the comment was made on. */
  line: number;
  /** The text of that line (or the selection) when the comment was made; empty when none. */
  quote: string;
  body: string;
  author: string;
  createdAt: number;
  replies: CommentReply[];
  /** When set, the comment no longer blocks approval. */
  resolved?: { at: number; by: 'user' | 'auto'; reason?: string };
  /** The revision the comment was sent to the agent in, if it was. */
  sentInRevision?: number;
}

export const isOpen = (c: ReviewComment): boolean => !c.resolved;

/**
 * The revision a SpecTask's reviewer is looking at: its revisionCount while it waits for spec review, else
 * undefined (a revision in progress has not answered anything yet).
 */
export const reviewedRevision = (status: string | undefined, revisionCount: number | undefined): number | undefined =>
  status === 'spec_review' ? (revisionCount ?? 0) : undefined;

/**
 * An open comment the agent was sent in a revision that has come back for review: the agent addressed it
 * (issue 22). It no longer blocks Approve; its thread says so and the reviewer resolves it in one click.
 */
export const isAddressed = (c: ReviewComment, reviewed: number | undefined): boolean =>
  isOpen(c) && c.sentInRevision !== undefined && reviewed !== undefined && reviewed >= c.sentInRevision;

/** Whether a comment holds up Approve: open, and not addressed by a revision under review. */
export const blocksApproval = (c: ReviewComment, reviewed: number | undefined): boolean =>
  isOpen(c) && !isAddressed(c, reviewed);

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Comments whose quoted text no longer appears anywhere in their document are resolved automatically
 * (the reference system's behaviour after a spec push): the agent rewrote what was commented on.
 * Whitespace differences do not count as a change. Returns the comments that changed.
 */
export function autoResolve(
  comments: readonly ReviewComment[],
  documents: Partial<Record<SpecDocument, string>>,
  at: number,
): ReviewComment[] {
  const changed: ReviewComment[] = [];
  for (const c of comments) {
    if (c.resolved || !c.quote.trim()) continue;
    const text = documents[c.document];
    if (text === undefined) continue; // the document could not be read: decide nothing
    if (!normalize(text).includes(normalize(c.quote))) {
      changed.push({ ...c, resolved: { at, by: 'auto', reason: 'the quoted text is no longer in the document' } });
    }
  }
  return changed;
}

/**
 * Where a comment's quote is now, so a thread follows its text when lines move: the 1-based line where the
 * quote starts, nearest to the old line when it appears several times. A quote of several lines (a
 * selection) is looked for across as many lines. Lines end at CRLF, LF or a lone CR, as the editor counts
 * them. Falls back to the old line when the quote is gone.
 */
export function relocate(comment: ReviewComment, text: string): number {
  if (!comment.quote.trim()) return comment.line;
  const lines = text.split(/\r\n|\r|\n/).map(normalize);
  const want = normalize(comment.quote);
  const span = comment.quote.trim().split(/\r\n|\r|\n/).length;
  let best = -1;
  for (let i = 0; i < lines.length; i++) {
    const window = span === 1 ? lines[i] : normalize(lines.slice(i, i + span).join(' '));
    if (window.includes(want) && (best < 0 || Math.abs(i + 1 - comment.line) < Math.abs(best + 1 - comment.line)))
      best = i;
  }
  return best >= 0 ? best + 1 : comment.line;
}

/** A short, stable fingerprint of a document's content, for "opened since its last change". */
export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
