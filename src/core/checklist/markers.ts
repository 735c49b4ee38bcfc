import type { ItemState } from './checklistTypes';

/** The character between the brackets for each state; done is written as lower-case `x`. */
export const MARKER_CHAR: Record<ItemState, string> = { todo: ' ', doing: '~', done: 'x' };

/** Maps a marker character to its state, or undefined when it is not a checklist marker. */
export function stateOfMarker(ch: string): ItemState | undefined {
  switch (ch) {
    case ' ':
      return 'todo';
    case '~':
      return 'doing';
    case 'x':
    case 'X':
      return 'done';
    default:
      return undefined;
  }
}

/** Parses a user-supplied state word (`todo`, `doing`, `done`, plus the aliases ` `, `~`, `x`). */
export function parseItemState(word: string): ItemState | undefined {
  const w = word.trim().toLowerCase();
  if (w === 'todo' || w === 'pending' || w === '[ ]') return 'todo';
  if (w === 'doing' || w === 'in-progress' || w === 'in_progress' || w === '~' || w === '[~]') return 'doing';
  if (w === 'done' || w === 'x' || w === '[x]') return 'done';
  return undefined;
}
