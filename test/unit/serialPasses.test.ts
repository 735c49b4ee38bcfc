import * as assert from 'node:assert/strict';
import { SerialPasses } from '../../src/core/serialPasses';

/** A pass the test ends by hand, so that requests can arrive while it runs. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('SerialPasses', () => {
  it('never runs two passes at once, and serves requests made during a pass with one more pass after it', async () => {
    const gates = [gate(), gate()];
    let running = 0;
    let most = 0;
    let passes = 0;
    const done = gate();
    const serial = new SerialPasses(
      async () => {
        running++;
        most = Math.max(most, running);
        await gates[passes]?.opened;
        passes++;
        running--;
        if (passes === 2) done.open();
      },
      (e) => assert.fail(String(e)),
    );
    serial.request();
    serial.request();
    serial.request();
    gates[0].open();
    gates[1].open();
    await done.opened;
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(most, 1, 'passes overlapped');
    assert.equal(passes, 2, 'three requests, the last two during the first pass: two passes');
  });

  it('reports a failed pass and runs again on the next request', async () => {
    const errors: string[] = [];
    let calls = 0;
    const serial = new SerialPasses(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      (e) => errors.push((e as Error).message),
    );
    serial.request();
    await new Promise((r) => setTimeout(r, 10));
    serial.request();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(errors, ['boom']);
    assert.equal(calls, 2);
  });

  it('starts no further pass once its owner is stopped', async () => {
    let stopped = false;
    let calls = 0;
    const g = gate();
    const serial = new SerialPasses(
      async () => {
        calls++;
        await g.opened;
      },
      () => undefined,
      () => stopped,
    );
    serial.request();
    serial.request();
    stopped = true;
    g.open();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 1);
  });
});
