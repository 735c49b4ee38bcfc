/**
 * How much motion the whole page may start. Motion (a row gliding to its new place, the new current item
 * pulsing, a progress bar easing forward) is for ticks at a human pace: a few agents, each ticking an item
 * every few minutes. When the fleet ticks several times a second, motion only blurs, and every running
 * animation makes the compositor draw the page again on every frame — with software rendering, as in many
 * remote and virtual machines, that alone took a sixth of a core and doubled the tick → card latency tail
 * (`npm run bench`, dashboard). Then the page goes calm: changes show at once, without motion, until the
 * ticks slow down again. The root element carries `data-motion-flood` meanwhile, for the CSS transitions.
 */
export const MOTION_WINDOW_MS = 2000;
/** More motion requests than this within one window make the page calm: 3 a second. */
export const MAX_MOTIONS_PER_WINDOW = 6;

const requests: number[] = [];
let flooded = false;
let recheck: ReturnType<typeof setTimeout> | undefined;

function prune(now: number): void {
  while (requests.length > 0 && requests[0] <= now - MOTION_WINDOW_MS) requests.shift();
}

function setFlooded(value: boolean): void {
  if (value === flooded) return;
  flooded = value;
  // No document when the unit tests run this logic on Node (whose type library has no DOM either).
  (
    globalThis as { document?: { documentElement: { toggleAttribute(name: string, force: boolean): void } } }
  ).document?.documentElement.toggleAttribute('data-motion-flood', value);
}

function update(now: number): void {
  prune(now);
  setFlooded(requests.length > MAX_MOTIONS_PER_WINDOW);
  clearTimeout(recheck);
  recheck = undefined;
  if (flooded) {
    // Calm again once enough requests have left the window: when the (limit + 1)-th newest one does.
    const at = requests[requests.length - MAX_MOTIONS_PER_WINDOW - 1] + MOTION_WINDOW_MS;
    recheck = setTimeout(() => update(performance.now()), Math.max(0, at - performance.now()) + 1);
  }
}

/**
 * Asks to start one motion now. Every request counts, granted or not: under a steady flood the page stays
 * calm instead of letting a burst through each window.
 */
export function mayMove(now = performance.now()): boolean {
  requests.push(now);
  update(now);
  return !flooded;
}

/** Whether the page is calm because of a flood of changes (for tests and the benchmark). */
export const isMotionFlooded = (): boolean => flooded;

/** Forget all requests (tests). */
export function resetMotionBudget(): void {
  requests.length = 0;
  clearTimeout(recheck);
  recheck = undefined;
  setFlooded(false);
}
