import type { FleetChecklistItem, ItemState } from './fleet';

/** A checklist item as a parser yields it, in document order. */
export interface ChecklistEntry {
  text: string;
  state: ItemState;
}

/** What a card needs from a checklist: the window around the current item and the progress. */
export interface ItemWindow {
  /** The current item with up to `context` items before and after it, in document order. */
  items: FleetChecklistItem[];
  /** Checklist index of the current item; undefined when the checklist is empty or every item is done. */
  currentIndex: number | undefined;
  progress: { done: number; total: number };
}

/**
 * The index of the current item (DESIGN.md §4): the last `[~]`, else the first `[ ]`; undefined when
 * there is neither (empty, or everything done).
 */
export function currentItemIndex(items: readonly ChecklistEntry[]): number | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].state === 'doing') return i;
  const todo = items.findIndex((it) => it.state === 'todo');
  return todo === -1 ? undefined : todo;
}

/**
 * Builds a card's item window from a whole checklist: the current item with `context` items before and
 * after it (fewer at either end). When every item is done there is no current item and the window is
 * the last `context` items, so a finished card still shows how it ended (the same rule as
 * `checklistFocus` in src/core/checklist, which this mirrors for plain `{text, state}` entries).
 */
export function buildItemWindow(items: readonly ChecklistEntry[], context = 2): ItemWindow {
  const n = Math.max(0, Math.floor(context));
  const done = items.reduce((k, it) => k + (it.state === 'done' ? 1 : 0), 0);
  const progress = { done, total: items.length };
  const current = currentItemIndex(items);
  const [from, to] =
    current === undefined
      ? [Math.max(0, items.length - n), items.length]
      : [Math.max(0, current - n), Math.min(items.length, current + n + 1)];
  const window: FleetChecklistItem[] = [];
  for (let i = from; i < to; i++) window.push({ index: i, text: items[i].text, state: items[i].state });
  return { items: window, currentIndex: current, progress };
}
