import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ItemState } from '../../../src/core/checklist/checklistTypes';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { setItemState } from '../../../src/core/checklist/setItemState';

// Property tests for the checklist engine (issue 3): generated markdown with random nesting, fences, HTML
// comments, quotes, CRLF/CR/LF, BOM and unicode. parse → mark → parse must change exactly one item and one byte.

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

const words = fc
  .array(
    fc.oneof(
      fc.constantFrom('add', 'login', 'x', 'T1:', '[ ]', '`code`', '*em*', '<b>', '~~', '-', '1.', '>', '#'),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 6 },
  )
  .map((ws) => ws.join(' ').replace(/[\r\n]/g, ' '));
const marker = fc.constantFrom('[ ]', '[~]', '[x]', '[X]', '[y]', '[ ]', '[]');
const bullet = fc.constantFrom('-', '*', '+', '1.', '2)', '10.');
const trailing = fc.constantFrom('', '', ' ', '  ', '\t');

/** One block of lines (without line ends). */
const block: fc.Arbitrary<string[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), bullet, marker, words, trailing), { minLength: 1, maxLength: 8 })
      .map((rows) => {
        // Indent children under the previous item's content column so nesting is real, not accidental code.
        const lines: string[] = [];
        const cols: number[] = [0];
        for (const [wantDepth, b, m, w, t] of rows) {
          const depth = Math.min(wantDepth, cols.length - 1);
          cols.length = depth + 1;
          const indent = ' '.repeat(cols[depth]);
          lines.push(`${indent}${b} ${m} ${w}${t}`);
          cols.push(cols[depth] + b.length + 1);
        }
        return lines;
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('```', '~~~', '````'), fc.array(fc.tuple(bullet, marker, words), { maxLength: 3 }))
      .map(([f, rows]) => [f, ...rows.map(([b, m, w]) => `${b} ${m} ${w}`), f]),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(marker, words), { minLength: 1, maxLength: 3 })
      .map((rows) => ['<!--', ...rows.map(([m, w]) => `- ${m} ${w}`), '-->']),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(marker, words), { minLength: 1, maxLength: 3 })
      .map((rows) => rows.map(([m, w]) => `> - ${m} ${w}`)),
  },
  { weight: 1, arbitrary: fc.tuple(marker, words).map(([m, w]) => [`    - ${m} ${w}`]) },
  { weight: 2, arbitrary: words.map((w) => [w]) },
  { weight: 1, arbitrary: words.map((w) => [`# ${w}`]) },
);

const eol = fc.constantFrom('\n', '\r\n', '\r');
const document = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(block, fc.boolean()), { maxLength: 8 }),
    eol,
    fc.oneof(fc.constant(undefined), eol),
    fc.boolean(),
  )
  .map(([bom, blocks, nl, otherNl, finalNl]) => {
    const lines = blocks.flatMap(([b, blank]) => (blank ? [...b, ''] : b));
    const text = lines
      .map((l, i) => l + (i < lines.length - 1 || finalNl ? (otherNl && i % 3 === 1 ? otherNl : nl) : ''))
      .join('');
    return Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  });

const STATES: ItemState[] = ['todo', 'doing', 'done'];

describe('checklist engine (property tests)', function () {
  this.timeout(60_000);

  it(`parse → mark → parse changes exactly one item and one byte (${RUNS} documents)`, () => {
    let docsWithItems = 0;
    fc.assert(
      fc.property(document, fc.nat(), fc.nat(), (doc, pick, statePick) => {
        const before = parseChecklist(doc);
        if (before.items.length === 0) return;
        docsWithItems++;
        const target = before.items[pick % before.items.length];
        const others = STATES.filter((s) => s !== target.state);
        const state = others[statePick % others.length];
        const { document: out, changed } = setItemState(doc, { index: target.index }, state);
        assert.equal(changed, true);
        assert.equal(out.length, doc.length, 'no byte lost or added');
        const diffs: number[] = [];
        for (let i = 0; i < doc.length; i++) if (doc[i] !== out[i]) diffs.push(i);
        assert.deepEqual(diffs, [target.markerOffset], 'exactly the marker byte changed');
        const after = parseChecklist(out);
        assert.equal(after.items.length, before.items.length, 'same number of items');
        after.items.forEach((it, i) => {
          const old = before.items[i];
          if (i === target.index) {
            assert.equal(it.state, state);
            assert.deepEqual({ ...it, state: old.state, markerChar: old.markerChar }, old);
          } else assert.deepEqual(it, old);
        });
      }),
      { numRuns: RUNS },
    );
    assert.ok(docsWithItems > RUNS / 3, `the generator produced too few checklists (${docsWithItems})`);
  });

  it('never throws on arbitrary text or bytes, and every reported marker really is a marker', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s, 'utf8')),
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        ),
        (bytes) => {
          for (const it of parseChecklist(bytes).items) {
            assert.equal(bytes[it.markerOffset - 1], 0x5b);
            assert.equal(bytes[it.markerOffset + 1], 0x5d);
            assert.ok(' ~xX'.includes(String.fromCharCode(bytes[it.markerOffset])));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
