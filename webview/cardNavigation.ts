/**
 * Where the arrow keys take the focus among cards (the roving focus of issue 22, item 18): pure, so the unit
 * tests cover every edge, and shared by both layouts. The list is one tab stop; arrows move between cards.
 */
export type NavKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';
export const isNavKey = (k: string): k is NavKey =>
  k === 'ArrowLeft' || k === 'ArrowRight' || k === 'ArrowUp' || k === 'ArrowDown' || k === 'Home' || k === 'End';

/**
 * The Agents grid: cards in reading order, `perRow` to a row. Left and Right follow the reading order (across
 * rows, as text does), Up and Down keep the column; Home and End go to the first and last card.
 */
export function gridTarget(ids: readonly string[], perRow: number, current: string, key: NavKey): string | undefined {
  const i = ids.indexOf(current);
  if (i < 0) return ids[0];
  const row = Math.max(1, perRow);
  const to = {
    ArrowLeft: i - 1,
    ArrowRight: i + 1,
    ArrowUp: i - row,
    ArrowDown: i + row,
    Home: 0,
    End: ids.length - 1,
  }[key];
  return ids[to];
}

/**
 * The Board: cards per column, left to right. Up and Down move within the column; Left and Right go to the
 * nearest column that has cards, to the card at the same height or the last one; Home and End to the column's
 * first and last card.
 */
export function boardTarget(columns: readonly (readonly string[])[], current: string, key: NavKey): string | undefined {
  const c = columns.findIndex((col) => col.includes(current));
  if (c < 0) return columns.find((col) => col.length > 0)?.[0];
  const col = columns[c];
  const i = col.indexOf(current);
  switch (key) {
    case 'ArrowUp':
      return col[i - 1];
    case 'ArrowDown':
      return col[i + 1];
    case 'Home':
      return col[0];
    case 'End':
      return col[col.length - 1];
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = key === 'ArrowLeft' ? -1 : 1;
      for (let k = c + step; k >= 0 && k < columns.length; k += step)
        if (columns[k].length > 0) return columns[k][Math.min(i, columns[k].length - 1)];
      return undefined;
    }
  }
}
