// How much review text a spectask.json may hold. The file is untrusted input: a teammate's push, a hand edit or
// an agent can put anything there, and every comment ends up in the editor, in the webview and in the planning
// agent's prompt. The store's schema checks types; these checks add sizes, so one hostile entry is refused with
// a message naming it instead of being rendered, re-written on every change and sent to the agent.
import type { SpecTaskReviewComment } from '../docs/specTaskSchema';
import { commentsOf, type StoredComment } from './commentRecords';

export const REVIEW_LIMITS = {
  /** Entries in `reviewComments` (all documents). */
  comments: 1000,
  /** Replies under one comment. */
  replies: 500,
  /** Characters of one text: a comment, a reply, a quote, a resolution reason. */
  text: 32_768,
  /** Characters of an id or an author. */
  name: 256,
  /** Characters of the whole `reviewComments` list as JSON. */
  total: 4 * 1024 * 1024,
} as const;

/** A `reviewComments` list (or a comment to be added) that is malformed or over a limit. */
export class ReviewCommentsError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`review comments: ${field} ${reason}`);
    this.name = 'ReviewCommentsError';
  }
}

type Problem = { field: string; reason: string };

const tooLong = (field: string, v: unknown, max: number): Problem | undefined =>
  typeof v === 'string' && v.length > max
    ? { field, reason: `is ${v.length} characters long; at most ${max} are allowed` }
    : undefined;

/** The first problem of one stored entry's sizes (types are the schema's job, but are checked again here). */
function entryProblem(e: unknown, at: string): Problem | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return { field: at, reason: 'must be an object' };
  const r = e as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id.trim()) return { field: `${at}.id`, reason: 'must be a non-empty string' };
  if (typeof r.document !== 'string') return { field: `${at}.document`, reason: 'must be a string' };
  if (typeof r.comment !== 'string') return { field: `${at}.comment`, reason: 'must be a string' };
  const found =
    tooLong(`${at}.id`, r.id, REVIEW_LIMITS.name) ??
    tooLong(`${at}.document`, r.document, REVIEW_LIMITS.name) ??
    tooLong(`${at}.author`, r.author, REVIEW_LIMITS.name) ??
    tooLong(`${at}.comment`, r.comment, REVIEW_LIMITS.text) ??
    tooLong(`${at}.quote`, r.quote, REVIEW_LIMITS.text) ??
    tooLong(`${at}.resolvedReason`, r.resolvedReason, REVIEW_LIMITS.text);
  if (found) return found;
  if (!Array.isArray(r.replies)) return undefined; // anything else is ignored by the reader, as before
  if (r.replies.length > REVIEW_LIMITS.replies)
    return { field: `${at}.replies`, reason: `has ${r.replies.length} replies; at most ${REVIEW_LIMITS.replies}` };
  for (const [i, reply] of (r.replies as unknown[]).entries()) {
    if (typeof reply !== 'object' || reply === null) continue;
    const x = reply as Record<string, unknown>;
    const bad =
      tooLong(`${at}.replies[${i}].body`, x.body, REVIEW_LIMITS.text) ??
      tooLong(`${at}.replies[${i}].author`, x.author, REVIEW_LIMITS.name);
    if (bad) return bad;
  }
  return undefined;
}

/** The first problem of a whole `reviewComments` value, or undefined when it is within every limit. */
export function reviewCommentsProblem(value: unknown): Problem | undefined {
  if (value === undefined) return undefined; // the schema's default: no comments
  if (!Array.isArray(value)) return { field: 'reviewComments', reason: 'must be a list' };
  if (value.length > REVIEW_LIMITS.comments)
    return {
      field: 'reviewComments',
      reason: `has ${value.length} entries; at most ${REVIEW_LIMITS.comments} are allowed`,
    };
  for (const [i, e] of value.entries()) {
    const bad = entryProblem(e, `reviewComments[${i}]`);
    if (bad) return bad;
  }
  const size = JSON.stringify(value).length;
  if (size > REVIEW_LIMITS.total)
    return { field: 'reviewComments', reason: `is ${size} characters as JSON; at most ${REVIEW_LIMITS.total}` };
  return undefined;
}

/** Throws {@link ReviewCommentsError} when a `reviewComments` value is malformed or over a limit. */
export function checkReviewComments(value: unknown): asserts value is SpecTaskReviewComment[] | undefined {
  const bad = reviewCommentsProblem(value);
  if (bad) throw new ReviewCommentsError(bad.field, bad.reason);
}

/**
 * The spec-document comments of an untrusted `reviewComments` value: checked ({@link checkReviewComments}),
 * then read as {@link commentsOf} reads them. Throws {@link ReviewCommentsError} naming the first bad field.
 */
export function parseReviewComments(value: unknown): StoredComment[] {
  checkReviewComments(value);
  return commentsOf(value ?? []);
}

/** Checks one comment about to be stored (new or changed) against the limits. */
export function checkCommentLimits(c: Pick<StoredComment, 'body' | 'quote' | 'author' | 'replies'>, at: string): void {
  const bad =
    tooLong(`${at}.comment`, c.body, REVIEW_LIMITS.text) ??
    tooLong(`${at}.quote`, c.quote, REVIEW_LIMITS.text) ??
    tooLong(`${at}.author`, c.author, REVIEW_LIMITS.name);
  if (bad) throw new ReviewCommentsError(bad.field, bad.reason);
  if (c.replies.length > REVIEW_LIMITS.replies)
    throw new ReviewCommentsError(`${at}.replies`, `has ${c.replies.length} replies; at most ${REVIEW_LIMITS.replies}`);
  for (const [i, r] of c.replies.entries()) {
    const long =
      tooLong(`${at}.replies[${i}].body`, r.body, REVIEW_LIMITS.text) ??
      tooLong(`${at}.replies[${i}].author`, r.author, REVIEW_LIMITS.name);
    if (long) throw new ReviewCommentsError(long.field, long.reason);
  }
}
