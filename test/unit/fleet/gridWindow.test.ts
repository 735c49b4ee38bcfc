import * as assert from 'node:assert/strict';
import { ESTIMATED_ROW_PX, gridWindow, type GridSegment } from '../../../webview/gridWindow';

// The Agents grid draws only the rows in view (issue 22, "at fleet scale"); spacers keep the page's length.
describe('Agents grid window: which rows to draw', () => {
  const base = { count: 200, perRow: 4, gap: 10, heights: new Map<number, number>(), viewHeight: 900 };
  const drawn = (segments: GridSegment[]) => segments.flatMap((s) => (s.kind === 'cards' ? [[s.from, s.to]] : []));
  /** The page's length the segments make: rows and spacers, with the grid's gaps between them. */
  const length = (segments: GridSegment[], rowPx: number, gap = 10) =>
    segments.reduce(
      (sum, s) => sum + (s.kind === 'spacer' ? s.height : Math.ceil((s.to - s.from) / 4) * (rowPx + gap) - gap),
      0,
    ) +
    gap * (segments.length - 1);

  it('draws the rows in view and one more above and below, not the other 200 cards', () => {
    const top = gridWindow({ ...base, viewTop: 0 });
    // 900 px shows rows 0..3 of 250 px (240 + 10); one row of overscan below.
    assert.deepEqual(drawn(top), [[0, 20]]);
    assert.equal(top.at(-1)?.kind, 'spacer');
    const middle = gridWindow({ ...base, viewTop: 25 * (ESTIMATED_ROW_PX + 10) });
    assert.deepEqual(drawn(middle), [[96, 120]]);
    assert.equal(middle[0].kind, 'spacer');
    assert.equal(middle[0].kind === 'spacer' && middle[0].height, 24 * 250 - 10);
  });

  it('keeps the page as long as all the rows would make it, wherever it is scrolled', () => {
    const all = 50 * 250 - 10;
    for (const viewTop of [0, 1234, 6000, 12_000, 20_000])
      assert.equal(length(gridWindow({ ...base, viewTop }), 240), all, `at ${viewTop}`);
  });

  it('uses the measured heights of rows, and their average for rows never drawn', () => {
    const heights = new Map([
      [0, 400],
      [1, 200],
    ]);
    const w = gridWindow({ ...base, heights, viewTop: 0, viewHeight: 500 });
    // Rows 0 (400) and 1 (from 410) are in view; one row of overscan.
    assert.deepEqual(drawn(w), [[0, 12]]);
    const below = w.at(-1)!;
    assert.equal(below.kind === 'spacer' && below.height, 47 * 310 - 10, 'rows never drawn: the average, 300');
  });

  it("draws the active card's row wherever it is, between spacers, so the focus and the tab stop stay", () => {
    const w = gridWindow({ ...base, viewTop: 0, activeIndex: 197 });
    assert.deepEqual(drawn(w), [
      [0, 20],
      [196, 200],
    ]);
    assert.deepEqual(
      w.map((s) => s.kind),
      ['cards', 'spacer', 'cards'],
    );
    assert.equal(length(w, 240), 50 * 250 - 10);
    const above = gridWindow({ ...base, viewTop: 10_000, activeIndex: 1 });
    assert.deepEqual(drawn(above)[0], [0, 4]);
  });

  it('draws a short list whole, and nothing for no cards', () => {
    assert.deepEqual(drawn(gridWindow({ ...base, count: 7, viewTop: 0 })), [[0, 7]]);
    assert.deepEqual(gridWindow({ ...base, count: 0, viewTop: 0 }), []);
    assert.deepEqual(drawn(gridWindow({ ...base, count: 7, viewTop: -300 })), [[0, 7]]);
  });
});
