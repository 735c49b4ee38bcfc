import type { Checklist, ChecklistFocus, ChecklistItem, ChecklistProgress, ItemRef } from './checklistTypes';

/** The default number of items shown before and after the current one (DESIGN.md §4, setting). */
export const DEFAULT_CONTEXT_ITEMS = 2;

/** Counts items by state; `percent` is floor(done × 100 / total), 0 for an empty checklist. */
export function checklistProgress(items: readonly ChecklistItem[]): ChecklistProgress {
  let done = 0;
  let doing = 0;
  for (const it of items) {
    if (it.state === 'done') done++;
    else if (it.state === 'doing') doing++;
  }
  const total = items.length;
  return {
    done,
    doing,
    todo: total - done - doing,
    total,
    percent: total === 0 ? 0 : Math.floor((done * 100) / total),
  };
}

/** The current item: the last `[~]` (as the reference system does when several are in progress), else the first `[ ]`. */
export function currentItem(items: readonly ChecklistItem[]): ChecklistItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].state === 'doing') return items[i];
  return items.find((it) => it.state === 'todo');
}

/**
 * The current item with up to `n` items before and after it. When every item is done there is no current
 * item and `before` holds the last `n` items, so a finished checklist still shows where it ended.
 */
export function checklistFocus(items: readonly ChecklistItem[], n = DEFAULT_CONTEXT_ITEMS): ChecklistFocus {
  const width = Math.max(0, Math.floor(n));
  const current = currentItem(items);
  if (!current) return { before: width === 0 ? [] : items.slice(-width), after: [] };
  return {
    current,
    before: items.slice(Math.max(0, current.index - width), current.index),
    after: items.slice(current.index + 1, current.index + 1 + width),
  };
}

/** Error for an item reference that matches no item or several. */
export class ChecklistItemNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChecklistItemNotFoundError';
  }
}

/** Resolves an {@link ItemRef}; throws {@link ChecklistItemNotFoundError} when none or several items match. */
export function findItem(checklist: Checklist, ref: ItemRef): ChecklistItem {
  const { items } = checklist;
  if ('index' in ref) {
    const it = items[ref.index];
    if (!Number.isInteger(ref.index) || !it)
      throw new ChecklistItemNotFoundError(
        `no checklist item at index ${ref.index} (the checklist has ${items.length} items)`,
      );
    return it;
  }
  if ('id' in ref) {
    const found = items.filter((it) => it.id === ref.id);
    if (found.length === 0) throw new ChecklistItemNotFoundError(`no checklist item with id '${ref.id}'`);
    if (found.length > 1)
      throw new ChecklistItemNotFoundError(
        `item id '${ref.id}' is used ${found.length} times (lines ${found.map((f) => f.line + 1).join(', ')})`,
      );
    return found[0];
  }
  const want = ref.text.replace(/\s+/g, ' ').trim().toLowerCase();
  const found = items.filter((it) => it.text.toLowerCase() === want);
  if (found.length === 0) throw new ChecklistItemNotFoundError(`no checklist item with the text '${ref.text}'`);
  if (found.length > 1)
    throw new ChecklistItemNotFoundError(
      `${found.length} checklist items have the text '${ref.text}'; use the index or an id`,
    );
  return found[0];
}
