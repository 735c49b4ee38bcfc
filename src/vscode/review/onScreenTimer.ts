/**
 * Calls back for each key that stays on screen for `dwellMs` without leaving it; a key that leaves (or is
 * forgotten) before that is not called back. Pure timers, no `vscode`: the review gate feeds it the visible
 * spec documents.
 */
export class OnScreenTimer {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly dwellMs: number) {}

  /** The keys on screen now: new ones start their wait, those gone stop theirs. */
  onScreen(keys: readonly string[], seen: (key: string) => void): void {
    const now = new Set(keys);
    for (const [key, timer] of this.timers)
      if (!now.has(key)) {
        clearTimeout(timer);
        this.timers.delete(key);
      }
    for (const key of now) {
      if (this.timers.has(key)) continue;
      this.timers.set(
        key,
        setTimeout(() => seen(key), this.dwellMs),
      );
    }
  }

  /** Starts the key's wait over at its next `onScreen` (its content changed). */
  forget(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
