import type { Checklist, ChecklistItem, ChecklistProblem } from './checklistTypes';
import { assignItemId, splitItemId } from './itemText';
import { stateOfMarker } from './markers';

/**
 * A line scanner for the checklists agents and people actually write: headings, blank lines, plain paragraphs,
 * fenced code and HTML comments at the margin, and single-line list items nested by indentation. For such a
 * document it gives exactly what markdown-it gives (a property test compares the two on generated documents), at
 * the cost of one pass over the lines instead of building a token stream — issue 24 measured the full parse at
 * 44× a naive line scan.
 *
 * It does not try to be a Markdown parser. The moment a line could mean something this scanner does not model —
 * a tab in the indentation, a block quote, other HTML, a table, a setext underline, indented code, text that
 * continues a list item's paragraph, a list right after a paragraph, a fence inside a list, a NUL — it returns
 * undefined and the caller parses the document with markdown-it. Wrong answers are the risk; a fallback only costs time.
 */
export function scanSimpleChecklist(text: string, offsets: ByteOffsets): Checklist | undefined {
  const scanned = scan(text, offsets, undefined);
  return scanned && { items: scanned.items, problems: scanned.problems };
}

/**
 * The item at `index` (0-based) as {@link scanSimpleChecklist} would give it, and how many items there are,
 * without building the others (their text, ids and duplicate checks): what setting one item's state needs
 * (issue 24). The item's id is its own (a duplicate of an earlier one is only a problem of the whole parse).
 * Undefined when the document needs markdown-it.
 */
export function scanSimpleChecklistItem(
  text: string,
  offsets: ByteOffsets,
  index: number,
): { item?: ChecklistItem; count: number } | undefined {
  const scanned = scan(text, offsets, index);
  return scanned && { item: scanned.items[0], count: scanned.count };
}

/**
 * How many items there are and how many of them are done and in progress, building none: what a listing
 * shows of a checklist. Undefined when the document needs markdown-it.
 */
export function scanSimpleChecklistCounts(
  text: string,
  offsets: ByteOffsets,
): { count: number; done: number; doing: number } | undefined {
  const scanned = scan(text, offsets, -1);
  return scanned && { count: scanned.count, done: scanned.done, doing: scanned.doing };
}

/** The scanner; `only`: build only the item at that index (the others are counted; -1 builds none). */
function scan(
  text: string,
  offsets: ByteOffsets,
  only: number | undefined,
): (Checklist & { count: number; done: number; doing: number }) | undefined {
  if (text.includes('\0')) return undefined; // markdown-it replaces NUL with U+FFFD in item texts
  let count = 0;
  let done = 0;
  let doing = 0;
  const items: ChecklistItem[] = [];
  const problems: ChecklistProblem[] = [];
  const seenIds = new Map<string, number>();
  /** Content columns of the open list items, outermost first. */
  const open: number[] = [];
  let previous: 'blank' | 'heading' | 'fence' | 'text' | 'item' = 'blank';
  let fence: { char: number; length: number } | undefined;
  /** Inside an HTML comment block: up to the first line holding `-->`. */
  let comment = false;

  const ends = new LineEnds(text);
  let pos = 0;
  for (let line = 0; pos <= text.length; line++) {
    const end = ends.after(pos);
    const next =
      end < text.length && text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    if (offsets.lineStarts && line >= offsets.lineStarts.length) return undefined; // views disagree: be safe
    if (comment) {
      if (holdsCommentEnd(text, pos, end)) {
        comment = false;
        previous = 'fence';
      }
      pos = next;
      continue;
    }
    if (fence) {
      if (closesFence(text, pos, end, fence)) {
        fence = undefined;
        previous = 'fence';
      }
      pos = next;
      continue;
    }
    let indent = pos;
    while (indent < end && text.charCodeAt(indent) === SPACE) indent++;
    const first = indent < end ? text.charCodeAt(indent) : -1;
    if (first === -1) {
      previous = 'blank';
    } else if (first === TAB || first < SPACE) {
      return undefined;
    } else {
      const column = indent - pos;
      const bulletEnd = listBulletEnd(text, indent, end);
      if (bulletEnd >= 0) {
        // A list right after a paragraph line (it could interrupt it, or be text) is left to markdown-it.
        if (previous === 'text') return undefined;
        // Inside the previous item's paragraph an ordered bullet other than `1.` cannot interrupt it: it is
        // that item's text in markdown-it.
        const insidePrevious = previous === 'item' && column >= open[open.length - 1];
        if (insidePrevious && isOrderedNotOne(text, indent, bulletEnd)) return undefined;
        while (open.length > 0 && open[open.length - 1] > column) open.pop();
        const container = open.length > 0 ? open[open.length - 1] : 0;
        if (column - container >= 4) return undefined; // indented code
        let content = bulletEnd;
        while (content < end && text.charCodeAt(content) === SPACE) content++;
        const spaces = content - bulletEnd;
        if (content === end || spaces === 0 || spaces > 4) return undefined; // empty item, or code inside it
        const c = text.charCodeAt(content);
        if (c === TAB || c < SPACE || c >= 0x80 || listBulletEnd(text, content, end) >= 0) return undefined;
        open.push(column + (bulletEnd - indent) + spaces);
        if (c === OPEN_BRACKET) {
          // Only a well-formed marker followed by a space, a tab or the line end; anything else after `[`
          // (a reference definition, a marker markdown-it accepts but cannot locate) goes to markdown-it.
          const after = content + 3 < end ? text.charCodeAt(content + 3) : SPACE;
          const state = stateOfMarker(text[content + 1]);
          if (!state || text.charCodeAt(content + 2) !== CLOSE_BRACKET || (after !== SPACE && after !== TAB))
            return undefined;
          const index = count++;
          if (state === 'done') done++;
          else if (state === 'doing') doing++;
          if (only !== undefined && index !== only) {
            previous = 'item';
            pos = next;
            continue;
          }
          // markdown-it's item content is the trimmed line; `[c]` starts it, so only its end can be trimmed.
          const { id, text: itemText } = splitItemId(text.slice(content + 3, end).trim());
          const item: ChecklistItem = {
            index,
            state,
            text: itemText,
            line,
            depth: open.length - 1,
            // What precedes the marker on its line is ASCII: as many bytes as characters.
            markerOffset: (offsets.lineStarts ? offsets.lineStarts[line] - pos : offsets.shift) + content + 1,
            markerChar: text[content + 1],
          };
          if (only === undefined) assignItemId(item, id, seenIds, problems);
          else if (id !== undefined) item.id = id;
          items.push(item);
        } else if (!PLAIN_TEXT_START.test(text[content])) {
          return undefined; // a fence, HTML, a quote, a table row or a heading inside the item
        }
        previous = 'item';
      } else if (column > 0) {
        return undefined; // continuation text, indented code, or a block this scanner does not model
      } else if (text.startsWith('<!--', pos)) {
        // An HTML comment at the margin (the template of a new SpecTask's tasks.md holds one): in markdown-it an
        // HTML block that ends with the first line holding `-->`, this one included; it interrupts a paragraph
        // and ends every open list. Nothing in it is an item.
        open.length = 0;
        comment = !holdsCommentEnd(text, pos, end);
        previous = 'fence';
      } else if (isFenceOpening(text, pos, end)) {
        open.length = 0;
        fence = { char: first, length: runLength(text, pos, end, first) };
        previous = 'fence';
      } else if (isAtxHeading(text, pos, end)) {
        open.length = 0;
        previous = 'heading';
      } else if (PLAIN_TEXT_START.test(text[pos]) && previous !== 'item') {
        open.length = 0; // after a blank line, text at the margin ends every open list
        previous = 'text';
      } else {
        return undefined;
      }
    }
    pos = next;
  }
  return { items, problems, count, done, doing };
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Paragraph text that cannot start any other block: letters, digits excluded (ordered lists), and a few marks. */
const PLAIN_TEXT_START = /^[A-Za-z(),.:;'"?/@$%^&{}]$/;

/**
 * Where a character offset of the text is in the file's bytes: for an ASCII file the offset plus the BOM's
 * length (`shift`); otherwise through the byte offsets of the line starts.
 */
export type ByteOffsets =
  { lineStarts: readonly number[]; shift?: undefined } | { lineStarts?: undefined; shift: number };

/** Line ends (`\n`, `\r`, or the end of the text) found with the engine's own string search. */
class LineEnds {
  private nextLf = -1;
  private nextCr = -1;
  constructor(private readonly text: string) {}

  /** The first line end at or after `pos`. */
  after(pos: number): number {
    if (this.nextLf < pos) this.nextLf = this.find('\n', pos);
    if (this.nextCr < pos) this.nextCr = this.find('\r', pos);
    return Math.min(this.nextLf, this.nextCr);
  }

  private find(char: string, pos: number): number {
    const at = this.text.indexOf(char, pos);
    return at < 0 ? this.text.length : at;
  }
}

/** After a bullet (`-`, `*`, `+`, or 1–9 digits then `.` or `)`) followed by a space or the line end: its end. */
function listBulletEnd(text: string, at: number, end: number): number {
  const c = text.charCodeAt(at);
  let p = at;
  if (c === 0x2d || c === 0x2a || c === 0x2b) p = at + 1;
  else {
    while (p < end && p - at < 10 && text.charCodeAt(p) >= 0x30 && text.charCodeAt(p) <= 0x39) p++;
    if (p === at || p - at > 9) return -1;
    const d = text.charCodeAt(p);
    if (d !== 0x2e && d !== 0x29) return -1;
    p++;
  }
  if (p === end) return p;
  const after = text.charCodeAt(p);
  return after === SPACE || after === TAB ? p : -1;
}

function runLength(text: string, pos: number, end: number, char: number): number {
  let p = pos;
  while (p < end && text.charCodeAt(p) === char) p++;
  return p - pos;
}

/** ``` or ~~~ (three or more) at the margin; a backtick fence's info string may not hold a backtick. */
function isFenceOpening(text: string, pos: number, end: number): boolean {
  const c = text.charCodeAt(pos);
  if (c !== 0x60 && c !== 0x7e) return false;
  const n = runLength(text, pos, end, c);
  if (n < 3) return false;
  return c === 0x7e || !text.slice(pos + n, end).includes('`');
}

/** A closing fence: up to three spaces, the opening's character at least as many times, then only spaces. */
function closesFence(text: string, pos: number, end: number, fence: { char: number; length: number }): boolean {
  let p = pos;
  while (p < end && p - pos < 4 && text.charCodeAt(p) === SPACE) p++;
  if (p - pos > 3) return false;
  const n = runLength(text, p, end, fence.char);
  if (n < fence.length) return false;
  for (let i = p + n; i < end; i++) if (text.charCodeAt(i) !== SPACE) return false;
  return true;
}

/** Whether the line holds `-->` (where markdown-it's HTML comment block ends). */
function holdsCommentEnd(text: string, pos: number, end: number): boolean {
  const at = text.indexOf('-->', pos);
  return at >= 0 && at + 3 <= end;
}

/** `#` to `######` at the margin, then a space or the line end. */
function isAtxHeading(text: string, pos: number, end: number): boolean {
  const n = runLength(text, pos, end, 0x23);
  if (n < 1 || n > 6) return false;
  return pos + n === end || text.charCodeAt(pos + n) === SPACE;
}

/** An ordered bullet whose number is not 1. */
function isOrderedNotOne(text: string, at: number, bulletEnd: number): boolean {
  const c = text.charCodeAt(at);
  if (c < 0x30 || c > 0x39) return false;
  return Number(text.slice(at, bulletEnd - 1)) !== 1;
}
