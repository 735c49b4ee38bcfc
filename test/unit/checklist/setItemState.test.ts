import * as assert from 'node:assert/strict';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { setItemState } from '../../../src/core/checklist/setItemState';

function diffPositions(a: Uint8Array, b: Uint8Array): number[] {
  assert.equal(a.length, b.length, 'length changed');
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe('setItemState', () => {
  it('changes exactly the marker byte, keeping CRLF, BOM and trailing spaces', () => {
    const before = Buffer.from('\uFEFF# Tasks\r\n\r\n- [ ] one   \r\n- [ ] two\t\r\n', 'utf8');
    const r = setItemState(before, { index: 1 }, 'doing');
    assert.equal(r.changed, true);
    assert.equal(r.before, 'todo');
    const diff = diffPositions(before, r.document);
    assert.equal(diff.length, 1);
    assert.equal(String.fromCharCode(r.document[diff[0]]), '~');
    assert.equal(Buffer.from(r.document).toString('utf8'), '\uFEFF# Tasks\r\n\r\n- [ ] one   \r\n- [~] two\t\r\n');
  });

  it('addresses items by id and by text, and returns strings for strings', () => {
    const src = '- [ ] T1: first\n- [ ] second <!-- id: s2 -->\n';
    assert.equal(setItemState(src, { id: 'T1' }, 'done').document, '- [x] T1: first\n- [ ] second <!-- id: s2 -->\n');
    assert.equal(setItemState(src, { id: 's2' }, 'doing').document, '- [ ] T1: first\n- [~] second <!-- id: s2 -->\n');
    assert.equal(
      setItemState(src, { text: '  SECOND ' }, 'done').document,
      '- [ ] T1: first\n- [x] second <!-- id: s2 -->\n',
    );
  });

  it('leaves the document untouched when the state is already set (an upper-case X stays)', () => {
    const src = Buffer.from('- [X] done\n');
    const r = setItemState(src, { index: 0 }, 'done');
    assert.equal(r.changed, false);
    assert.equal(r.document, src);
  });

  it('throws a clear error for an unknown item and never mutates the input buffer', () => {
    const src = Buffer.from('- [ ] a\n');
    assert.throws(
      () => setItemState(src, { index: 3 }, 'done'),
      /no checklist item at index 3 \(the checklist has 1 items\)/,
    );
    assert.throws(() => setItemState(src, { id: 'nope' }, 'done'), /no checklist item with id 'nope'/);
    const r = setItemState(src, { index: 0 }, 'done');
    assert.equal(src.toString(), '- [ ] a\n');
    assert.equal(parseChecklist(r.document).items[0].state, 'done');
  });

  it('changes only the marker of a string that holds a lone surrogate (no U+FFFD from a UTF-8 round trip)', () => {
    // Found by test/faults/fuzzChecklistWriter.test.ts: the string path re-decoded the bytes.
    const src = '\uFEFF- [ ] a \uD800 b 🚀\r- [ ] c \uDFFF\n';
    assert.equal(setItemState(src, { index: 1 }, 'done').document, '\uFEFF- [ ] a \uD800 b 🚀\r- [x] c \uDFFF\n');
  });
});
