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
  return progressOf(done, doing, items.length);
}

/** The progress of `total` items of which `done` are done and `doing` in progress. */
export function progressOf(done: number, doing: number, total: number): ChecklistProgress {
  return {
    done,
    doing,
    todo: total - done - doing,
    total,
    percent: total === 0 ? 0 : Math.floor((done * 100) / total),
  };
}

/**
 * The index of the current item (DESIGN.md §4): the last `[~]` (as the reference system does when several are
 * in progress), else the first `[ ]`; undefined when there is neither (empty, or everything done).
 */
export function currentItemIndex(items: readonly Pick<ChecklistItem, 'state'>[]): number | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].state === 'doing') return i;
  const todo = items.findIndex((it) => it.state === 'todo');
  return todo === -1 ? undefined : todo;
}

/** The current item; see {@link currentItemIndex}. */
export function currentItem(items: readonly ChecklistItem[]): ChecklistItem | undefined {
  const i = currentItemIndex(items);
  return i === undefined ? undefined : items[i];
}

/**
 * The one window rule, used by every surface that shows part of a checklist (CLI, design-docs reader, dashboard):
 * the current item with up to `n` items before and after it (fewer at either end). When every item is done
 * there is no current item and the window is the last `n` items, so a finished checklist still shows where it
 * ended. Returns positions: the window is `items.slice(from, to)`.
 */
export function focusWindow(
  items: readonly Pick<ChecklistItem, 'state'>[],
  n = DEFAULT_CONTEXT_ITEMS,
): { current: number | undefined; from: number; to: number } {
  const width = Math.max(0, Math.floor(n));
  const current = currentItemIndex(items);
  if (current === undefined) return { current, from: Math.max(0, items.length - width), to: items.length };
  return { current, from: Math.max(0, current - width), to: Math.min(items.length, current + width + 1) };
}

/** The current item with the items around it as {@link focusWindow} chooses them, split around the current one. */
export function checklistFocus(items: readonly ChecklistItem[], n = DEFAULT_CONTEXT_ITEMS): ChecklistFocus {
  const { current, from, to } = focusWindow(items, n);
  if (current === undefined) return { before: items.slice(from, to), after: [] };
  return { current: items[current], before: items.slice(from, current), after: items.slice(current + 1, to) };
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
