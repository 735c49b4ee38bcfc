import { Disposable, Emitter, type IDisposable } from '../../core/lifecycle';
import type { FleetSnapshot } from '../../protocol/fleet';
import type { FleetSnapshotSource } from './fleetSnapshotSource';

/**
 * A FleetSnapshotSource whose underlying source can be replaced while dashboards are open; replacing it
 * counts as a change, so every open dashboard gets the new picture.
 */
export class SwitchableFleetSource extends Disposable implements FleetSnapshotSource {
  private inner: FleetSnapshotSource;
  private innerSub: IDisposable;
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;

  constructor(initial: FleetSnapshotSource) {
    super();
    this.inner = initial;
    this.innerSub = initial.onDidChange(() => this._onDidChange.fire());
    this._register({ dispose: () => this.innerSub.dispose() });
  }

  snapshot(): FleetSnapshot {
    return this.inner.snapshot();
  }

  /** Use `source` from now on. */
  setSource(source: FleetSnapshotSource): void {
    this.innerSub.dispose();
    this.inner = source;
    this.innerSub = source.onDidChange(() => this._onDidChange.fire());
    this._onDidChange.fire();
  }
}
