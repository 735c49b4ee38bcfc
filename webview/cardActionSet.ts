import type { FleetAgentCard } from '../src/protocol/fleet';
import { assertNever, type TaskAction } from '../src/protocol/messages';

/** The buttons of one card: one labelled primary action (if any) and icon buttons for the rest. */
export interface CardActionSet {
  primary?: TaskAction;
  secondary: TaskAction[];
}

/** Which actions make sense for a card in its phase (stop while an agent runs, retry when failed, ...). */
export function cardActions(card: Pick<FleetAgentCard, 'phase' | 'agentId' | 'hasWorktree'>): CardActionSet {
  const transcript: TaskAction[] = card.agentId ? ['showTranscript'] : [];
  const worktree: TaskAction[] = card.hasWorktree ? ['openWorktree'] : [];
  switch (card.phase) {
    case 'planning':
    case 'implementing':
      return { primary: 'stop', secondary: [...transcript, 'openDocs', ...worktree] };
    case 'spec_review':
    case 'implementation_review':
      return { primary: 'review', secondary: ['openDocs', ...worktree, ...transcript] };
    case 'failed':
    case 'stopped':
      return { primary: 'retry', secondary: [...transcript, 'openDocs', ...worktree] };
    case 'queued':
    case 'integration':
    case 'done':
    case 'backlog':
    case 'archived':
      return { secondary: ['openDocs', ...worktree, ...transcript] };
    default:
      return assertNever(card.phase);
  }
}

/** The codicon of each action's icon button. */
export const ACTION_ICONS: Readonly<Record<TaskAction, string>> = {
  openDocs: 'book',
  openWorktree: 'folder-opened',
  showTranscript: 'output',
  stop: 'debug-stop',
  retry: 'refresh',
  review: 'checklist',
};
