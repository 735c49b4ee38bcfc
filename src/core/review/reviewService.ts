import type { SpecTaskRecord } from '../docs/specTaskSchema';
import type { SpecTaskStore } from '../docs/specTaskStore';
import { checkCommentLimits, checkReviewComments, parseReviewComments, ReviewCommentsError } from './commentLimits';
import { markSent, resolveAnsweredOverall, toRecord, upsertRecords, type StoredComment } from './commentRecords';
import { autoResolve, isOpen, isSpecDocument, type SpecDocument } from './reviewComments';
import { claimedResolutions, type RevisionClaim } from './agentAddressed';

/** A comment sent with Request changes that is not stored yet (a CLI `--comment`, the reviewer's overall comment). */
export interface NewReviewComment {
  document: SpecDocument;
  /** 1-based line. */
  line: number;
  quote: string;
  comment: string;
  /** Who wrote it; left out of the record when not given (the CLI). */
  author?: string;
  /** The reviewer's overall comment of this Request changes (no line of its own). */
  overall?: boolean;
}

/** What {@link ReviewService.requestSpecChanges} did. */
export interface SpecChangesRequested {
  /** The record as committed (status spec_revision). */
  record: SpecTaskRecord;
  /** The revision the comments were sent in (the record's new revisionCount). */
  revision: number;
  /** How many open comments went to the planning agent (the new ones included). */
  sent: number;
}

/** What the service is built from (the coordinator, or the review UI until the coordinator owns it). */
export interface ReviewServiceDeps {
  store: Pick<SpecTaskStore, 'update' | 'updateAndTransition'>;
  /**
   * Called once a transition is committed, before the intent resolves: the coordinator refreshes the task
   * and kicks the scheduler here, so the revision starts from the committed comments.
   */
  afterTransition?: (taskId: string) => void | Promise<void>;
  now?: () => number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Review comments of spec documents (DESIGN.md §3 `core/review`): the only writer of spectask.json
 * `reviewComments`. Reads the records strictly (size limits, commentLimits.ts), keeps the open → resolved →
 * sent lifecycle, and owns the Request changes intent, which commits the comments, their "sent in revision N"
 * marks and the move to spec_revision together.
 */
export class ReviewService {
  private readonly now: () => number;

  constructor(private readonly deps: ReviewServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The spec-document comments of a record; throws ReviewCommentsError for a hostile or oversized list. */
  comments(record: Pick<SpecTaskRecord, 'reviewComments'>): StoredComment[] {
    return parseReviewComments(record.reviewComments);
  }

  /**
   * Stores changed comments (replacing those with the same id, adding new ones) and removes `removed`, in one
   * commit `spectask(<id>): <what>`. Entries of other documents and unknown fields stay as they are.
   */
  async save(
    taskId: string,
    changes: { changed: readonly StoredComment[]; removed?: readonly string[] },
    what: string,
  ): Promise<SpecTaskRecord> {
    for (const [i, c] of changes.changed.entries()) checkCommentLimits(c, `comment ${i + 1}`);
    return this.deps.store.update(taskId, what, (r) => {
      checkReviewComments(r.reviewComments);
      upsertRecords(r.reviewComments, changes.changed, changes.removed);
      checkReviewComments(r.reviewComments);
    });
  }

  /**
   * The comments that resolve themselves now: those whose quoted text is gone from their document, those the
   * agent says its revision addressed and whose quoted lines that revision changed (`claim`, agentAddressed.ts;
   * only while the revision is under review), and overall comments whose revision came back for review.
   * Documents that could not be read decide nothing.
   */
  dueResolutions(
    comments: readonly StoredComment[],
    record: Pick<SpecTaskRecord, 'status' | 'revisionCount'> | undefined,
    documents: Partial<Record<SpecDocument, string>>,
    claim?: RevisionClaim,
  ): StoredComment[] {
    const at = this.now();
    const byQuote = autoResolve(comments, documents, at);
    const inReview = record?.status === 'spec_review' && claim?.revision === record.revisionCount;
    const open = (done: readonly StoredComment[]) => comments.filter((c) => !done.some((d) => d.id === c.id));
    if (inReview) byQuote.push(...claimedResolutions(open(byQuote), claim, documents, at));
    const done = new Set(byQuote.map((c) => c.id));
    const answered = resolveAnsweredOverall(
      comments.filter((c) => !done.has(c.id)),
      record?.status ?? '',
      record?.revisionCount ?? 0,
      at,
    );
    return [...byQuote, ...answered];
  }

  /**
   * Request changes to a spec in review: adds `comments` (each checked), marks every open spec-document
   * comment as sent in the new revision, and moves the task spec_review → spec_revision — one commit. Then
   * `afterTransition` runs (the coordinator starts the revision). Throws without writing anything when the
   * task is not in spec review, a comment is empty or too long, or the stored comments are over a limit.
   */
  async requestSpecChanges(
    taskId: string,
    comments: readonly NewReviewComment[],
    note?: string,
  ): Promise<SpecChangesRequested> {
    const now = this.now();
    const added = comments.map((c, i) => newStoredComment(c, i, now));
    let sent = 0;
    const record = await this.deps.store.updateAndTransition(
      taskId,
      'request_spec_changes',
      note,
      `request changes (${plural(comments.length, 'comment')})`,
      (r) => {
        checkReviewComments(r.reviewComments);
        const taken = new Set(r.reviewComments.map((e) => e.id));
        for (const [i, c] of added.entries()) {
          while (taken.has(c.id)) c.id += '~';
          taken.add(c.id);
          const entry = toRecord(c);
          if (comments[i].author === undefined) delete entry.author;
          r.reviewComments.push(entry);
        }
        // Every open comment goes into the revision prompt (the coordinator reads the unresolved entries), so
        // every open one is marked as sent in this revision; entries are edited in place, nothing else changes.
        const open = new Set(
          parseReviewComments(r.reviewComments)
            .filter(isOpen)
            .map((c) => c.id),
        );
        markSent(r.reviewComments, open, undefined, taken, r.revisionCount);
        sent = open.size;
        checkReviewComments(r.reviewComments);
      },
    );
    await this.deps.afterTransition?.(taskId);
    return { record, revision: record.revisionCount, sent };
  }
}

/** A checked StoredComment for one comment of a Request changes. */
function newStoredComment(c: NewReviewComment, i: number, now: number): StoredComment {
  const at = `comments[${i}]`;
  if (!isSpecDocument(c.document))
    throw new ReviewCommentsError(`${at}.document`, 'must be requirements.md, design.md or tasks.md');
  if (typeof c.comment !== 'string' || !c.comment.trim())
    throw new ReviewCommentsError(`${at}.comment`, 'is empty; write what should change');
  const stored: StoredComment = {
    id: `c${now}-${i}`,
    document: c.document,
    line: Number.isInteger(c.line) && c.line >= 1 ? c.line : 1,
    quote: typeof c.quote === 'string' ? c.quote : '',
    body: c.comment,
    author: c.author ?? 'unknown',
    createdAt: now,
    replies: [],
    ...(c.overall ? { overall: true } : {}),
  };
  checkCommentLimits(stored, at);
  return stored;
}
