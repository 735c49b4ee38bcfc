import * as assert from 'node:assert/strict';
import { approvalGate } from '../../../src/core/review/approvalGate';
import { contentHash } from '../../../src/core/review/reviewComments';
import { gateSummary, nextToOpen, pruneViewed, recordView } from '../../../src/vscode/review/specDocs';

describe('spec documents', () => {
  it('records views by content hash and returns the same state when nothing changed', () => {
    const s1 = recordView({}, '000001', 'design.md', 'v1');
    assert.equal(s1['000001']['design.md'], contentHash('v1'));
    assert.equal(recordView(s1, '000001', 'design.md', 'v1'), s1);
    const s2 = recordView(s1, '000001', 'tasks.md', 't');
    assert.deepEqual(Object.keys(s2['000001']).sort(), ['design.md', 'tasks.md']);
    assert.equal(s1['000001']['tasks.md'], undefined, 'the old state is not mutated');
  });

  it('prunes SpecTasks that are gone', () => {
    const s = { a: { 'design.md': 'h' }, b: {} };
    assert.deepEqual(pruneViewed(s, new Set(['a'])), { a: { 'design.md': 'h' } });
    assert.equal(pruneViewed(s, new Set(['a', 'b'])), s);
  });

  it('says which document to open next, in review order, again after it changes', () => {
    const docs = { 'requirements.md': 'r', 'design.md': 'd', 'tasks.md': 't' };
    assert.equal(nextToOpen(docs, {}), 'requirements.md');
    assert.equal(nextToOpen(docs, { 'requirements.md': contentHash('r') }), 'design.md');
    const all = { 'requirements.md': contentHash('r'), 'design.md': contentHash('d'), 'tasks.md': contentHash('t') };
    assert.equal(nextToOpen(docs, all), undefined);
    assert.equal(nextToOpen({ ...docs, 'design.md': 'd2' }, all), 'design.md');
  });

  it('summarizes the gate in one line', () => {
    assert.equal(gateSummary({ canApprove: true }), 'Ready to approve');
    const g = approvalGate(
      { 'requirements.md': 'r', 'design.md': 'd', 'tasks.md': 't' },
      { 'requirements.md': contentHash('r'), 'tasks.md': contentHash('t') },
      [{ id: 'x', document: 'design.md', line: 1, quote: 'd', body: 'b', author: 'a', createdAt: 0, replies: [] }],
    );
    assert.equal(gateSummary(g), 'Approve blocked: open design.md to review it · 1 open comment');
  });
});
