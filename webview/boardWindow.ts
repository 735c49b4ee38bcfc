/**
 * Which cards of a Board column to draw (issue 22 "at fleet scale", issue 24 frame time). Every Board card has
 * the same height, so where each sits is known without measuring. Pure, so the tests can use it.
 */

/** Every Board card has this height (px, the gap included), so a column can draw only the cards in view. */
export const BOARD_ROW_PX = 124;

/**
 * Cards drawn above and below the visible ones, so that arrows and a short scroll find them already there. One,
 * as the Agents grid's one row: each card drawn is style, layout and paint on every frame a snapshot changes.
 */
export const OVERSCAN = 1;

/** The rows of a column to draw: those in view, plus the overscan (the caller adds the active card). */
export function visibleRange(count: number, scrollTop: number, height: number): { from: number; to: number } {
  const from = Math.max(0, Math.floor(scrollTop / BOARD_ROW_PX) - OVERSCAN);
  const to = Math.min(count, Math.ceil((scrollTop + height) / BOARD_ROW_PX) + OVERSCAN);
  return { from, to };
}
