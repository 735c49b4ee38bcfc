// How review comments are kept in spectask.json `reviewComments` (the record format, read and written only
// here and in reviewService.ts), and the small decisions around them. Tolerant: every entry the store's
// schema accepts reads without throwing; size limits are checked in commentLimits.ts. Unit-tested in
// test/unit/review/commentRecords.test.ts and fuzzed in test/faults/fuzzReviewComments.test.ts.
//
// Format (one entry of spectask.json `reviewComments`, schema SpecTaskReviewComment plus extra fields the
// store keeps as they are):
//   { id, document, line, quote, comment, author, createdAt, resolvedAt?,        ← the schema's fields
//     replies?: [{ author, body, at }],         replies in order; `at` is ISO 8601
//     resolvedBy?: 'user' | 'auto', resolvedReason?: string,
//     sentInRevision?: number,                  the revision (spectask.json revisionCount) it was sent in
//     overall?: true }                          the reviewer's overall comment of a Request changes
// `comment` is the body of the thread's first comment. Entries for documents other than the three spec
// documents, and fields we do not know, are left untouched.
import type { SpecTaskReviewComment } from '../docs/specTaskSchema';
import { isSpecDocument, type CommentReply, type ReviewComment } from './reviewComments';

/** A review comment as the review UI keeps it: the core type plus "this was an overall comment". */
export interface StoredComment extends ReviewComment {
  overall?: boolean;
}

/** The extra fields we add to a schema entry. */
export interface StoredExtras {
  replies?: { author?: unknown; body?: unknown; at?: unknown }[];
  resolvedBy?: unknown;
  resolvedReason?: unknown;
  sentInRevision?: unknown;
  overall?: unknown;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** The largest distance from 1970 a Date can hold, in ms; beyond it toISOString() throws. */
const MAX_TIME = 8.64e15;
/**
 * A stored time as whole epoch milliseconds. A hand-written entry may hold a number Date cannot write back
 * (1e300 made every later write of the thread throw) or a fraction that would not read back the same.
 */
const ms = (v: unknown, fallback: number): number => {
  const t = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(t) && Math.abs(t) <= MAX_TIME ? Math.trunc(t) + 0 : fallback; // + 0: no -0
};

/**
 * The id each entry is known by: its own, except that a spec-document entry whose id an earlier entry
 * already has (a hand-edited or merged spectask.json) gets `<id>~2`, `<id>~3`, … — the first suffix no
 * entry has. Without this two threads share an id, and a reply to the second overwrites the first.
 * Entries about other documents keep their ids untouched. Deterministic, so reading and writing agree on
 * which entry is which; the next write (upsertRecords, markSent) stores the new ids.
 */
export function entryIds(records: readonly SpecTaskReviewComment[]): string[] {
  const taken = new Set(records.map((r) => r.id));
  const seen = new Set<string>();
  return records.map((r) => {
    let id = r.id;
    if (seen.has(id) && isSpecDocument(r.document)) {
      let k = 2;
      while (taken.has(`${r.id}~${k}`)) k++;
      id = `${r.id}~${k}`;
      taken.add(id);
    }
    seen.add(id);
    return id;
  });
}

/** Stores the ids {@link entryIds} gives (in place, inside SpecTaskStore.update); true when one changed. */
function settleIds(records: SpecTaskReviewComment[]): boolean {
  let changed = false;
  for (const [i, id] of entryIds(records).entries()) {
    if (records[i].id !== id) {
      records[i] = { ...records[i], id };
      changed = true;
    }
  }
  return changed;
}

/** Reads one spectask.json entry; undefined for entries that are not about a spec document. */
export function fromRecord(rc: SpecTaskReviewComment, id = rc.id): StoredComment | undefined {
  if (!isSpecDocument(rc.document)) return undefined;
  const x = rc as SpecTaskReviewComment & StoredExtras;
  const createdAt = ms(rc.createdAt, 0);
  const replies: CommentReply[] = Array.isArray(x.replies)
    ? x.replies
        .filter((r) => r && typeof r.body === 'string')
        .map((r) => ({
          author: typeof r.author === 'string' ? r.author : 'unknown',
          body: r.body as string,
          at: ms(r.at, createdAt),
        }))
    : [];
  const c: StoredComment = {
    id,
    document: rc.document,
    line: rc.line ?? 1,
    quote: rc.quote ?? '',
    body: rc.comment,
    author: rc.author ?? 'unknown',
    createdAt,
    replies,
  };
  if (rc.resolvedAt)
    c.resolved = {
      at: ms(rc.resolvedAt, createdAt),
      by: x.resolvedBy === 'auto' ? 'auto' : 'user',
      ...(typeof x.resolvedReason === 'string' && x.resolvedReason ? { reason: x.resolvedReason } : {}),
    };
  if (Number.isInteger(x.sentInRevision)) c.sentInRevision = x.sentInRevision as number;
  if (x.overall === true) c.overall = true;
  return c;
}

/** Writes one comment as a spectask.json entry, keeping the unknown fields of `previous`. */
export function toRecord(c: StoredComment, previous?: SpecTaskReviewComment): SpecTaskReviewComment {
  const out: SpecTaskReviewComment & StoredExtras = {
    ...(previous ?? {}),
    id: c.id,
    document: c.document,
    line: Math.max(1, Math.round(c.line)),
    quote: c.quote,
    comment: c.body,
    author: c.author,
    createdAt: iso(c.createdAt),
  };
  for (const k of ['resolvedAt', 'resolvedBy', 'resolvedReason', 'sentInRevision', 'overall', 'replies'] as const)
    delete out[k];
  if (c.replies.length) out.replies = c.replies.map((r) => ({ author: r.author, body: r.body, at: iso(r.at) }));
  if (c.resolved) {
    out.resolvedAt = iso(c.resolved.at);
    out.resolvedBy = c.resolved.by;
    if (c.resolved.reason) out.resolvedReason = c.resolved.reason;
  }
  if (c.sentInRevision !== undefined) out.sentInRevision = c.sentInRevision;
  if (c.overall) out.overall = true;
  return out;
}

/** The spec-document comments of a record, in their stored order. */
export function commentsOf(records: readonly SpecTaskReviewComment[]): StoredComment[] {
  const ids = entryIds(records);
  return records.flatMap((r, i) => fromRecord(r, ids[i]) ?? []);
}

/**
 * Applies changed comments to the stored list (in place, for use inside SpecTaskStore.update): replaces
 * entries with the same id, appends new ones, removes the ids in `removed`. Other entries stay as they are.
 */
export function upsertRecords(
  records: SpecTaskReviewComment[],
  changed: readonly StoredComment[],
  removed: readonly string[] = [],
): void {
  settleIds(records);
  // Only spec-document entries are comments; another document's entry with the same id is not ours to touch.
  const ours = (r: SpecTaskReviewComment, id: string) => r.id === id && isSpecDocument(r.document);
  for (const c of changed) {
    const i = records.findIndex((r) => ours(r, c.id));
    if (i >= 0) records[i] = toRecord(c, records[i]);
    else records.push(toRecord(c));
  }
  if (removed.length) {
    const gone = new Set(removed);
    for (let i = records.length - 1; i >= 0; i--)
      if (gone.has(records[i].id) && isSpecDocument(records[i].document)) records.splice(i, 1);
  }
}

/**
 * After Request changes: the orchestrator appended the overall comment (if any) with its own id, and the
 * open comments were handed to the planning agent. Marks `sentIds` and the new overall entry as last sent in
 * `revision`; returns whether anything changed. In place, for SpecTaskStore.update.
 */
export function markSent(
  records: SpecTaskReviewComment[],
  sentIds: ReadonlySet<string>,
  overall: string | undefined,
  knownIds: ReadonlySet<string>,
  revision: number,
): boolean {
  let changed = settleIds(records);
  for (const r of records as (SpecTaskReviewComment & StoredExtras)[]) {
    if (r.resolvedAt || !isSpecDocument(r.document)) continue;
    const isNewOverall = overall !== undefined && !knownIds.has(r.id) && r.comment === overall;
    if (!sentIds.has(r.id) && !isNewOverall) continue;
    if (isNewOverall) r.overall = true;
    if (r.sentInRevision !== revision) {
      r.sentInRevision = revision;
      changed = true;
    }
  }
  return changed;
}

/**
 * An overall comment has no quote to watch, so it resolves itself once the revision it was sent in came
 * back for review (status spec_review with revisionCount ≥ its revision). Returns the comments that changed.
 */
export function resolveAnsweredOverall(
  comments: readonly StoredComment[],
  status: string,
  revisionCount: number,
  at: number,
): StoredComment[] {
  if (status !== 'spec_review') return [];
  return comments
    .filter((c) => c.overall && !c.resolved && c.sentInRevision !== undefined && revisionCount >= c.sentInRevision)
    .map((c) => ({ ...c, resolved: { at, by: 'auto' as const, reason: `answered by revision ${c.sentInRevision}` } }));
}

/** A new comment's id: time plus a random part, so two windows never clash. */
export function newCommentId(now: number, random: () => number = Math.random): string {
  return `rc-${now.toString(36)}-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
