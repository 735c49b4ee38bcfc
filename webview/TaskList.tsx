import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { FleetChecklistItem } from '../src/protocol/fleet';
import { afterAllMeasured } from './animationBatch';
import { mayMove } from './motionBudget';
import { isOnScreen, trackOnScreen } from './onScreen';
import { prefersReducedMotion } from './reducedMotion';
import { TaskListItem, type ItemPlace } from './TaskListItem';
import type { HostApi } from './vscodeApi';

const MOVE_MS = 260;

/**
 * A row's place. Only a live run has a current item: without one nothing is in progress, so the first open item is
 * drawn like the others after it.
 */
function placeOf(index: number, currentIndex: number | undefined, live: boolean): ItemPlace {
  if (currentIndex === undefined) return 'before'; // all done: everything shown is behind us
  if (index < currentIndex) return 'before';
  return index === currentIndex && live ? 'current' : 'after';
}

/** The new current item pulses twice, then rests: it draws the eye to the change, not forever. */
const PULSE: Keyframe[] = [{ opacity: 1 }, { opacity: 0.7 }, { opacity: 1 }];
const PULSE_TIMING: KeyframeAnimationOptions = { duration: 1600, iterations: 2, easing: 'ease-in-out' };

/**
 * The window of checklist items on a card. Items are keyed by their checklist index, so when the window
 * slides (an item got ticked) each row keeps its DOM node and glides to its new place (FLIP: remember
 * the old offsets, measure the new ones, animate the difference away) instead of jumping; new rows
 * fade in and the item now in progress pulses. No motion when the user prefers reduced motion, nor while the
 * fleet ticks faster than a person can follow (see motionBudget).
 */
export function TaskList({
  items,
  currentIndex,
  live,
  host,
  label,
}: {
  items: FleetChecklistItem[];
  currentIndex: number | undefined;
  /** Whether an agent run is live: only then is there a current item (in progress `[~]`, or next `[ ]`). */
  live: boolean;
  host: HostApi;
  label: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const lastTops = useRef<Map<number, number>>(new Map());
  const lastMoved = useRef(-Infinity);
  const lastIndices = useRef('');
  const mounted = useRef(false);
  const lastDoing = useRef<number | undefined>(undefined);
  // The item in progress (`[~]`) of a live run; it pulses twice when it becomes so, as a new current item does.
  const doing = live && items.find((it) => it.index === currentIndex)?.state === 'doing' ? currentIndex : undefined;

  useEffect(() => trackOnScreen(listRef.current!), []);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    // The window slid when it shows other item indices. Most renders change other parts of the card (and
    // the clock re-renders it every second): they neither measure nor ask for motion.
    const indices = items.map((it) => it.index).join(' ');
    const slid = indices !== lastIndices.current;
    lastIndices.current = indices;
    const becameDoing = doing !== undefined && doing !== lastDoing.current;
    lastDoing.current = doing;
    // No motion nobody sees: an off-screen card simply shows its new window when scrolled to.
    if (!isOnScreen(list)) {
      lastTops.current = new Map();
      return;
    }
    // Reading offsets forces a layout, so it is done only when it can lead to motion: on the first render,
    // or when the window slid and neither this list nor the page is flooded.
    const previous = lastTops.current;
    const first = !mounted.current;
    mounted.current = true;
    if (!first) {
      if (!slid) {
        // The agent marked the next item `[~]` without ticking one: the row stays where it is and only pulses.
        if (becameDoing && !prefersReducedMotion() && mayMove()) {
          const row = list.querySelector<HTMLElement>(`[data-index="${doing}"]`);
          afterAllMeasured(() => row?.animate(PULSE, PULSE_TIMING));
        }
        return;
      }
      // A list that slides again within two glides just jumps, and so does every list while the whole page
      // is flooded with ticks: hundreds of overlapping animations would only blur and cost frames.
      const t = performance.now();
      const flooded = t - lastMoved.current < 2 * MOVE_MS;
      lastMoved.current = t;
      if (flooded || prefersReducedMotion() || !mayMove(t)) {
        lastTops.current = new Map(); // unknown until the flood is over: the first calm slide measures again
        return;
      }
    }
    const tops = new Map<number, number>();
    const rows = Array.from(list.children) as HTMLElement[];
    for (const row of rows) tops.set(Number(row.dataset.index), row.offsetTop); // read all before animating
    lastTops.current = tops;
    if (previous.size === 0 || prefersReducedMotion()) return;
    afterAllMeasured(() => {
      for (const row of rows) {
        const index = Number(row.dataset.index);
        const before = previous.get(index);
        const after = tops.get(index)!;
        if (before === undefined) {
          // One keyframe at offset 0: the animation runs from there to the row's own (faded) style.
          row.animate([{ opacity: 0, transform: 'translateY(8px)', offset: 0 }], {
            duration: MOVE_MS,
            easing: 'ease-out',
          });
        } else if (before !== after) {
          row.animate([{ transform: `translateY(${before - after}px)` }, { transform: 'none' }], {
            duration: MOVE_MS,
            easing: 'ease-out',
          });
        }
        if (index === doing) row.animate(PULSE, PULSE_TIMING);
      }
    });
  });

  return (
    <ol class="task-list" ref={listRef} aria-label={label}>
      {items.map((it) => (
        <TaskListItem key={it.index} item={it} place={placeOf(it.index, currentIndex, live)} host={host} />
      ))}
    </ol>
  );
}
