// Disposal in `afterEach`, not on a test's last line: a test that fails half-way must not leave watchers,
// timers, git helpers or agent processes running into the next test.

/** Anything a test creates that must be let go of: a store, a watcher, a registry, a harness. */
export interface TestDisposable {
  dispose(): void | Promise<void>;
}

/**
 * Registers an `afterEach` hook in the calling `describe` and returns `track`: everything passed to `track`
 * during a test is disposed after it, newest first (a store before the registry it uses), whether the test
 * passed or not. Every disposal is attempted; the first error fails the hook.
 */
export function disposeAfterEach(): <T extends TestDisposable>(d: T) => T {
  let tracked: TestDisposable[] = [];
  afterEach(async () => {
    const all = tracked.reverse();
    tracked = [];
    let failure: unknown;
    for (const d of all) {
      try {
        await d.dispose();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure) throw failure;
  });
  return (d) => {
    tracked.push(d);
    return d;
  };
}
