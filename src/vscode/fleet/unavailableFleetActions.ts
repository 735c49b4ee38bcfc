import { vscode } from '../vscodeApi';
import type { TaskAction } from '../../protocol/messages';
import type { FleetActions } from './fleetActions';

const WORDING: Readonly<Record<TaskAction, string>> = {
  openDocs: 'Opening the documents',
  openWorktree: 'Opening the worktree',
  showTranscript: 'Showing the transcript',
  stop: 'Stopping an agent',
  retry: 'Retrying',
  review: 'Reviewing',
};

/**
 * Stand-in until the orchestrator implements FleetActions: every action is logged and answered with an
 * honest "not available yet", so a click is never silently lost.
 */
export function unavailableFleetActions(log: vscode.LogOutputChannel): FleetActions {
  const say = (action: TaskAction) => async (taskId: string) => {
    log.info(`fleet action ${action} on SpecTask ${taskId}: not available yet`);
    void vscode.window.showInformationMessage(`${WORDING[action]} from the fleet dashboard is not available yet.`);
  };
  return {
    openDocs: say('openDocs'),
    openWorktree: say('openWorktree'),
    showTranscript: say('showTranscript'),
    stop: say('stop'),
    retry: say('retry'),
    review: say('review'),
  };
}
