/**
 * Which rows of the Agents grid to draw (issue 22, "at fleet scale"): those in view, a row above and below, and
 * the active card's row wherever it is (it holds the focus and the tab stop), with spacers of the rows' height
 * in between so the page keeps its length and the scrollbar its place. Pure, so the unit tests cover it.
 *
 * Cards differ in height (an activity line, a waiting prompt), so a row's height is what it measured when last
 * drawn, and the average of the measured rows for one never drawn.
 */

/** Rows drawn above and below those in view, so that arrows and a short scroll find them already there. */
export const OVERSCAN_ROWS = 1;
/** A row's height before any row was measured (a card with a checklist window, about). */
export const ESTIMATED_ROW_PX = 240;

/** A run of rows to draw (card indices `from`..`to`), or a spacer standing in for rows not drawn. */
export type GridSegment = { kind: 'cards'; from: number; to: number } | { kind: 'spacer'; key: string; height: number };

export interface GridWindowInput {
  count: number;
  perRow: number;
  /** The space between two rows (the grid's row gap). */
  gap: number;
  /** Measured heights of rows drawn before, by row index. */
  heights: ReadonlyMap<number, number>;
  /** How far the top of the viewport is below the top of the grid (negative while the grid starts lower). */
  viewTop: number;
  viewHeight: number;
  /** The index of the card that holds the tab stop, if any. */
  activeIndex?: number;
}

/** The height of a row: measured, else the measured rows' average, else the estimate. */
function rowHeightOf(heights: ReadonlyMap<number, number>): (row: number) => number {
  let sum = 0;
  for (const h of heights.values()) sum += h;
  const average = heights.size ? sum / heights.size : ESTIMATED_ROW_PX;
  return (row) => heights.get(row) ?? average;
}

/** The segments to draw, top to bottom. */
export function gridWindow(input: GridWindowInput): GridSegment[] {
  const perRow = Math.max(1, input.perRow);
  const rows = Math.ceil(input.count / perRow);
  if (rows === 0) return [];
  const height = rowHeightOf(input.heights);
  // The rows in view: the first whose bottom is below the viewport's top, up to the first whose top is below
  // its bottom.
  let first = rows;
  let last = rows;
  let top = 0;
  for (let r = 0; r < rows; r++) {
    const bottom = top + height(r);
    if (first === rows && bottom > input.viewTop) first = r;
    if (top >= input.viewTop + input.viewHeight) {
      last = r;
      break;
    }
    top = bottom + input.gap;
  }
  first = Math.min(Math.max(0, first - OVERSCAN_ROWS), rows - 1);
  last = Math.max(Math.min(rows, last + OVERSCAN_ROWS), first + 1);
  const ranges: [number, number][] = [[first, last]];
  const activeRow = input.activeIndex === undefined ? -1 : Math.floor(input.activeIndex / perRow);
  if (activeRow >= 0 && activeRow < rows && (activeRow < first || activeRow >= last)) {
    ranges.push([activeRow, activeRow + 1]);
    ranges.sort((a, b) => a[0] - b[0]);
  }
  const segments: GridSegment[] = [];
  let next = 0;
  const spacer = (from: number, to: number) => {
    if (to <= from) return;
    let h = -input.gap; // a spacer is one grid row: the gaps between the rows it stands for are inside it
    for (let r = from; r < to; r++) h += height(r) + input.gap;
    segments.push({ kind: 'spacer', key: `rows-${from}`, height: Math.max(0, h) });
  };
  for (const [a, b] of ranges) {
    spacer(next, a);
    segments.push({ kind: 'cards', from: a * perRow, to: Math.min(input.count, b * perRow) });
    next = b;
  }
  spacer(next, rows);
  return segments;
}
