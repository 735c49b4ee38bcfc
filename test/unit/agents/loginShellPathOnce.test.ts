import * as assert from 'node:assert/strict';
import { LoginShellPathOnce } from '../../../src/core/agents/loginShellPathOnce';

describe('LoginShellPathOnce: the login shell PATH is read once, never inside the call that asks (activation)', () => {
  it('starts the read after the current turn, once, and tells when it is known', async () => {
    const reads: string[] = [];
    let loaded = 0;
    const once = new LoginShellPathOnce(
      () => true,
      () => loaded++,
      async () => {
        reads.push('read');
        return '/login/bin:/usr/bin';
      },
    );
    const first = once.ready();
    const second = once.ready();
    assert.deepEqual(reads, [], 'no process is started within the call (it would run inside activate())');
    await Promise.all([first, second]);
    assert.deepEqual(reads, ['read'], 'read once');
    assert.equal(once.path, '/login/bin:/usr/bin');
    assert.equal(loaded, 1);
    await once.ready();
    assert.deepEqual(reads, ['read']);
  });

  it('reads nothing while it may not start a process, and reads at the first call after', async () => {
    let trusted = false;
    let reads = 0;
    const once = new LoginShellPathOnce(
      () => trusted,
      () => undefined,
      async () => {
        reads++;
        return undefined;
      },
    );
    await once.ready();
    await new Promise((r) => setImmediate(r));
    assert.equal(reads, 0);
    assert.equal(once.path, undefined);
    trusted = true;
    await once.ready();
    assert.equal(reads, 1);
  });

  it('a failed read leaves the PATH unknown and does not reject', async () => {
    const once = new LoginShellPathOnce(
      () => true,
      () => assert.fail('not loaded'),
      () => Promise.reject(new Error('no shell')),
    );
    await once.ready();
    assert.equal(once.path, undefined);
  });
});
