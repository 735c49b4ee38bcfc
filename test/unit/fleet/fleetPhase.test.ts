import * as assert from 'node:assert/strict';
import { fleetPhaseOf, phaseOfGroup } from '../../../src/core/orchestrator/fleetView';
import {
  SPECTASK_STATUSES,
  STATUS_FACTS,
  STATUS_GROUPS,
  WORKING_STATUSES,
} from '../../../src/core/orchestrator/statusMachine';
import { isPhase, isWorkingPhase, PHASE_LABELS, PHASES } from '../../../src/protocol/fleet';

describe('status → dashboard phase (fleetView.ts, from the status table)', () => {
  it('maps every status to a phase, the same one the tree groups it under', () => {
    for (const s of SPECTASK_STATUSES) {
      assert.ok(isPhase(fleetPhaseOf(s)), s);
      assert.equal(fleetPhaseOf(s), phaseOfGroup(STATUS_FACTS[s].group), s);
    }
    assert.equal(fleetPhaseOf('queued_spec_generation'), 'queued');
    assert.equal(fleetPhaseOf('spec_generation'), 'planning');
    assert.equal(fleetPhaseOf('spec_revision'), 'planning');
    assert.equal(fleetPhaseOf('queued_implementation'), 'queued');
    assert.equal(fleetPhaseOf('implementation_review'), 'implementation_review');
    assert.equal(fleetPhaseOf('implementation_failed'), 'failed');
    // Stopped by you is not failed (issue 22): its own phase, so no red, no Failed group.
    assert.equal(fleetPhaseOf('spec_stopped'), 'stopped');
    assert.equal(fleetPhaseOf('implementation_stopped'), 'stopped');
    assert.equal(fleetPhaseOf('queued_integration'), 'integration');
    assert.equal(fleetPhaseOf('integrating'), 'integration');
  });

  it("has the status table's groups as its phases, in the same order, each with one name", () => {
    assert.deepEqual(STATUS_GROUPS.map(phaseOfGroup), [...PHASES]);
    // The names chosen for issue 19: one per phase, on the tree, the dashboard, the status bar and the CLI.
    assert.deepEqual(PHASE_LABELS, {
      queued: 'Queued',
      planning: 'Planning',
      spec_review: 'Spec review',
      implementing: 'Implementing',
      implementation_review: 'Code review',
      integration: 'Integration',
      stopped: 'Stopped by you',
      failed: 'Failed',
      done: 'Done',
      backlog: 'Backlog',
      archived: 'Archived',
    });
  });

  it('calls a phase working exactly when an agent works in one of its statuses', () => {
    for (const p of PHASES) {
      const agentWorks = SPECTASK_STATUSES.some((s) => fleetPhaseOf(s) === p && WORKING_STATUSES.has(s));
      assert.equal(isWorkingPhase(p), agentWorks, p);
    }
  });
});
