import * as assert from 'node:assert/strict';
import type { SpecTaskReviewComment } from '../../../src/core/docs/specTaskSchema';
import { validateSpecTaskRecord, newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import {
  commentsOf,
  fromRecord,
  markSent,
  newCommentId,
  resolveAnsweredOverall,
  toRecord,
  upsertRecords,
  type StoredComment,
} from '../../../src/core/review/commentRecords';
import { storedComment } from '../../support/reviewFixtures';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const comment = (over: Partial<StoredComment> = {}): StoredComment => storedComment(T0, over);

describe('comment records (spectask.json reviewComments)', () => {
  it('round-trips a comment with replies, resolution and revision through the schema entry', () => {
    const c = comment({
      replies: [{ author: 'bo', body: 'Agreed', at: T0 + 1000 }],
      resolved: { at: T0 + 2000, by: 'auto', reason: 'gone' },
      sentInRevision: 2,
      overall: true,
    });
    const rec = toRecord(c);
    assert.equal(rec.comment, 'Use Redis.');
    assert.equal(rec.createdAt, '2026-01-02T03:04:05.000Z');
    assert.equal(rec.resolvedAt, '2026-01-02T03:04:07.000Z');
    assert.deepEqual(fromRecord(JSON.parse(JSON.stringify(rec))), c);
  });

  it('writes entries the store validation accepts', () => {
    const r = newSpecTaskRecord({ number: 3, title: 'X' });
    r.reviewComments.push(
      toRecord(comment({ replies: [{ author: 'a', body: 'b', at: T0 }], resolved: { at: T0, by: 'user' } })),
    );
    const v = validateSpecTaskRecord(JSON.parse(JSON.stringify(r)));
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  it('reads the orchestrator\u2019s plain entries (no author, no line) with defaults', () => {
    const c = fromRecord({
      id: 'c1-0',
      document: 'requirements.md',
      comment: 'Overall: shorter',
      createdAt: '2026-01-01T00:00:00Z',
    });
    assert.deepEqual(c, {
      id: 'c1-0',
      document: 'requirements.md',
      line: 1,
      quote: '',
      body: 'Overall: shorter',
      author: 'unknown',
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      replies: [],
    });
  });

  it('ignores entries about other documents and keeps them in place on upsert', () => {
    const other: SpecTaskReviewComment = {
      id: 'x',
      document: 'notes.md',
      comment: 'keep me',
      createdAt: '2026-01-01T00:00:00Z',
    };
    assert.equal(fromRecord(other), undefined);
    const records = [other, toRecord(comment())];
    assert.equal(commentsOf(records).length, 1);
    upsertRecords(records, [comment({ body: 'Use Redis, please.' }), comment({ id: 'rc-2', line: 9 })]);
    assert.deepEqual(
      records.map((r) => [r.id, r.comment]),
      [
        ['x', 'keep me'],
        ['rc-1', 'Use Redis, please.'],
        ['rc-2', 'Use Redis.'],
      ],
    );
    upsertRecords(records, [], ['rc-1']);
    assert.deepEqual(
      records.map((r) => r.id),
      ['x', 'rc-2'],
    );
  });

  it('keeps unknown fields of an entry and drops a resolution that was undone', () => {
    const prev = {
      ...toRecord(comment({ resolved: { at: T0, by: 'user' } })),
      fromNewerWriter: 42,
    } as SpecTaskReviewComment;
    const next = toRecord(comment(), prev) as SpecTaskReviewComment & { fromNewerWriter?: number; resolvedBy?: string };
    assert.equal(next.fromNewerWriter, 42);
    assert.equal(next.resolvedAt, undefined);
    assert.equal(next.resolvedBy, undefined);
  });

  it('marks the sent comments and the orchestrator\u2019s new overall entry as sent in the revision', () => {
    const records: SpecTaskReviewComment[] = [
      toRecord(comment({ id: 'a' })),
      toRecord(comment({ id: 'b', resolved: { at: T0, by: 'user' } })),
      toRecord(comment({ id: 'c' })),
      {
        id: 'c99-0',
        document: 'requirements.md',
        line: 1,
        quote: '',
        comment: 'Overall: tighten scope',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ];
    assert.equal(markSent(records, new Set(['a', 'b']), 'Overall: tighten scope', new Set(['a', 'b', 'c']), 1), true);
    const got = commentsOf(records);
    assert.deepEqual(
      got.map((c) => [c.id, c.sentInRevision, !!c.overall]),
      [
        ['a', 1, false],
        ['b', undefined, false],
        ['c', undefined, false],
        ['c99-0', 1, true],
      ],
    );
    assert.equal(markSent(records, new Set(['a']), undefined, new Set(), 1), false, 'no change the second time');
    assert.equal(
      markSent(records, new Set(['a']), undefined, new Set(), 2),
      true,
      'a comment sent again carries the newer revision',
    );
  });

  it('resolves an overall comment once its revision came back for review, not before', () => {
    const c = comment({ overall: true, quote: '', sentInRevision: 2 });
    assert.deepEqual(resolveAnsweredOverall([c], 'spec_generation', 2, 9), []);
    assert.deepEqual(resolveAnsweredOverall([c], 'spec_review', 1, 9), []);
    const [r] = resolveAnsweredOverall([c, comment()], 'spec_review', 2, 9);
    assert.deepEqual(r.resolved, { at: 9, by: 'auto', reason: 'answered by revision 2' });
  });

  it('makes distinct ids', () => {
    let n = 0;
    const rnd = () => (n++ % 2) / 2;
    assert.notEqual(newCommentId(T0, rnd), newCommentId(T0, rnd));
    assert.match(newCommentId(T0), /^rc-[0-9a-z]+-[0-9a-z]{6}$/);
  });

  it('gives a reused id a unique one, so a reply to the second entry never overwrites the first (test/faults/fuzzReviewComments)', () => {
    const other: SpecTaskReviewComment = {
      id: 'rc-1',
      document: 'notes.md',
      comment: 'not a spec comment',
      createdAt: '2026-01-01T00:00:00Z',
    };
    const records = [toRecord(comment()), toRecord(comment({ body: 'second', line: 9 })), other];
    const [first, second] = commentsOf(records);
    assert.deepEqual([first.id, second.id], ['rc-1', 'rc-1~2']);
    upsertRecords(records, [{ ...second, replies: [{ author: 'bo', body: 'yes', at: T0 }] }]);
    assert.deepEqual(
      records.map((r) => [r.id, r.comment, r.document]),
      [
        ['rc-1', 'Use Redis.', 'design.md'],
        ['rc-1~2', 'second', 'design.md'],
        ['rc-1', 'not a spec comment', 'notes.md'],
      ],
    );
    assert.equal(commentsOf(records)[0].replies.length, 0);
    upsertRecords(records, [], ['rc-1']);
    assert.deepEqual(
      records.map((r) => r.id),
      ['rc-1~2', 'rc-1'],
      'removing a comment leaves another document\u2019s entry with the same id',
    );
  });

  it('reads a hand-written time Date cannot hold as the fallback, so the next write does not throw (test/faults/fuzzReviewComments)', () => {
    const entry = {
      ...toRecord(comment()),
      replies: [
        { author: 'x', body: 'far future', at: 1e300 },
        { author: 'y', body: 'fraction', at: 1.5 },
      ],
    } as SpecTaskReviewComment;
    const c = fromRecord(entry)!;
    assert.deepEqual(
      c.replies.map((r) => r.at),
      [T0, 1],
    );
    assert.doesNotThrow(() =>
      toRecord({ ...c, replies: [...c.replies, { author: 'z', body: 'reply', at: T0 }] }, entry),
    );
  });
});
