import * as assert from 'node:assert/strict';
import { SPECTASK_STATUSES } from '../../../src/core/orchestrator/statusMachine';
import { countByPhase, isPhase, PHASES } from '../../../src/protocol/fleet';
import { phaseOfStatus } from '../../../src/protocol/fleetPhase';

describe('fleet phases', () => {
  it('maps every status of the status machine to a dashboard phase', () => {
    for (const s of SPECTASK_STATUSES) assert.ok(isPhase(phaseOfStatus(s)), s);
    assert.equal(phaseOfStatus('spec_generation'), 'planning');
    assert.equal(phaseOfStatus('spec_revision'), 'planning');
    assert.equal(phaseOfStatus('queued_implementation'), 'queued');
    assert.equal(phaseOfStatus('implementation_failed'), 'failed');
  });

  it('counts cards per phase, with zero for the rest', () => {
    const counts = countByPhase([{ phase: 'planning' }, { phase: 'planning' }, { phase: 'failed' }]);
    assert.equal(counts.planning, 2);
    assert.equal(counts.failed, 1);
    assert.equal(Object.keys(counts).length, PHASES.length);
    assert.equal(counts.done, 0);
  });
});
