/**
 * Runs a pass of some work when asked, never two at once: a request while a pass runs is served by one more pass
 * after it (many requests meanwhile make one pass), so every request is followed by a pass that started after
 * it. The orchestrator's scheduler passes and the review's syncs with the records use it.
 */
export class SerialPasses {
  private running = false;
  private again = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
    /** True once the owner is disposed: no further pass starts. */
    private readonly stopped: () => boolean = () => false,
  ) {}

  /** A pass now, or one more after the running one. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped());
      } catch (e) {
        this.onError(e);
      } finally {
        this.running = false;
      }
    })();
  }

  /** Resolves once no pass runs: after a request, once a pass that started after it has ended. */
  whenIdle(): Promise<void> {
    return this.idle;
  }
}
