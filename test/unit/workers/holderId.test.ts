import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newWorkerIdentity } from '../../../src/core/workers/claimClient';
import type { ClaimRecord } from '../../../src/core/workers/claimRecord';
import { formatClaimMessage, parseClaimMessage } from '../../../src/core/workers/claimRecord';
import { holderIdFile, isOwnStaleClaim, persistentHolderId } from '../../../src/core/workers/holderId';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

const record = (worker: ClaimRecord['worker']): ClaimRecord => ({
  v: 1,
  task: '000001',
  worker,
  leaseMs: 60_000,
  expiresAt: new Date().toISOString(),
  seq: 0,
  nonce: 'n',
});

describe('claim holder ids: a restarted process knows its own claims (issue 23)', () => {
  after(cleanupTemp);

  it('is stable for a clone across restarts, and differs between clones', () => {
    const [a, b] = [tempDir('spectask-holder-'), tempDir('spectask-holder-')];
    const first = persistentHolderId(a);
    assert.match(first ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(persistentHolderId(a), first);
    assert.notEqual(persistentHolderId(b), first);
    // A file someone wrote by hand is not trusted as an id: a fresh one is not made over it either.
    fs.writeFileSync(holderIdFile(b), 'not an id\n');
    assert.equal(persistentHolderId(b), undefined);
  });

  it('adopts only a claim of this clone, on this host, whose process is gone', () => {
    const host = os.hostname();
    const me = newWorkerIdentity(host, process.pid, new Date(), 'holder-1');
    const before = newWorkerIdentity(host, 4242, new Date(), 'holder-1');
    const gone = () => false;
    const alive = () => true;
    assert.equal(isOwnStaleClaim(record(before), me, gone), true);
    assert.equal(isOwnStaleClaim(record(before), me, alive), false, 'a live process of the same clone keeps it');
    assert.equal(isOwnStaleClaim(record({ ...before, holder: 'holder-2' }), me, gone), false, 'another clone');
    assert.equal(isOwnStaleClaim(record({ ...before, holder: undefined }), me, gone), false, 'a claim naming none');
    assert.equal(isOwnStaleClaim(record({ ...before, host: `${host}-x` }), me, gone), false, 'another host');
    assert.equal(isOwnStaleClaim(record(me), me, gone), false, 'our own live claim is not taken over');
    assert.equal(isOwnStaleClaim(record(before), { ...me, holder: undefined }, gone), false);
    assert.equal(isOwnStaleClaim(undefined, me, gone), false);
    assert.equal(
      isOwnStaleClaim(record({ ...before, pid: process.pid }), me, alive),
      true,
      'our own pid under another id: its earlier owner is gone',
    );
  });

  it('the holder id travels in the claim record, checked like the rest', () => {
    const w = newWorkerIdentity('box', 7, new Date(), 'holder-1');
    assert.equal(parseClaimMessage(formatClaimMessage(record(w)))?.worker.holder, 'holder-1');
    assert.equal(parseClaimMessage(formatClaimMessage(record({ ...w, holder: 'x'.repeat(101) }))), undefined);
    assert.equal(path.basename(holderIdFile('/x')), 'holder-id');
  });
});
