// VS Code-free on purpose: the benchmark and the unit tests drive the same coalescing the host uses.
import { PROTOCOL_VERSION, type HostToWebview } from '../../protocol/messages';
import type { FleetSnapshot } from '../../protocol/fleet';

/** How long changes are coalesced before one complete snapshot goes to the webview. */
export const SNAPSHOT_COALESCE_MS = 30;

/**
 * Decides when a dashboard webview gets a snapshot: at once when it becomes ready or visible again
 * (a hidden webview misses every post), otherwise at most one per coalescing window after a change.
 * Each post carries a fresh, increasing `rev`, so the webview can drop one that arrives late.
 */
export class SnapshotScheduler {
  private rev = 0;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly build: () => FleetSnapshot,
    private readonly post: (message: HostToWebview) => void,
    private readonly isVisible: () => boolean,
    private readonly coalesceMs = SNAPSHOT_COALESCE_MS,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** The webview answered the ready handshake: send the complete picture now. */
  onReady(): void {
    this.ready = true;
    this.postNow();
  }

  /** The webview became visible again and missed everything while hidden. */
  onVisible(): void {
    if (this.ready) this.postNow();
  }

  /** The data changed: coalesce bursts (many agents ticking together) into one snapshot. */
  onChange(): void {
    if (!this.ready || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isVisible()) this.postNow();
    }, this.coalesceMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ready = false;
  }

  private postNow(): void {
    // A pending coalesced post would only repeat what this one sends.
    clearTimeout(this.timer);
    this.timer = undefined;
    this.post({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++this.rev, snapshot: this.build() });
  }
}
