/**
 * VS Code-shaped disposables and events that do not depend on VS Code, so `src/core` can own its
 * subscriptions the same way `src/vscode` does (house rule 3: every subscription has an owner).
 */

/** Structurally compatible with `vscode.Disposable`. */
export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/**
 * Base class for anything that owns subscriptions. Registered disposables are released in reverse
 * creation order; registering after disposal disposes at once, so a late listener can never leak.
 */
export abstract class Disposable implements IDisposable {
  private readonly _store: IDisposable[] = [];
  private _disposed = false;

  protected get isDisposed(): boolean {
    return this._disposed;
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this._disposed) {
      d.dispose();
    } else {
      this._store.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    const errors: unknown[] = [];
    while (this._store.length) {
      try {
        this._store.pop()!.dispose();
      } catch (e) {
        errors.push(e); // keep disposing the rest; one faulty owner must not leak the others
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }
}

/** A disposable that owns a list, for places that are not classes (the composition root). */
export class DisposableStore extends Disposable {
  add<T extends IDisposable>(d: T): T {
    return this._register(d);
  }
}

/** `vscode.Event`-shaped subscription function. */
export type Event<T> = (listener: (e: T) => void) => IDisposable;

/**
 * Minimal event emitter with the same surface as `vscode.EventEmitter`. A throwing listener does not
 * stop delivery to the others; its error goes to `onListenerError` (default: rethrown asynchronously,
 * so it shows up instead of vanishing).
 */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();
  private disposed = false;

  constructor(
    private readonly onListenerError: (err: unknown) => void = (err) =>
      queueMicrotask(() => {
        throw err;
      }),
  ) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const wrapped = (e: T) => listener(e);
    this.listeners.add(wrapped);
    return toDisposable(() => this.listeners.delete(wrapped));
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
