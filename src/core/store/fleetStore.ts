import { Disposable, Emitter, type Event } from '../lifecycle';
import { EMPTY_FLEET, reduceFleet, type FleetEvent, type FleetState } from './fleetState';

/**
 * The one store of a workspace's fleet (DESIGN.md §3): events from the watcher, the agents and the user's intents
 * go in through {@link dispatch}, a pure reducer makes the next immutable state, and subscribers get one
 * coalesced {@link onDidChange} carrying the state's `rev`. Every surface (tree, status bar, CodeLens,
 * decorations, dashboard, `spectask fleet`) projects from {@link state}; none keeps a copy.
 *
 * Coalescing: changes made in the same synchronous run of code (one watcher reading reports several events at
 * once; one intent refreshes a task and its queue reasons) are announced once, in a microtask after the last of
 * them. A microtask adds no delay (a lone tick reaches the surfaces at once, as the tick → DOM budget needs) and
 * needs no timer; a surface whose projection is costly limits its own rate by what it costs (the dashboard's
 * cost-adaptive window), instead of every surface guessing a debounce of its own.
 */
export class FleetStore extends Disposable {
  private current: FleetState = EMPTY_FLEET;
  private notifying = false;
  private readonly _onDidChange = this._register(new Emitter<number>());
  /** The state changed; the argument is its new `rev`. Once per synchronous burst of changes. */
  readonly onDidChange: Event<number> = this._onDidChange.event;

  get state(): FleetState {
    return this.current;
  }

  get rev(): number {
    return this.current.rev;
  }

  /** Applies an event; a change is announced once the current synchronous work is done. */
  dispatch(event: FleetEvent): void {
    const next = reduceFleet(this.current, event);
    if (next === this.current) return;
    this.current = next;
    if (this.notifying || this.isDisposed) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      if (!this.isDisposed) this._onDidChange.fire(this.current.rev);
    });
  }
}
