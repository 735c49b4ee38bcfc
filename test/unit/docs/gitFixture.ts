// Moved to test/support/tempRepo.ts (one temporary-repository builder for the unit and fault tiers). This
// re-export keeps the imports of the orchestrator tests, which are being split at the same time, working; point
// them at test/support and delete this file once they are merged.
export * from '../../support/tempRepo';
