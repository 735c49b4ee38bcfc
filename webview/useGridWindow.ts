import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { gridWindow, type GridSegment } from './gridWindow';

/** What the grid's placement is now: cards per row and the row gap (its CSS decides), and the viewport over it. */
interface Placement {
  perRow: number;
  gap: number;
  viewTop: number;
  viewHeight: number;
}

const samePlacement = (a: Placement, b: Placement) =>
  a.perRow === b.perRow && a.gap === b.gap && a.viewTop === b.viewTop && a.viewHeight === b.viewHeight;

/**
 * The rows of the Agents grid to draw (gridWindow.ts), following the page's scroll and size and the rows' own
 * heights. Reads the layout at most once a frame, on scroll or resize; rows are measured by a ResizeObserver,
 * which reports sizes without forcing a layout. Cells to measure carry `data-row`.
 */
export function useGridWindow(
  list: RefObject<HTMLElement | null>,
  count: number,
  activeIndex: number | undefined,
): { segments: GridSegment[]; perRow: number } {
  const [placement, setPlacement] = useState<Placement>(() => ({
    perRow: 1,
    gap: 0,
    viewTop: 0,
    viewHeight: window.innerHeight,
  }));
  const heights = useRef(new Map<number, number>());
  const [, setMeasured] = useState(0);
  const cells = useRef<ResizeObserver | undefined>(undefined);
  const observed = useRef(new Set<Element>());

  useEffect(() => {
    const el = list.current!;
    let frame = 0;
    const read = () => {
      frame = 0;
      const style = getComputedStyle(el);
      const next: Placement = {
        perRow: Math.max(1, style.gridTemplateColumns.split(' ').filter(Boolean).length),
        gap: parseFloat(style.rowGap) || 0,
        viewTop: Math.round(-el.getBoundingClientRect().top),
        viewHeight: window.innerHeight,
      };
      setPlacement((p) => {
        if (samePlacement(p, next)) return p;
        if (p.perRow !== next.perRow) heights.current.clear(); // other cards make up each row now
        return next;
      });
    };
    const later = () => (frame ||= requestAnimationFrame(read));
    read();
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    const resize = new ResizeObserver(later);
    resize.observe(el);
    cells.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const row = Number((e.target as HTMLElement).dataset.row);
        const h = Math.round(e.borderBoxSize?.[0]?.blockSize ?? e.contentRect.height);
        if (!Number.isInteger(row) || h <= 0 || heights.current.get(row) === h) continue;
        heights.current.set(row, h);
        changed = true;
      }
      if (changed) setMeasured((n) => n + 1);
    });
    const watched = observed.current;
    return () => {
      window.removeEventListener('scroll', later);
      window.removeEventListener('resize', later);
      resize.disconnect();
      cells.current?.disconnect();
      watched.clear();
      cancelAnimationFrame(frame);
    };
  }, [list]);

  // Measure the cells drawn now; forget those no longer drawn.
  useLayoutEffect(() => {
    const ro = cells.current;
    const el = list.current;
    if (!ro || !el) return;
    for (const cell of observed.current)
      if (!cell.isConnected) {
        ro.unobserve(cell);
        observed.current.delete(cell);
      }
    for (const cell of el.querySelectorAll(':scope > [data-row]'))
      if (!observed.current.has(cell)) {
        ro.observe(cell);
        observed.current.add(cell);
      }
  });

  const segments = gridWindow({ count, heights: heights.current, activeIndex, ...placement });
  return { segments, perRow: placement.perRow };
}
