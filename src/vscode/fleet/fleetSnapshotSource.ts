import type { FleetSnapshot } from '../../protocol/fleet';
import type { Event } from '../../core/lifecycle';

/** Where the dashboard gets its data: the store's fleet view-model and a change signal. */
export interface FleetSnapshotSource {
  readonly onDidChange: Event<void>;
  snapshot(): FleetSnapshot;
}
