/**
 * Types of the checklist engine (DESIGN.md §4 "Checklist grammar"). Plain data, safe to serialize and to send
 * to the webview; positions are given both as lines (for editors) and as byte offsets (for exact writes).
 */

/** `[ ]` → todo, `[~]` → doing, `[x]`/`[X]` → done. */
export type ItemState = 'todo' | 'doing' | 'done';

export const ITEM_STATES: readonly ItemState[] = ['todo', 'doing', 'done'];

/** One `- [ ] …` list item that counts as a checklist item. */
export interface ChecklistItem {
  /** 0-based position among the document's items, in document order. */
  index: number;
  /** Stable id when the item carries one (`T12: …` prefix or `<!-- id: T12 -->`), else undefined. */
  id?: string;
  state: ItemState;
  /** The item's text after the marker (and after a `T12:` id prefix), whitespace collapsed. */
  text: string;
  /** 0-based line of the item's first line (markdown-it's `token.map[0]`). */
  line: number;
  /** Nesting depth among checklist-bearing lists: 0 for a top-level list item. */
  depth: number;
  /** Byte offset in the original file of the character between the brackets, i.e. `[` + 1. */
  markerOffset: number;
  /** The marker character as it appears in the file: ' ', '~', 'x' or 'X'. */
  markerChar: string;
}

/** Something a reader should know about, without failing the parse (e.g. a duplicate id). */
export interface ChecklistProblem {
  line: number;
  message: string;
}

/** A parsed checklist document. */
export interface Checklist {
  items: ChecklistItem[];
  problems: ChecklistProblem[];
}

/** done / total, with the in-progress and remaining counts. `percent` is an integer, floor(done*100/total). */
export interface ChecklistProgress {
  done: number;
  doing: number;
  todo: number;
  total: number;
  percent: number;
}

/** Which item an agent works on now, and its neighbours (the dashboard's "two before, two after"). */
export interface ChecklistFocus {
  /** The last `[~]` item, else the first `[ ]` item; undefined when every item is done or there are none. */
  current?: ChecklistItem;
  /** Up to N items before `current` (when there is no current item: the last N items). */
  before: ChecklistItem[];
  /** Up to N items after `current`. */
  after: ChecklistItem[];
}

/** How to address one item: by 0-based index, by stable id, or by exact (case-insensitive, trimmed) text. */
export type ItemRef = { index: number } | { id: string } | { text: string };
