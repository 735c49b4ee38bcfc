import type { SpecTaskStatus } from '../core/orchestrator/statusMachine';
import type { Phase } from './fleet';

/** Which dashboard phase each status of the status machine (DESIGN.md §5) belongs to. */
const PHASE_OF_STATUS: Readonly<Record<SpecTaskStatus, Phase>> = {
  backlog: 'backlog',
  queued_spec_generation: 'queued',
  spec_generation: 'planning',
  spec_review: 'spec_review',
  spec_revision: 'planning',
  spec_approved: 'queued',
  queued_implementation: 'queued',
  implementation: 'implementing',
  implementation_review: 'implementation_review',
  done: 'done',
  spec_failed: 'failed',
  implementation_failed: 'failed',
  archived: 'archived',
};

/** The dashboard phase of a SpecTask status. */
export const phaseOfStatus = (status: SpecTaskStatus): Phase => PHASE_OF_STATUS[status];
