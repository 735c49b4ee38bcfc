// Moved to test/support/orchestratorHarness.ts (one harness for the unit and fault tiers). This re-export keeps
// the imports of the orchestrator tests, which are being split at the same time, working; point them at
// test/support and delete this file once they are merged.
export { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';
export { makeCleanRepo as cleanRepo } from '../../support/tempRepo';
