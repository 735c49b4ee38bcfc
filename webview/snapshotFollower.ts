import type { FleetSnapshot } from '../src/protocol/fleet';
import { applyFleetDelta } from '../src/protocol/fleetDelta';
import { assertNever, type HostToWebview } from '../src/protocol/messages';

/** The newest snapshot the host sent, its revision (-1 before the first) and whether one arrived yet. */
export interface FleetState {
  rev: number;
  snapshot: FleetSnapshot;
  received: boolean;
}

/**
 * Follows the host's versioned snapshots (issue 24): a complete snapshot replaces what the page holds; a delta
 * applies to the snapshot of its `baseRev` and to nothing else. A delta whose base the page does not hold (one
 * got lost, or the page has no snapshot yet) is dropped and a complete snapshot asked for once (`webview/resync`);
 * deltas are dropped until it comes. Returns the next state, or undefined when the message changes nothing.
 */
export class FleetSnapshotFollower {
  private newest: FleetState | undefined;
  private awaitingComplete = false;

  constructor(private readonly askComplete: () => void) {}

  take(m: HostToWebview): FleetState | undefined {
    // Messages can overtake each other: one older than what the page took would undo a newer picture.
    if (this.newest && m.rev <= this.newest.rev) return undefined;
    switch (m.type) {
      case 'fleet/snapshot':
        this.awaitingComplete = false;
        return (this.newest = { rev: m.rev, snapshot: m.snapshot, received: true });
      case 'fleet/delta':
        if (!this.newest || this.awaitingComplete || m.baseRev !== this.newest.rev) {
          if (!this.awaitingComplete) this.askComplete();
          this.awaitingComplete = true;
          return undefined;
        }
        return (this.newest = { rev: m.rev, snapshot: applyFleetDelta(this.newest.snapshot, m.delta), received: true });
      default:
        return assertNever(m);
    }
  }
}
