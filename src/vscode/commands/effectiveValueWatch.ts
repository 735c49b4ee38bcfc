/**
 * Remembers the value each watched setting had when last looked at, so a configuration event only counts when the
 * value in effect changed. VS Code reports a key as affected when any level of it changes — e.g. when trusting a
 * workspace applies its settings file — even for a machine-scoped setting whose workspace value is ignored; a
 * confirmation on such an event tells the user about a change they never made (and its notification lands while
 * they type elsewhere).
 */
export class EffectiveValueWatch<K extends string> {
  private readonly last = new Map<K, string>();

  constructor(
    keys: readonly K[],
    private readonly read: (key: K) => string,
  ) {
    for (const key of keys) this.last.set(key, read(key));
  }

  /** True once per change of `key`'s value in effect since the last call (or since construction). */
  changed(key: K): boolean {
    const now = this.read(key);
    if (this.last.get(key) === now) return false;
    this.last.set(key, now);
    return true;
  }
}
