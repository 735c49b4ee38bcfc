// Pure (no `vscode`), so the unit tier can check the tree's groups against the dashboard's phases.
import { phaseOfGroup } from '../../core/orchestrator/fleetView';
import { STATUS_GROUPS, type StatusGroup } from '../../core/orchestrator/statusMachine';
import { PHASE_LABELS } from '../../protocol/fleet';

/** What waits for a person first, then what runs; a group left out here would still be shown, last. */
const TREE_ORDER: readonly StatusGroup[] = [
  'spec_review',
  'implementation_review',
  'integration',
  'implementing',
  'planning',
  'queued',
  'backlog',
  'failed',
  'stopped',
  'done',
  'archived',
];
/** Groups whose SpecTasks need no attention start collapsed. */
const COLLAPSED: ReadonlySet<StatusGroup> = new Set(['done', 'archived']);

/** Group order and labels of the SpecTasks tree; a group's label is its phase's name on every surface. */
export const GROUPS: readonly { group: StatusGroup; label: string; expanded: boolean }[] = [
  ...TREE_ORDER,
  ...STATUS_GROUPS.filter((g) => !TREE_ORDER.includes(g)),
].map((group) => ({ group, label: PHASE_LABELS[phaseOfGroup(group)], expanded: !COLLAPSED.has(group) }));
