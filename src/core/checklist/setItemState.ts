import type { ChecklistItem, ItemRef, ItemState } from './checklistTypes';
import { findItem } from './checklistFocus';
import { MARKER_CHAR } from './markers';
import { parseChecklist } from './parseChecklist';

/** What {@link setItemState} did. */
export interface SetItemStateResult<T extends string | Uint8Array> {
  /** The new document; the same object when nothing changed. */
  document: T;
  /** The item as it was before the change. */
  item: ChecklistItem;
  before: ItemState;
  after: ItemState;
  changed: boolean;
}

/**
 * Sets one checklist item's state. Only the byte between the brackets changes; line endings, a BOM, trailing
 * spaces and every other byte stay identical. An item that is already `[X]` and asked to be done is left as
 * it is (no change, no rewrite to lower case). Throws when the reference matches no item or several.
 */
export function setItemState<T extends string | Uint8Array>(document: T, ref: ItemRef, state: ItemState): SetItemStateResult<T> {
  const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
  const checklist = parseChecklist(bytes);
  const item = findItem(checklist, ref);
  if (item.state === state) return { document, item, before: item.state, after: state, changed: false };
  const out = Buffer.from(bytes); // copy: callers' buffers are never mutated
  out[item.markerOffset] = MARKER_CHAR[state].charCodeAt(0);
  const result = (typeof document === 'string' ? out.toString('utf8') : out) as T;
  return { document: result, item, before: item.state, after: state, changed: true };
}
