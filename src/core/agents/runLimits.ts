import type { StartRequest } from './agentBackend';

/** Why a limit stopped the run, in the words the result shows. */
export interface LimitStop {
  status: 'timeout';
  message: string;
}

/**
 * The wall-clock and idle limits of one agent run, shared by the CLI runner and the ACP run: `arm` when the agent
 * started, `touch` on every sign of life (an output line, an update), `clear` when the run ends. A limit that runs
 * out calls `onExpired` once per timer; `isOver` tells `touch` that the run is already stopping or ended.
 */
export class RunLimitTimers {
  private idleTimer: NodeJS.Timeout | undefined;
  private wallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: StartRequest['limits'],
    private readonly onExpired: (stop: LimitStop) => void,
    private readonly isOver: () => boolean,
  ) {}

  arm(): void {
    const wall = this.limits?.wallClockMs;
    if (wall)
      this.wallTimer = setTimeout(
        () => this.onExpired({ status: 'timeout', message: `wall-clock limit of ${wall} ms reached` }),
        wall,
      );
    this.touch();
  }

  touch(): void {
    const idle = this.limits?.idleMs;
    if (!idle || this.isOver()) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.onExpired({ status: 'timeout', message: `no output for ${idle} ms (idle timeout)` }),
      idle,
    );
  }

  clear(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.wallTimer) clearTimeout(this.wallTimer);
  }
}
