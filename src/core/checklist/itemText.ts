import type { ChecklistItem, ChecklistProblem } from './checklistTypes';

/** Explicit id in an HTML comment anywhere in the item text: `<!-- id: T12 -->`. */
const COMMENT_ID = /<!--\s*id:\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*-->/;
/** Id prefix: one to four capitals, digits, optional `.n` parts, then a colon: `T12: Add login`. */
const PREFIX_ID = /^([A-Z]{1,4}\d+(?:\.\d+)*):\s*/;

/** Separates an optional stable id from an item's text (what follows its marker) and collapses whitespace. */
export function splitItemId(raw: string): { id?: string; text: string } {
  let text = raw;
  let id: string | undefined;
  // The regular expressions run only where they can match: most items have neither an id comment nor odd
  // whitespace, and a 10,000-item parse spent a third of its time here (issue 24).
  const c = text.includes('<!--') ? COMMENT_ID.exec(text) : null;
  if (c) {
    id = c[1];
    text = text.slice(0, c.index) + text.slice(c.index + c[0].length);
  }
  if (!isCollapsed(text)) text = text.replace(/\s+/g, ' ').trim();
  const first = text.charCodeAt(0);
  const p = first >= 0x41 && first <= 0x5a ? PREFIX_ID.exec(text) : null;
  if (p) {
    id ??= p[1];
    text = text.slice(p[0].length);
  }
  return { id, text };
}

/** True when collapsing whitespace and trimming would leave `text` as it is: single spaces between words only. */
function isCollapsed(text: string): boolean {
  let previousSpace = true; // a space first is a leading space
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
    } else if (c < 0x20 || (c >= 0x80 && isNonAsciiSpace(c))) return false;
    else previousSpace = false;
  }
  return !previousSpace || text.length === 0;
}

/** The characters beyond ASCII that JavaScript's `\s` matches. */
function isNonAsciiSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Gives `item` its id, or reports the id as a duplicate of an earlier item's (both parsers, the same rule). */
export function assignItemId(
  item: ChecklistItem,
  id: string | undefined,
  seenIds: Map<string, number>,
  problems: ChecklistProblem[],
): void {
  if (id === undefined) return;
  const first = seenIds.get(id);
  if (first !== undefined)
    problems.push({ line: item.line, message: `duplicate item id '${id}' (first used on line ${first + 1})` });
  else seenIds.set(id, item.line);
  item.id = id;
}
