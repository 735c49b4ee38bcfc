import * as assert from 'node:assert/strict';
import { approvalGate } from '../../../src/core/review/approvalGate';
import {
  autoResolve,
  contentHash,
  isAddressed,
  relocate,
  reviewedRevision,
  type ReviewComment,
} from '../../../src/core/review/reviewComments';

const comment = (over: Partial<ReviewComment> = {}): ReviewComment => ({
  id: 'c1',
  document: 'design.md',
  line: 3,
  quote: 'Store sessions in memory',
  body: 'Use Redis.',
  author: 'me',
  createdAt: 1,
  replies: [],
  ...over,
});
const docs = {
  'requirements.md': '# Requirements: X\n',
  'design.md': '# Design: X\n\nStore sessions in memory.\n',
  'tasks.md': '# Implementation Tasks: X\n- [ ] T1: a\n',
};

describe('review comments', () => {
  it('resolve themselves when the quoted text disappears, not when only whitespace changes', () => {
    assert.deepEqual(autoResolve([comment()], { 'design.md': '# Design: X\n\nStore   sessions\nin memory.' }, 5), []);
    const [r] = autoResolve([comment()], { 'design.md': '# Design: X\n\nStore sessions in Redis.' }, 5);
    assert.equal(r.resolved?.by, 'auto');
    assert.equal(r.resolved?.at, 5);
  });

  it('are left alone when the document cannot be read, already resolved, or quote nothing', () => {
    assert.deepEqual(autoResolve([comment()], {}, 5), []);
    assert.deepEqual(autoResolve([comment({ resolved: { at: 1, by: 'user' } })], { 'design.md': '' }, 5), []);
    assert.deepEqual(autoResolve([comment({ quote: '' })], { 'design.md': '' }, 5), []);
  });

  it('follow their text to its new line, nearest occurrence first', () => {
    assert.equal(relocate(comment({ line: 3 }), 'a\nb\nc\nd\nStore sessions in memory.'), 5);
    assert.equal(relocate(comment({ line: 3 }), 'nothing here'), 3);
  });

  it('follow their text in a file with lone-CR line ends, and a quote of several lines (test/faults/fuzzReviewComments)', () => {
    assert.equal(relocate(comment({ line: 1 }), 'a\rb\rStore sessions in memory.\r'), 3);
    const two = comment({ line: 2, quote: 'first line\nsecond line' });
    assert.equal(relocate(two, 'x\ny\nz\n first   line \r\n\tsecond line\n'), 4);
  });
});

describe('approval gate', () => {
  const viewedAll = Object.fromEntries(Object.entries(docs).map(([k, v]) => [k, contentHash(v)]));

  it('opens when every document was viewed at its current content and no comment is open', () => {
    assert.deepEqual(approvalGate(docs, viewedAll, [comment({ resolved: { at: 2, by: 'user' } })]), {
      canApprove: true,
    });
  });

  it('says which documents still need opening', () => {
    const g = approvalGate(docs, { 'design.md': viewedAll['design.md'] }, []);
    assert.deepEqual(g, {
      canApprove: false,
      reasons: ['open requirements.md to review it', 'open tasks.md to review it'],
    });
  });

  it('asks to re-open a document that changed since it was viewed', () => {
    const g = approvalGate({ ...docs, 'tasks.md': docs['tasks.md'] + '- [ ] T2: b\n' }, viewedAll, []);
    assert.ok(!g.canApprove && g.reasons[0] === 'tasks.md changed since you opened it; open it again');
  });

  it('blocks on open comments and missing documents', () => {
    const g = approvalGate({ 'design.md': docs['design.md'] }, viewedAll, [comment(), comment({ id: 'c2' })]);
    assert.ok(!g.canApprove);
    assert.deepEqual(g.reasons, [
      'requirements.md is missing',
      'tasks.md is missing',
      '2 open comments (resolve or send them with Request changes)',
    ]);
  });

  it('no longer blocks on a comment the revision under review addressed (issue 22), until then it does', () => {
    const sent = comment({ sentInRevision: 1 });
    // While the agent revises (spec_revision, spec_generation) nothing is answered yet.
    assert.equal(reviewedRevision('spec_revision', 1), undefined);
    assert.ok(!approvalGate(docs, viewedAll, [sent], reviewedRevision('spec_generation', 1)).canApprove);
    // Revision 1 is back for review: the comment was addressed; a comment made since still blocks.
    assert.equal(reviewedRevision('spec_review', 1), 1);
    assert.ok(isAddressed(sent, 1));
    assert.deepEqual(approvalGate(docs, viewedAll, [sent], 1), { canApprove: true });
    const fresh = comment({ id: 'c2' });
    assert.ok(!isAddressed(fresh, 1));
    assert.deepEqual(approvalGate(docs, viewedAll, [sent, fresh], 1), {
      canApprove: false,
      reasons: ['1 open comment (resolve or send them with Request changes)'],
    });
    // Sent in revision 2 while revision 1 is reviewed (cannot happen in order, but never counts early).
    assert.ok(!isAddressed(comment({ sentInRevision: 2 }), 1));
  });
});
