/**
 * How `spectask run` is asked to stop. The first Ctrl+C or a SIGTERM requests a graceful stop (every agent gets
 * its soft interrupt, a grace period, then its tree is killed, and only then does the CLI exit); a second Ctrl+C
 * forces: the handlers registered with `onForce` run synchronously (they kill the agents at once) just before
 * the process exits.
 */
export class Interruption {
  readonly requested: Promise<void>;
  private resolve!: () => void;
  private readonly forceHandlers = new Set<() => void>();

  constructor() {
    this.requested = new Promise<void>((r) => (this.resolve = r));
  }

  request(): void {
    this.resolve();
  }

  /** Runs every force handler, each guarded: one failing must not spare the agents of another. */
  force(): void {
    this.resolve();
    for (const h of [...this.forceHandlers])
      try {
        h();
      } catch {
        // the process exits next either way
      }
  }

  onForce(handler: () => void): { dispose(): void } {
    this.forceHandlers.add(handler);
    return { dispose: () => this.forceHandlers.delete(handler) };
  }
}

/** Wires the process's signals: SIGINT or SIGTERM requests; a second SIGINT forces and exits with 130. */
export function interruptionFromSignals(proc: NodeJS.Process = process): Interruption {
  const i = new Interruption();
  const first = () => {
    i.request();
    proc.removeListener('SIGINT', first);
    proc.removeListener('SIGTERM', first);
    proc.once('SIGINT', () => {
      i.force();
      proc.exit(130);
    });
    // A second SIGTERM (a service manager's impatience) is a force too; SIGKILL follows it anyway.
    proc.once('SIGTERM', () => {
      i.force();
      proc.exit(143);
    });
  };
  proc.once('SIGINT', first);
  proc.once('SIGTERM', first);
  return i;
}
