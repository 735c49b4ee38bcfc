import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChecklistItemNotFoundError } from '../../src/core/checklist/checklistFocus';
import type { ItemRef, ItemState } from '../../src/core/checklist/checklistTypes';
import { MARKER_CHAR } from '../../src/core/checklist/markers';
import { parseChecklist } from '../../src/core/checklist/parseChecklist';
import { setItemState } from '../../src/core/checklist/setItemState';
import { recordInput, recordViolation, tally } from './counters';

// Issue 10, "Bad input" for the checklist WRITER (the one place that rewrites tasks.md bytes an agent or a
// person wrote). Documents are built from blocks whose truth is known: real items carry a unique tag ⟦Rn⟧,
// look-alikes inside fences, comments, quotes, HTML blocks and indented code carry ⟦Dn⟧ and must never be
// items. Every write must change exactly the marker byte, parse back to the new state, and a reference that
// matches nothing must be refused with ChecklistItemNotFoundError — any other throw is a crash.
const RUNS = Number(process.env.FAULTS_CHECKLIST_RUNS || 800);
const A_WRITE = 'checklist writer: generated documents';
const A_STALE = 'checklist writer: stale references';
const A_SEQ = 'checklist writer: write sequences';

const STATES: readonly ItemState[] = ['todo', 'doing', 'done'];
const EOLS = ['\n', '\r\n', '\r'] as const;

/** Free text for one line: any unicode (lone surrogates, RTL marks, NUL, emoji, markdown/HTML) but no line break. */
const lineText = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    {
      weight: 3,
      arbitrary: fc
        .array(
          fc.constantFrom(
            'add',
            '`code`',
            '**b**',
            '<!--',
            '-->',
            '<div>',
            '[ ]',
            '[x]',
            '- [ ]',
            '\u202e',
            '\u200f',
            '\u2028',
            '\t',
            '\\',
            '|',
            '#',
            '&amp;',
            '<script>',
            '🚀',
            '名前',
            '\u0000',
            '\ufeff',
            '\ud800',
            '\udfff',
          ),
          { maxLength: 8 },
        )
        .map((ws) => ws.join(' ')),
    },
    { weight: 1, arbitrary: fc.integer({ min: 2000, max: 20_000 }).map((n) => 'long '.repeat(n / 5)) },
  )
  .map((s) => s.replace(/[\r\n]/g, ' '));

/** Hands out the next unique tag of a kind: ⟦R7⟧ for a real item, ⟦D3⟧ for a look-alike. */
type Tagger = (kind: 'R' | 'D') => string;

interface Block {
  lines: string[];
  /** Tags of the real items, in order, with their state and whether they carry an id. */
  real: { tag: string; state: ItemState; id?: string }[];
}

const markerFor = (s: ItemState, upper: boolean) => (s === 'done' ? (upper ? 'X' : 'x') : MARKER_CHAR[s]);

/** Columns → an indent string made of spaces and tabs (tab stops every 4 columns, as markdown counts them). */
const indentOf = (cols: number, tabs: boolean) => (tabs ? '\t'.repeat(cols / 4) : ' '.repeat(cols));

/** A list of real items, nested up to depth 3, one bullet style per block so no item becomes lazy text. */
const listBlock = fc
  .record({
    bullet: fc.constantFrom('-', '*', '+', '1.', '1)'),
    gap: fc.constantFrom(' ', '\t', '  '),
    tabs: fc.boolean(),
    rows: fc.array(
      fc.record({
        depth: fc.nat({ max: 3 }),
        state: fc.constantFrom(...STATES),
        upper: fc.boolean(),
        id: fc.constantFrom('none', 'prefix', 'comment'),
        text: lineText,
        after: fc.constantFrom(' ', '\t'),
        trail: fc.constantFrom('', ' ', '  ', '\t'),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ bullet, gap, tabs, rows }) => (tag: Tagger): Block => {
    const lines: string[] = [];
    const real: Block['real'] = [];
    let depth = 0;
    for (const [i, r] of rows.entries()) {
      depth = i === 0 ? 0 : Math.min(r.depth, depth + 1);
      const t = tag('R');
      const id = r.id === 'none' ? undefined : `${r.id === 'prefix' ? 'T' : 'Q'}${t.slice(2, -1)}`;
      const body =
        r.id === 'prefix'
          ? `${id}: ${r.text} ${t}`
          : r.id === 'comment'
            ? `${r.text} ${t} <!-- id: ${id} -->`
            : `${r.text} ${t}`;
      // Depth d sits at column 4d: inside its parent's content (which starts at 4(d-1)+2..4) and not code.
      lines.push(
        `${indentOf(4 * depth, tabs)}${bullet}${gap}[${markerFor(r.state, r.upper)}]${r.after}${body}${r.trail}`,
      );
      real.push({ tag: t, state: r.state, id });
    }
    return { lines, real };
  });

/** Look-alike items that markdown says are not items. Each is a complete block. */
const decoyBlock = fc
  .record({
    kind: fc.constantFrom(
      'fence',
      'tilde',
      'comment',
      'comment-blank',
      'inline-comment',
      'quote',
      'indented',
      'html',
      'no-space',
      'bad-marker',
      'no-bullet',
      'lazy',
    ),
    marker: fc.constantFrom(' ', '~', 'x', 'X'),
    text: lineText,
  })
  .map(({ kind, marker, text }) => (tag: Tagger): Block => {
    const item = `- [${marker}] ${text} ${tag('D')}`;
    const lines: Record<typeof kind, string[]> = {
      fence: ['```md', item, `1. [${marker}] ${tag('D')}`, '```'],
      tilde: ['~~~~', item, '~~~~'],
      comment: ['<!--', item, '-->'],
      'comment-blank': ['<!-- an example', '', item, '', '-->'],
      'inline-comment': [`<!-- ${item} -->`],
      quote: [`> ${item}`, `> * [${marker}] ${tag('D')}`],
      indented: ['# Example', '', `    ${item}`],
      html: ['<div>', item, '</div>'],
      'no-space': [`- [${marker}]${tag('D')}`],
      'bad-marker': [`- [y] ${tag('D')}`, `- [] ${tag('D')}`, `- [xx] ${tag('D')}`],
      'no-bullet': [`[${marker}] ${tag('D')}`],
      lazy: [
        'A paragraph that goes on',
        `2. [${marker}] ${tag('D')} (an ordered list not starting at 1 cannot interrupt a paragraph)`,
      ],
    };
    return { lines: lines[kind], real: [] };
  });

const plainBlock = fc.oneof(
  lineText.map((t) => [`# ${t}`]),
  lineText.map((t) => [t.replace(/^[\s\-*+>#\d<`~|=]+/, '') || 'text']),
);

interface Doc {
  /** The document as a JS string: may hold lone surrogates, which no UTF-8 file can. */
  text: string;
  bytes: Buffer;
  real: Block['real'];
}

const documentArb: fc.Arbitrary<Doc> = fc
  .record({
    bom: fc.boolean(),
    blocks: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: listBlock },
        { weight: 3, arbitrary: decoyBlock },
        { weight: 1, arbitrary: plainBlock.map((lines) => () => ({ lines, real: [] }) as Block) },
      ),
      { minLength: 1, maxLength: 10 },
    ),
    eols: fc.array(fc.constantFrom(...EOLS), { minLength: 1, maxLength: 5 }),
    finalEol: fc.boolean(),
  })
  .map(({ bom, blocks, eols, finalEol }) => {
    const next = { R: 0, D: 0 };
    const tag: Tagger = (kind) => `⟦${kind}${next[kind]++}⟧`;
    const lines: string[] = [];
    const real: Block['real'] = [];
    for (const make of blocks) {
      const b = make(tag);
      lines.push(...b.lines, '');
      real.push(...b.real);
    }
    let text = '';
    for (const [i, l] of lines.entries()) {
      text += l;
      if (i === lines.length - 1 && !finalEol) break;
      // A CR ending followed by an empty line ending in LF would read as one CRLF and swallow the blank line.
      const eol = eols[i % eols.length];
      text += eol === '\n' && l === '' && text.endsWith('\r') ? '\r' : eol;
    }
    const withBom = (bom ? '\ufeff' : '') + text;
    return { text: withBom, bytes: Buffer.from(withBom, 'utf8'), real };
  });

/** Positions where two buffers differ (a length change counts as a difference at the shorter length). */
function diffPositions(a: Uint8Array, b: Uint8Array): number[] {
  const out: number[] = [];
  if (a.length !== b.length) out.push(Math.min(a.length, b.length));
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 5; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

const tagOf = (text: string) => /⟦[RD]\d+⟧/.exec(text)?.[0];
const short = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString('utf8').slice(0, 160));

/** Calls the writer and sorts the outcome: a clean refusal, a result, or a crash (any other throw). */
function attempt<T extends string | Uint8Array>(
  doc: T,
  ref: ItemRef,
  state: ItemState,
): { ok: ReturnType<typeof setItemState<T>> } | { refused: string } | { crash: string } {
  try {
    return { ok: setItemState(doc, ref, state) };
  } catch (e) {
    if (e instanceof ChecklistItemNotFoundError && e.message.length > 0) return { refused: e.message };
    return { crash: (e as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(e) };
  }
}

describe('faults: checklist writer under hostile markdown', function () {
  this.timeout(600_000);

  it(`${RUNS} generated documents: items are exactly the real ones, and any write changes exactly the marker byte`, () => {
    fc.assert(
      fc.property(
        documentArb,
        fc.nat(),
        fc.constantFrom(...STATES),
        fc.constantFrom('index', 'id', 'text'),
        fc.boolean(),
        (doc, pick, state, refKind, asString) => {
          const parsed = parseChecklist(doc.bytes);
          const tags = parsed.items.map((it) => tagOf(it.text));
          const want = doc.real.map((r) => r.tag);
          if (JSON.stringify(tags) !== JSON.stringify(want)) {
            recordViolation(
              A_WRITE,
              `parsed items ${JSON.stringify(tags)} ≠ real items ${JSON.stringify(want)} in ${short(doc.bytes)}`,
            );
            return;
          }
          for (const [i, it] of parsed.items.entries()) {
            if (it.state !== doc.real[i].state)
              recordViolation(A_WRITE, `item ${want[i]} parsed as ${it.state}, written as ${doc.real[i].state}`);
            if (doc.real[i].id && it.id !== doc.real[i].id)
              recordViolation(A_WRITE, `item ${want[i]} has id ${it.id}, expected ${doc.real[i].id}`);
          }
          if (parsed.items.length === 0) return;
          const target = parsed.items[pick % parsed.items.length];
          const ref: ItemRef =
            refKind === 'id' && target.id
              ? { id: target.id }
              : refKind === 'text'
                ? { text: target.text }
                : { index: target.index };
          const input = asString ? doc.text : Uint8Array.from(doc.bytes);
          const inputCopy = Buffer.from(input);
          const r = attempt<string | Uint8Array>(input, ref, state);
          if ('crash' in r) return recordInput(A_WRITE, 'crashed', `${r.crash} on ${short(doc.bytes)}`);
          if ('refused' in r) {
            // Text is the only reference that may legitimately match several items (the same words twice).
            const same = parsed.items.filter((it) => it.text.toLowerCase() === target.text.toLowerCase()).length;
            if ('text' in ref && same > 1) return recordInput(A_WRITE, 'rejected');
            recordInput(A_WRITE, 'crashed', `refused a reference that matches exactly one item: ${r.refused}`);
            return;
          }
          recordInput(A_WRITE, 'accepted');
          const out = Buffer.from(r.ok.document);
          const orig = asString ? Buffer.from(input as string, 'utf8') : doc.bytes;
          if (!Buffer.from(input).equals(inputCopy)) recordViolation(A_WRITE, "the caller's buffer was mutated");
          if (typeof input === 'string') {
            // A string in, a string out: the same string but for the one marker character.
            const o = r.ok.document as string;
            const changedAt = [...Array(Math.max(o.length, input.length)).keys()].filter((i) => o[i] !== input[i]);
            if (changedAt.length > 1 || o.length !== input.length)
              recordViolation(
                A_WRITE,
                `the returned string differs from the input in ${changedAt.length} UTF-16 units (length ${input.length} → ${o.length}), not just the marker`,
              );
          }
          const diffs = diffPositions(orig, out);
          const unchanged = target.state === state;
          if (unchanged ? diffs.length !== 0 : diffs.length !== 1 || diffs[0] !== target.markerOffset) {
            recordViolation(
              A_WRITE,
              `${target.state}→${state} of ${tagOf(target.text)} changed bytes at ${JSON.stringify(diffs)} (marker at ${target.markerOffset}) in ${short(doc.bytes)}`,
            );
            return;
          }
          if (!unchanged && out[target.markerOffset] !== MARKER_CHAR[state].charCodeAt(0))
            recordViolation(A_WRITE, `wrote ${String.fromCharCode(out[target.markerOffset])} for ${state}`);
          const again = parseChecklist(out);
          if (again.items.length !== parsed.items.length)
            return recordViolation(
              A_WRITE,
              `the write changed the number of items ${parsed.items.length} → ${again.items.length}`,
            );
          for (const [i, it] of again.items.entries()) {
            const expect = i === target.index ? state : parsed.items[i].state;
            if (
              it.state !== expect ||
              it.text !== parsed.items[i].text ||
              it.markerOffset !== parsed.items[i].markerOffset
            )
              recordViolation(
                A_WRITE,
                `after the write item ${i} reads ${it.state} "${it.text.slice(0, 40)}", expected ${expect}`,
              );
          }
        },
      ),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_WRITE]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  it(`${RUNS} stale or wrong references are refused cleanly and change nothing`, () => {
    type Stale =
      | { kind: 'past-end'; k: number }
      | { kind: 'bad-index'; index: number }
      | { kind: 'id'; id: string }
      | { kind: 'text'; text: string };
    const staleRef: fc.Arbitrary<Stale> = fc.oneof(
      fc.integer({ min: -5, max: 5 }).map((k): Stale => ({ kind: 'past-end', k })),
      fc
        .constantFrom(-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER, -0)
        .map((index): Stale => ({ kind: 'bad-index', index })),
      fc.string({ unit: 'binary', maxLength: 20 }).map((s): Stale => ({ kind: 'id', id: `gone-${s}` })),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s): Stale => ({ kind: 'text', text: `⟦gone⟧ ${s}` })),
    );
    fc.assert(
      fc.property(documentArb, staleRef, fc.constantFrom(...STATES), (doc, s, state) => {
        const count = parseChecklist(doc.bytes).items.length;
        const ref: ItemRef =
          s.kind === 'past-end'
            ? { index: count + Math.abs(s.k) }
            : s.kind === 'bad-index'
              ? { index: s.index }
              : s.kind === 'id'
                ? { id: s.id }
                : { text: s.text };
        // -0 and 0.5 of an empty list, or -0 → index 0 of a non-empty list, are fine to accept: JS says -0 === 0.
        const mayMatch = s.kind === 'bad-index' && Object.is(s.index, -0) && count > 0;
        const copy = Buffer.from(doc.bytes);
        const r = attempt(doc.bytes, ref, state);
        if ('crash' in r) return recordInput(A_STALE, 'crashed', `${JSON.stringify(ref)}: ${r.crash}`);
        if (!copy.equals(doc.bytes)) recordViolation(A_STALE, 'the document was mutated by a refused write');
        if ('refused' in r) return recordInput(A_STALE, 'rejected');
        if (mayMatch) return recordInput(A_STALE, 'accepted');
        recordInput(
          A_STALE,
          'crashed',
          `accepted a reference that matches nothing: ${JSON.stringify(ref)} → item ${r.ok.item.index}`,
        );
      }),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_STALE]?.crashed ?? 0, 0, tally.violations.join('\n'));
    assert.equal(tally.areas[A_STALE]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  it(`${Math.ceil(RUNS / 5)} documents, each through a sequence of writes: only marker bytes ever change`, () => {
    fc.assert(
      fc.property(
        documentArb,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...STATES)), { minLength: 1, maxLength: 20 }),
        (doc, writes) => {
          const first = parseChecklist(doc.bytes);
          if (first.items.length === 0) return;
          const model = first.items.map((it) => it.state);
          const markers = new Set(first.items.map((it) => it.markerOffset));
          let cur: Uint8Array = doc.bytes;
          for (const [pick, state] of writes) {
            const r = attempt(cur, { index: pick % model.length }, state);
            if (!('ok' in r)) return recordInput(A_SEQ, 'crashed', JSON.stringify(r));
            recordInput(A_SEQ, 'accepted');
            model[pick % model.length] = state;
            cur = r.ok.document;
          }
          const stray: number[] = [];
          if (cur.length !== doc.bytes.length) recordViolation(A_SEQ, 'the document length changed');
          else for (let i = 0; i < cur.length; i++) if (cur[i] !== doc.bytes[i] && !markers.has(i)) stray.push(i);
          if (stray.length) recordViolation(A_SEQ, `bytes outside markers changed at ${stray.slice(0, 5).join(', ')}`);
          const states = parseChecklist(cur).items.map((it) => it.state);
          if (JSON.stringify(states) !== JSON.stringify(model))
            recordViolation(
              A_SEQ,
              `after ${writes.length} writes the states are ${states.join(',')}, expected ${model.join(',')}`,
            );
        },
      ),
      { numRuns: Math.ceil(RUNS / 5) },
    );
    assert.equal(tally.areas[A_SEQ]?.violations ?? 0, 0, tally.violations.join('\n'));
  });
});
