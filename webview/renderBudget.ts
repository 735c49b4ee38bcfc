/**
 * How much of the last second the dashboard spent rendering snapshots, so cards can tell whether the
 * page is under pressure. A few agents ticking cost a few milliseconds a second and every card stays
 * live; when dozens of cards change many times a second, off-screen cards may lag a little so that
 * frames stay smooth.
 */
const WINDOW_MS = 1000;
/** Rendering more than a quarter of the time leaves too little for drawing frames. */
const PRESSURE_SHARE = 0.25;

let started = 0;
const renders: { at: number; ms: number }[] = [];

/** A snapshot render begins (called just before the state update). */
export function renderStarted(): void {
  started = performance.now();
}

/** The dashboard committed the render (called from its layout effect, after every card's). */
export function renderCommitted(): void {
  if (!started) return;
  const now = performance.now();
  renders.push({ at: now, ms: now - started });
  started = 0;
  while (renders.length && renders[0].at < now - WINDOW_MS) renders.shift();
}

/** Whether rendering took more than its share of the last second. */
export function underPressure(): boolean {
  const since = performance.now() - WINDOW_MS;
  let busy = 0;
  for (const r of renders) if (r.at >= since) busy += r.ms;
  return busy > PRESSURE_SHARE * WINDOW_MS;
}
