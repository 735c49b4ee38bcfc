// VS Code-free on purpose: the benchmark and the unit tests drive the same coalescing the host uses.
import { PROTOCOL_VERSION, type HostToWebview } from '../../protocol/messages';
import type { FleetSnapshot } from '../../protocol/fleet';
import { diffFleetSnapshot, isEmptyDelta, postedSnapshotOf, type PostedSnapshot } from '../../protocol/fleetDelta';

/**
 * The shortest time between two snapshots to the webview: changes within it are coalesced into one. One display
 * frame: the webview draws at most one snapshot a frame anyway (useFleetSnapshot), so a longer window only adds
 * to a tick's way to the card (up to the whole window while agents keep ticking; issue 24), and the window still
 * grows with what a snapshot costs (SNAPSHOT_LOOP_SHARE).
 */
export const SNAPSHOT_COALESCE_MS = 16;
/**
 * The share of the event loop snapshots may take: a snapshot that cost 10 ms to build and post (a large fleet,
 * a loaded machine) is followed by a window of 100 ms. Never longer than {@link SNAPSHOT_MAX_WINDOW_MS}.
 */
export const SNAPSHOT_LOOP_SHARE = 0.1;
export const SNAPSHOT_MAX_WINDOW_MS = 1000;

/**
 * Decides when a dashboard webview gets a snapshot: at once when it becomes ready or visible again
 * (a hidden webview misses every post), otherwise at most one per coalescing window. The first change after a
 * quiet window goes out on the next turn of the event loop (so the events of one file reading still arrive
 * together), not a whole window later: a lone tick reaches the card without waiting. The window grows with
 * what the last snapshot cost (building it, and serializing it inside `post`), so that however large the fleet
 * or loaded the machine, snapshots take at most a tenth of the extension host's event loop. Each post carries a
 * fresh, increasing `rev`, so the webview can drop one that arrives late.
 *
 * A webview that takes deltas (issue 24) gets the complete snapshot on ready, on becoming visible and when it asks
 * (resync), and in between only the cards that changed since the snapshot it holds (`baseRev`): at 1,000 SpecTasks
 * a tick posts one card instead of half a megabyte. A change that leaves every card, the order and the counts as
 * they were posts nothing.
 */
export class SnapshotScheduler {
  private rev = 0;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPostAt = -Infinity;
  private window: number;
  /** What the webview holds, when it takes deltas: the base of the next delta. */
  private posted: PostedSnapshot | undefined;
  private deltas = false;

  constructor(
    private readonly build: () => FleetSnapshot,
    private readonly post: (message: HostToWebview) => void,
    private readonly isVisible: () => boolean,
    private readonly coalesceMs = SNAPSHOT_COALESCE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.window = coalesceMs;
  }

  /** The current coalescing window: {@link SNAPSHOT_COALESCE_MS}, or longer after a costly snapshot. */
  get windowMs(): number {
    return this.window;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The webview answered the ready handshake (`deltas`: it applies deltas): send the complete picture now. */
  onReady(deltas = false): void {
    this.ready = true;
    this.deltas = deltas;
    this.postNow(true);
  }

  /** The webview became visible again and missed everything while hidden. */
  onVisible(): void {
    if (this.ready) this.postNow(true);
  }

  /** The webview does not hold the base of a delta it got: send the complete picture now. */
  onResync(): void {
    if (this.ready) this.postNow(true);
  }

  /**
   * The fleet store's state changed (its one change per burst, see FleetStore): at most one snapshot per window,
   * so that many agents ticking together cost the host a bounded share of its event loop.
   */
  onChange(): void {
    if (!this.ready || this.timer) return;
    const wait = Math.max(0, this.lastPostAt + this.window - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isVisible()) this.postNow(false);
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ready = false;
    this.posted = undefined;
  }

  private postNow(complete: boolean): void {
    // A pending coalesced post would only repeat what this one sends.
    clearTimeout(this.timer);
    this.timer = undefined;
    const startedAt = this.now();
    this.lastPostAt = startedAt;
    const snapshot = this.build();
    if (!this.deltas) {
      this.post({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++this.rev, snapshot });
    } else if (complete || !this.posted) {
      this.posted = postedSnapshotOf(snapshot);
      this.post({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++this.rev, snapshot });
    } else {
      const base = this.posted;
      const { delta, posted } = diffFleetSnapshot(base, snapshot);
      if (!isEmptyDelta(delta, base, posted)) {
        this.posted = posted;
        const baseRev = this.rev;
        this.post({ type: 'fleet/delta', protocol: PROTOCOL_VERSION, rev: ++this.rev, baseRev, delta });
      }
    }
    const cost = this.now() - startedAt;
    this.window = Math.min(SNAPSHOT_MAX_WINDOW_MS, Math.max(this.coalesceMs, cost / SNAPSHOT_LOOP_SHARE));
  }
}
