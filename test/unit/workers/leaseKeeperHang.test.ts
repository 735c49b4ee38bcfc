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

// The heartbeat comes every third of the lease: judged only then, a cut-off worker noticed its lapse up to a third
// of the lease late, leaving its agent less than the margin to stop before another worker may take over (the
// partition fault test saw the agent run 3,004–3,023 ms of a 3 s lease).
describe('LeaseKeeper: the lapse is judged at its deadline, not at the next heartbeat', function () {
  const track = disposeAfterEach();

  it('gives the claim up at lease minus margin with no heartbeat due', async () => {
    const t0 = performance.now();
    const client = { leaseMs: 300, renew: () => new Promise<RenewOutcome>(() => undefined) } as unknown as ClaimClient;
    // A heartbeat far beyond the lease: only the deadline's own timer can notice the lapse.
    const keeper = track(new LeaseKeeper(client, () => performance.now(), 60, 3_600_000));
    const claim = { task: '000002', ref: 'refs/spectask/claims/000002', sha: 'b'.repeat(40) } as HeldClaim;
    keeper.hold(claim, t0);
    const l = await new Promise<LostClaim>((resolve) => track(keeper.onDidLose(resolve)));
    assert.equal(l.task, '000002');
    assert.ok(performance.now() - t0 >= 240, 'not before the deadline');
  });
});
