import * as assert from 'node:assert/strict';
import type { ClaimClient, HeldClaim, RenewOutcome } from '../../../src/core/workers/claimClient';
import { LeaseKeeper, type LostClaim } from '../../../src/core/workers/leaseKeeper';
import { disposeAfterEach } from '../../support/disposeAfterEach';

// A push that hangs (a network cut mid-push: TCP retransmits for minutes) must not keep the agent running past
// its lease: the keeper judges the lease on its timer, not only when a push returns.
describe('LeaseKeeper: a push hanging on a cut network', function () {
  const track = disposeAfterEach();

  it('gives the claim up on its own clock while the push still hangs', async () => {
    let clock = 0;
    const hanging = new Promise<RenewOutcome>(() => undefined);
    // A stand-in for the remote that never answers: the one thing a real remote cannot be made to do on demand.
    const client = { leaseMs: 1_000, renew: () => hanging } as unknown as ClaimClient;
    const keeper = track(new LeaseKeeper(client, () => clock, 200, 20));
    const claim = { task: '000001', ref: 'refs/spectask/claims/000001', sha: 'a'.repeat(40) } as HeldClaim;
    keeper.hold(claim, 0);
    const lost = new Promise<LostClaim>((resolve) => track(keeper.onDidLose(resolve)));
    // Let the first heartbeat's push start and hang, then let the lease run out.
    await new Promise((r) => setTimeout(r, 100));
    clock = 801;
    const l = await lost;
    assert.equal(l.task, '000001');
    assert.equal(keeper.holds('000001'), false);
  });
});
