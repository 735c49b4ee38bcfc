/**
 * Runs animation starts after every component has measured. A list that reads its rows' offsets and
 * then calls `animate()` dirties style for the next list's reads, so 50 cards in one commit would force
 * 50 style-and-layout passes; queueing the writes to one microtask (still before paint) needs one.
 */
const queue: (() => void)[] = [];

export function afterAllMeasured(write: () => void): void {
  if (queue.push(write) === 1) {
    queueMicrotask(() => {
      for (const w of queue.splice(0)) w();
    });
  }
}
