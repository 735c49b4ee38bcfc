import type MarkdownIt from 'markdown-it';
import type { Checklist, ChecklistItem, ChecklistProblem, ChecklistProgress } from './checklistTypes';
import { hasUtf8Bom, lineStartOffsets } from './lineIndex';
import { assignItemId, splitItemId } from './itemText';
import { stateOfMarker } from './markers';
import { checklistProgress, progressOf } from './checklistFocus';
import { scanSimpleChecklist, scanSimpleChecklistCounts, scanSimpleChecklistItem } from './simpleChecklistScan';

/**
 * One parser for all checklists, made on first use: the line scanner takes the checklists people and agents
 * write, so a `spectask list` never loads markdown-it (issue 24: loading and building it was part of every
 * command's start). `html: true` matters: with it an HTML comment is an `html_block` token, so a `- [ ]` line
 * inside `<!-- … -->` is not mistaken for an item. Nothing is ever rendered with this instance.
 */
let md: InstanceType<typeof MarkdownIt> | undefined;

function markdownIt(): InstanceType<typeof MarkdownIt> {
  if (md) return md;
  // `require`, not `import`: the bundles then run markdown-it's module only here (its CommonJS build exports
  // the constructor itself).
  const create = require('markdown-it') as typeof MarkdownIt;
  md = new create({ html: true });
  // Only block structure matters here: an inline token's `content` is filled by the block parser, so the core
  // rules that parse inline children (emphasis, links, typography) are switched off — about 3× faster.
  md.core.ruler.disable(['inline', 'linkify', 'replacements', 'smartquotes', 'text_join'], true);
  return md;
}

/** `[ ]`, `[~]`, `[x]` or `[X]` at the start of an item's first paragraph, followed by whitespace or the end. */
const MARKER_AT_START = /^\[([ xX~])\](?=\s|$)/;

const SPACE = 0x20;
const TAB = 0x09;

/**
 * Parses a checklist document (a SpecTask's `tasks.md`, or the legacy `progress.md`) into its items.
 *
 * An item is a list item (`-`, `*`, `+`, `1.` or `1)` bullet, any depth) whose first paragraph starts on the
 * item's first line with `[ ]`, `[~]`, `[x]` or `[X]` followed by whitespace. Items inside code fences,
 * indented code, HTML comments/blocks or block quotes are not items. markdown-it does not know `[~]`, so the
 * marker is located in the source bytes of the item's first line, after its bullet(s).
 *
 * Never throws on any input; a string is treated as its UTF-8 encoding for the byte offsets.
 */
export function parseChecklist(source: string | Uint8Array): Checklist {
  const { bytes, text, lineStarts, bom } = prepare(source);
  const scanned = scanSimpleChecklist(text, lineStarts ? { lineStarts } : { shift: bom });
  return scanned ?? parseWithMarkdownIt(bytes, text, lineStarts ?? lineStartsOf(bytes, bom));
}

/**
 * The item at `index` (0-based) exactly as {@link parseChecklist} gives it (its id aside: a duplicate id is
 * kept, not reported) and the number of items, building no other item when the line scanner takes the
 * document (issue 24: setting one item of a 10,000-item file cost a whole parse).
 */
export function checklistItemAt(source: string | Uint8Array, index: number): { item?: ChecklistItem; count: number } {
  const { bytes, text, lineStarts, bom } = prepare(source);
  const scanned = scanSimpleChecklistItem(text, lineStarts ? { lineStarts } : { shift: bom }, index);
  if (scanned) return scanned;
  const { items } = parseWithMarkdownIt(bytes, text, lineStarts ?? lineStartsOf(bytes, bom));
  return { item: Number.isInteger(index) ? items[index] : undefined, count: items.length };
}

/** A checklist's progress as {@link checklistProgress} gives it for the parsed items, building no item when it can. */
export function checklistProgressOf(source: string | Uint8Array): ChecklistProgress {
  const { bytes, text, lineStarts, bom } = prepare(source);
  const counts = scanSimpleChecklistCounts(text, lineStarts ? { lineStarts } : { shift: bom });
  if (counts) return progressOf(counts.done, counts.doing, counts.count);
  return checklistProgress(parseWithMarkdownIt(bytes, text, lineStarts ?? lineStartsOf(bytes, bom)).items);
}

/** The bytes, the text to scan (without a BOM), and the line starts' byte offsets when they are needed. */
function prepare(source: string | Uint8Array) {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  let text =
    typeof source === 'string'
      ? source
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // A BOM would make markdown-it read the first line as text ("\uFEFF- [ ] a" is not a list): drop it for
  // parsing only; line numbers are unchanged and byte offsets skip it below.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const bom = hasUtf8Bom(bytes) ? 3 : 0;
  // An ASCII file has as many bytes as characters: the scanner needs no table of line offsets then.
  const ascii = bytes.length - bom === text.length;
  const lineStarts = ascii ? undefined : lineStartsOf(bytes, bom);
  return { bytes, text, lineStarts, bom };
}

function lineStartsOf(bytes: Uint8Array, bom: number): number[] {
  const starts = lineStartOffsets(bytes);
  if (bom) starts[0] = bom;
  return starts;
}

/**
 * The full parse, for documents the line scanner leaves alone (and, in tests, the reference it is compared
 * with): `source` as {@link parseChecklist} takes it.
 */
export function parseChecklistWithMarkdownIt(source: string | Uint8Array): Checklist {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  let text = typeof source === 'string' ? source : Buffer.from(bytes).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseWithMarkdownIt(bytes, text, lineStartsOf(bytes, hasUtf8Bom(bytes) ? 3 : 0));
}

function parseWithMarkdownIt(bytes: Uint8Array, text: string, lineStarts: number[]): Checklist {
  const tokens = markdownIt().parse(text, {});
  const items: ChecklistItem[] = [];
  const problems: ChecklistProblem[] = [];
  const seenIds = new Map<string, number>();
  // Open containers: 'li' entries carry their first line, so we know how many bullets precede a marker.
  const stack: { kind: 'li' | 'quote'; line: number }[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'blockquote_open') stack.push({ kind: 'quote', line: t.map?.[0] ?? -1 });
    else if (t.type === 'blockquote_close' || t.type === 'list_item_close') stack.pop();
    else if (t.type === 'list_item_open') {
      const line = t.map?.[0] ?? -1;
      stack.push({ kind: 'li', line });
      if (stack.some((s) => s.kind === 'quote')) continue; // quoted examples are not items
      const para = tokens[i + 1];
      const inline = tokens[i + 2];
      if (para?.type !== 'paragraph_open' || para.map?.[0] !== line || inline?.type !== 'inline') continue;
      const m = MARKER_AT_START.exec(inline.content);
      if (!m) continue;
      const bulletsOnLine = stack.filter((s) => s.kind === 'li' && s.line === line).length;
      const markerOffset = findMarkerOffset(bytes, lineStarts[line] ?? -1, bulletsOnLine);
      if (markerOffset < 0) {
        problems.push({ line, message: 'checklist marker not found where expected; item skipped' });
        continue;
      }
      const markerChar = String.fromCharCode(bytes[markerOffset]);
      const state = stateOfMarker(markerChar);
      if (!state) continue;
      const { id, text: itemText } = splitItemId(inline.content.slice(3));
      const item: ChecklistItem = {
        index: items.length,
        state,
        text: itemText,
        line,
        depth: stack.filter((s) => s.kind === 'li').length - 1,
        markerOffset,
        markerChar,
      };
      assignItemId(item, id, seenIds, problems);
      items.push(item);
    }
  }
  return { items, problems };
}

/**
 * Finds the byte offset of the marker character on a line: skip indentation, then `bullets` list bullets
 * (an item can start on the same line as its parent: `- 1. [ ] x`), then spaces, then expect `[c]`.
 * Works on bytes so files with invalid UTF-8 or any line ending are located exactly. Returns -1 if not found.
 */
function findMarkerOffset(bytes: Uint8Array, lineStart: number, bullets: number): number {
  if (lineStart < 0) return -1;
  let p = lineStart;
  const skipBlanks = () => {
    while (p < bytes.length && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
  };
  skipBlanks();
  for (let b = 0; b < bullets; b++) {
    const c = bytes[p];
    if (c === 0x2d || c === 0x2a || c === 0x2b)
      p++; // - * +
    else {
      const digitsStart = p;
      while (p < bytes.length && bytes[p] >= 0x30 && bytes[p] <= 0x39) p++;
      if (p === digitsStart || (bytes[p] !== 0x2e && bytes[p] !== 0x29)) return -1; // . )
      p++;
    }
    skipBlanks();
  }
  if (bytes[p] !== 0x5b || bytes[p + 2] !== 0x5d) return -1; // [ ]
  const after = bytes[p + 3];
  if (after !== undefined && after !== SPACE && after !== TAB && after !== 0x0a && after !== 0x0d) return -1;
  return p + 1;
}
