import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore, Emitter, toDisposable } from '../../src/core/lifecycle';

describe('Disposable', () => {
  it('disposes registered children in reverse order, once', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push(1)));
    store.add(toDisposable(() => order.push(2)));
    store.dispose();
    store.dispose();
    assert.deepEqual(order, [2, 1]);
  });

  it('disposes at once what is registered after disposal', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('keeps disposing the rest when one child throws, then reports the error', () => {
    const store = new DisposableStore();
    let second = false;
    store.add(toDisposable(() => (second = true)));
    store.add(
      toDisposable(() => {
        throw new Error('boom');
      }),
    );
    assert.throws(() => store.dispose(), /boom/);
    assert.equal(second, true);
  });

  it('lets subclasses own subscriptions through _register', () => {
    class Owner extends Disposable {
      readonly emitter = this._register(new Emitter<number>());
    }
    const o = new Owner();
    const seen: number[] = [];
    o.emitter.event((n) => seen.push(n));
    o.emitter.fire(1);
    o.dispose();
    o.emitter.fire(2);
    assert.deepEqual(seen, [1]);
  });
});

describe('Emitter', () => {
  it('delivers to every listener even when one throws', () => {
    const errors: unknown[] = [];
    const e = new Emitter<string>((err) => errors.push(err));
    const seen: string[] = [];
    e.event(() => {
      throw new Error('listener failed');
    });
    e.event((s) => seen.push(s));
    e.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.equal(errors.length, 1);
  });

  it('stops delivering after the subscription is disposed', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    const sub = e.event((n) => seen.push(n));
    e.fire(1);
    sub.dispose();
    e.fire(2);
    assert.deepEqual(seen, [1]);
    assert.equal(e.hasListeners, false);
  });
});
