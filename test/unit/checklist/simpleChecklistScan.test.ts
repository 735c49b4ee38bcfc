import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasUtf8Bom, lineStartOffsets } from '../../../src/core/checklist/lineIndex';
import { checklistProgress } from '../../../src/core/checklist/checklistFocus';
import {
  checklistItemAt,
  checklistProgressOf,
  parseChecklist,
  parseChecklistWithMarkdownIt,
} from '../../../src/core/checklist/parseChecklist';
import { scanSimpleChecklist } from '../../../src/core/checklist/simpleChecklistScan';
import { tasksTemplate } from '../../../src/core/docs/specTaskTemplates';

// The line scanner (issue 24) must give exactly what markdown-it gives, or step aside (undefined). These tests
// compare the two on generated documents shaped like real checklists, with every construct the scanner does
// not model mixed in, and on the cases that need care.

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

function scan(doc: Buffer) {
  let text = doc.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const starts = lineStartOffsets(doc);
  if (hasUtf8Bom(doc)) starts[0] = 3;
  return scanSimpleChecklist(text, { lineStarts: starts });
}

const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('add', 'login', 'Fix', 'the', 'route', 'tests', 'é', '日本', '🙂') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('T1:', 'T2.1:', '<!-- id: A1 -->', '`code`', '*em*', '|', '<b>', '[ ]', '#', '\\'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => s.replace(/[\r\n]/g, ' ')) },
);
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
const marker = fc.constantFrom('[ ]', '[~]', '[x]', '[X]', '[ ]', '[y]', '[]', '[ ]:', '[x]\u00a0');
const bullet = fc.constantFrom('-', '-', '*', '+', '1.', '2.', '1)', '10.');
const gap = fc.constantFrom(' ', ' ', ' ', '  ', '   ', '     ', '\t');

/** A line of the kind agents write, or one of the constructs the scanner must hand to markdown-it. */
const line: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom(0, 0, 0, 2, 2, 4, 3, 5, 6, 9), bullet, gap, marker, words, fc.constantFrom('', ' ', '\t'))
      .map(([indent, b, g, m, w, t]) => `${' '.repeat(indent)}${b}${g}${m} ${w}${t}`),
  },
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: words.map((w) => `## ${w}`) },
  { weight: 2, arbitrary: words.map((w) => (/^[A-Za-z]/.test(w) ? w : `Note ${w}`)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => `${' '.repeat(n)}${'- note'}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '```',
      '~~~',
      '````',
      '  ```',
      '```js',
      '> - [ ] quoted',
      '<!--',
      '-->',
      '<div>',
      '---',
      '===',
      '***',
      '- - -',
      '| a | b |',
      '--|--',
      '\t- [ ] tabbed',
      '  continued text',
      '\u00a0- [ ] nbsp',
      '-',
      '[ref]: /url',
      '# ',
      '#tag',
      '1. ',
      'a\0b',
    ),
  },
);

const eol = fc.constantFrom('\n', '\r\n', '\r');
const document = fc
  .tuple(fc.boolean(), fc.array(line, { maxLength: 14 }), eol, fc.boolean())
  .map(([bom, lines, nl, finalNl]) =>
    Buffer.from((bom ? '\uFEFF' : '') + lines.join(nl) + (finalNl ? nl : ''), 'utf8'),
  );

/** Only what agents write: the scanner must take most of these itself. */
const cleanLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(0, 0, 2, 4), fc.constantFrom('-', '*', '1.'), fc.constantFrom('[ ]', '[~]', '[x]'), words)
      .map(([indent, b, m, w]) => `${' '.repeat(indent)}${b} ${m} ${w}`),
  },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: words.map((w) => `## ${w}`) },
);
const cleanDocument = fc
  .tuple(fc.array(cleanLine, { minLength: 1, maxLength: 30 }), eol)
  .map(([lines, nl]) => Buffer.from(`# Tasks${nl}${nl}${lines.join(nl)}${nl}`, 'utf8'));

describe('checklist line scanner (issue 24)', function () {
  this.timeout(60_000);

  it(`gives markdown-it's items and problems, or steps aside (${RUNS} documents)`, () => {
    let accepted = 0;
    let acceptedWithItems = 0;
    fc.assert(
      fc.property(document, (doc) => {
        const fast = scan(doc);
        if (fast === undefined) return;
        accepted++;
        if (fast.items.length > 0) acceptedWithItems++;
        assert.deepEqual(fast, parseChecklistWithMarkdownIt(doc));
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > 0 && acceptedWithItems > 0, 'the mixed documents never reached the comparison');
  });

  it(`takes most documents shaped like agents' checklists itself, with markdown-it's result (${RUNS})`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(cleanDocument, (doc) => {
        const fast = scan(doc);
        if (fast === undefined) return;
        accepted++;
        assert.deepEqual(fast, parseChecklistWithMarkdownIt(doc));
      }),
      { numRuns: RUNS },
    );
    // A scanner that always stepped aside would pass the comparison: it must take the usual shapes itself.
    assert.ok(accepted > RUNS * 0.6, `the scanner took only ${accepted} of ${RUNS} plain checklists`);
  });

  it(`finds one item by position, and the counts, exactly as the whole parse gives them (${RUNS} documents)`, () => {
    fc.assert(
      fc.property(fc.oneof(document, cleanDocument), (doc) => {
        const { items } = parseChecklist(doc);
        for (let i = -1; i <= items.length; i++)
          assert.deepEqual(checklistItemAt(doc, i), { item: items[i], count: items.length }, `index ${i}`);
        assert.deepEqual(checklistProgressOf(doc), checklistProgress(items), 'the counts, building no item');
      }),
      { numRuns: RUNS },
    );
    const dup = Buffer.from('- [ ] T1: a\n- [x] T1: b\n', 'utf8');
    assert.deepEqual(checklistItemAt(dup, 1).item, parseChecklist(dup).items[1], 'a duplicate id is kept');
  });

  it('takes the shapes agents write: nesting, ordered lists, headings, fences, ids, CRLF, a BOM', () => {
    const doc = Buffer.from(
      '\uFEFF# Tasks\r\n\r\nSome words first.\r\n\r\n- [x] T1: one <!-- id: X1 -->\r\n  - [~] two\r\n' +
        '    1. [ ] three\r\n    2. [X] four\r\n- [ ] five\r\n\r\n```\r\n- [ ] not an item\r\n```\r\n' +
        '## More\r\n* [ ] six\r\n',
      'utf8',
    );
    const fast = scan(doc);
    assert.ok(fast, 'the scanner takes this document');
    assert.deepEqual(parseChecklist(doc), fast, 'the same through the ASCII-free offsets of parseChecklist');
    assert.deepEqual(fast, parseChecklistWithMarkdownIt(doc));
    assert.deepEqual(
      fast.items.map((i) => [i.text, i.depth, i.state]),
      [
        ['one', 0, 'done'],
        ['two', 1, 'doing'],
        ['three', 2, 'todo'],
        ['four', 2, 'done'],
        ['five', 0, 'todo'],
        ['six', 0, 'todo'],
      ],
    );
  });

  for (const [name, source] of [
    ['an ordered item other than 1 right after an item (lazy text in markdown-it)', '- [ ] a\n  2. [ ] b\n'],
    ['text continuing an item at the margin', '- [ ] a\nmore text\n- [ ] b\n'],
    ['a fence opened inside an item', '- ```\n- [ ] inside\n'],
    ['a table whose delimiter row looks like a list item', '- a | b\n  - | -\n  - [ ] c\n'],
    ['a marker followed by a no-break space', '- [ ]\u00a0a\n'],
    ['indented code after a paragraph', 'text\n\n    - [ ] code\n'],
    ['a setext underline under an item', '- [ ] a\n  ---\n'],
    ['a list interrupting a paragraph', 'text\n- [ ] a\n'],
  ] as const) {
    it(`steps aside, and the parse agrees with markdown-it: ${name}`, () => {
      const doc = Buffer.from(source, 'utf8');
      assert.equal(scan(doc), undefined);
      assert.deepEqual(parseChecklist(doc), parseChecklistWithMarkdownIt(doc));
    });
  }

  it("takes HTML comments at the margin (a new SpecTask's template) with markdown-it's result", () => {
    const docs = [
      tasksTemplate('Add login'),
      '# T\n\n<!--\n- [ ] hidden\n-->\n- [ ] shown\n',
      '# T\n\n- [ ] one\n<!-- note -->\n- [x] two\n',
      'Some words\n<!--\n- [ ] hidden\n--> trailing - [ ] text\n- [~] shown\n',
      '<!-->\n- [ ] after an empty comment\n',
      '<!---->\n- [ ] after another\n',
      '<!-- never closed\n- [ ] hidden\n\n- [x] hidden too\n',
      '- [ ] a\n  - [ ] b\n<!-- x\n  - [ ] c\n-->\n  - [ ] d\n',
      '<!-- a -->\r\n- [ ] crlf\r\n<!--\r- [ ] cr\r-->\r- [x] cr2\r',
      '<!--\n```\n-->\n- [ ] not fenced\n```\n- [ ] fenced\n```\n',
    ];
    for (const text of docs) {
      const doc = Buffer.from(text, 'utf8');
      const fast = scan(doc);
      assert.ok(fast, `taken by the scanner: ${JSON.stringify(text)}`);
      assert.deepEqual(fast, parseChecklistWithMarkdownIt(doc), JSON.stringify(text));
    }
  });
});
