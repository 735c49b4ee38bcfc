import type { ChecklistItem, ItemRef, ItemState } from './checklistTypes';
import { ChecklistItemNotFoundError, findItem } from './checklistFocus';
import { MARKER_CHAR } from './markers';
import { checklistItemAt, parseChecklist } from './parseChecklist';

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
export function setItemState<T extends string | Uint8Array>(
  document: T,
  ref: ItemRef,
  state: ItemState,
): SetItemStateResult<T> {
  const bytes: Uint8Array = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
  const item = 'index' in ref ? itemAtIndex(bytes, ref.index) : findItem(parseChecklist(bytes), ref);
  if (item.state === state) return { document, item, before: item.state, after: state, changed: false };
  if (typeof document === 'string') {
    // Splice the string rather than decode the bytes again: a string may hold a lone surrogate, which a
    // UTF-8 round trip would turn into U+FFFD. The prefix before the marker decodes to exactly as many
    // UTF-16 units as it had (a lone surrogate is one unit either way), so its length is the marker's index.
    const at = (bytes as Buffer).subarray(0, item.markerOffset).toString('utf8').length;
    const result = document.slice(0, at) + MARKER_CHAR[state] + document.slice(at + 1);
    return { document: result as T, item, before: item.state, after: state, changed: true };
  }
  const out = Buffer.from(bytes); // copy: callers' buffers are never mutated
  out[item.markerOffset] = MARKER_CHAR[state].charCodeAt(0);
  return { document: out as unknown as T, item, before: item.state, after: state, changed: true };
}

/** By position, only the one item is built (an id or a text needs every item, to find duplicates). */
function itemAtIndex(bytes: Uint8Array, index: number): ChecklistItem {
  const { item, count } = checklistItemAt(bytes, index);
  if (!item)
    throw new ChecklistItemNotFoundError(`no checklist item at index ${index} (the checklist has ${count} items)`);
  return item;
}
