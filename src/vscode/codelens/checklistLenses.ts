// Pure (no `vscode`): what the CodeLens above each checklist item of a tasks.md says, and the badge a
// SpecTask folder gets in the explorer. Unit-tested in test/unit/review/checklistLenses.test.ts.
import { checklistProgress, currentItem } from '../../core/checklist/checklistFocus';
import type { ChecklistItem } from '../../core/checklist/checklistTypes';
import {
  stageName,
  statusGroup,
  WAITING_FOR_PERSON_STATUSES,
  WORKING_STATUSES,
  type SpecTaskStatus,
} from '../../core/orchestrator/statusMachine';

/** The agent working on a SpecTask, as far as the fleet snapshot knows it. */
export interface AgentOnTask {
  backend?: string;
  agentId?: string;
  lastActivity?: string;
}

export interface ItemLens {
  /** 0-based line of the item. */
  line: number;
  index: number;
  /** CodeLens title, with codicons. */
  title: string;
  tooltip: string;
  /** Whether this is the item the agent is on (or would take next). */
  current: boolean;
}

/**
 * One lens per checklist item. The current item (last `[~]`, else first `[ ]`, DESIGN.md §4) names the
 * agent when one works on the task; otherwise it says what it waits for.
 */
export function checklistLenses(
  items: readonly ChecklistItem[],
  task: { status?: SpecTaskStatus; agentWorking?: boolean; agent?: AgentOnTask },
): ItemLens[] {
  const cur = currentItem(items);
  const working = !!task.agentWorking || (task.status !== undefined && WORKING_STATUSES.has(task.status));
  const who = agentLabel(task.agent);
  return items.map((it) => {
    const isCurrent = it === cur;
    let title: string;
    let tooltip: string;
    if (it.state === 'done') {
      title = '$(pass) done';
      tooltip = `Item ${it.index + 1} is done`;
    } else if (isCurrent && working && task.status === 'implementation') {
      title = `$(sync~spin) ${it.state === 'doing' ? 'in progress' : 'next'}${who ? ` · ${who}` : ''}`;
      tooltip = `The implementation agent${who ? ` (${who})` : ''} is on item ${it.index + 1}${task.agent?.lastActivity ? `; last: ${task.agent.lastActivity}` : ''}`;
    } else if (it.state === 'doing') {
      title = '$(circle-large-filled) in progress';
      tooltip = `Item ${it.index + 1} is marked in progress ([~])${task.status ? `; the SpecTask is ${task.status.replace(/_/g, ' ')}` : ''}`;
    } else {
      title = isCurrent ? '$(circle-large-outline) to do · next' : '$(circle-large-outline) to do';
      tooltip = `Item ${it.index + 1} is not started`;
    }
    return { line: it.line, index: it.index, title, tooltip, current: isCurrent };
  });
}

export function agentLabel(agent: AgentOnTask | undefined): string {
  if (!agent?.backend && !agent?.agentId) return '';
  return `agent ${agent.backend ?? ''}${agent.agentId ? ` ${agent.agentId}` : ''}`.trim();
}

/**
 * Symbol per status for a folder badge (two characters at most, a VS Code limit). Never a letter: the Explorer's
 * and Source Control's badges are git's letters (A added, M modified, R renamed, D deleted, U untracked), and a
 * status letter beside them read as one of those (issue 22). The tooltip names the status in words.
 */
const STATUS_BADGE: Readonly<Record<SpecTaskStatus, string>> = {
  backlog: '○',
  queued_spec_generation: '◷',
  spec_generation: '✎',
  spec_review: '⚑',
  spec_revision: '✎',
  spec_approved: '◷',
  queued_implementation: '◷',
  implementation: '⚙',
  implementation_review: '⚑',
  queued_integration: '⇢',
  integrating: '⇢',
  done: '●',
  spec_failed: '✕',
  implementation_failed: '✕',
  spec_stopped: '■',
  implementation_stopped: '■',
  archived: '▫',
};

export type BadgeTone = 'working' | 'review' | 'failed' | 'done' | 'quiet';

export interface FolderBadge {
  badge: string;
  tooltip: string;
  tone: BadgeTone;
}

/**
 * A SpecTask folder's decoration: while implementing, the progress in tenths ("4" = 40 %, "✓" at 100 %)
 * would be cryptic, so the badge is the status letter and the tooltip carries the progress.
 */
export function folderBadge(task: {
  number: string;
  title: string;
  status: SpecTaskStatus;
  items: readonly ChecklistItem[];
  agentWorking?: boolean;
  error?: string;
}): FolderBadge {
  const p = checklistProgress(task.items);
  const status = stageName(task.status);
  const progress = p.total ? ` · ${p.done}/${p.total} done` : '';
  const tone: BadgeTone = WAITING_FOR_PERSON_STATUSES.has(task.status)
    ? 'review'
    : statusGroup(task.status) === 'failed'
      ? 'failed'
      : task.status === 'done'
        ? 'done'
        : task.agentWorking || WORKING_STATUSES.has(task.status)
          ? 'working'
          : 'quiet';
  return {
    badge: STATUS_BADGE[task.status],
    tooltip: `SpecTask #${task.number} ${task.title}: ${status}${progress}${task.agentWorking ? ' · agent working' : ''}${task.error ? ` · ${task.error.slice(0, 120)}` : ''}`,
    tone,
  };
}
