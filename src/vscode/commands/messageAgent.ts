import { vscode } from '../vscodeApi';
import { checkAgentMessage, MAX_AGENT_MESSAGE_BYTES } from '../../core/agents/agentMessages';
import { WORKING_STATUSES } from '../../core/orchestrator/statusMachine';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskServices } from '../extensionContext';
import { notificationText } from '../views/notificationText';
import { TRANSCRIPT_SCHEME, type TranscriptDocuments } from '../services/transcripts';
import { reportErrors } from './taskCommands';

/**
 * "Message the Agent…" (issue 20), from the tree item, the palette and the dashboard card: an input box, then
 * the text goes to the SpecTask's live run, which gets it when its current turn ends (it is recorded in the
 * transcript as "You: …"). Refused with the reason when no run is live.
 */
export function registerMessageAgent(services: SpecTaskServices, transcripts: TranscriptDocuments): vscode.Disposable {
  return registerCommand('spectask.task.messageAgent', (arg) =>
    reportErrors(services.log, 'Message the agent', async () => {
      const ref = await services.resolveTask(arg, { statuses: [...WORKING_STATUSES], verb: 'message the agent of' });
      if (!ref) return;
      const task = ref.repo.orchestrator.task(ref.taskId);
      const who = task ? `#${task.number} "${task.title}"` : `SpecTask ${ref.taskId}`;
      if (ref.repo.orchestrator.fleet.state.agents.get(ref.taskId)?.status !== 'working') {
        void vscode.window.showWarningMessage(
          notificationText(`No agent of ${who} is running: there is no one to tell.`),
        );
        return;
      }
      const text = await vscode.window.showInputBox({
        title: notificationText(`Message the agent of ${who}`),
        prompt: 'The agent gets it when its current turn ends; it is kept in the transcript.',
        placeHolder: 'e.g. Also cover the error case in the tests.',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const checked = v.trim() ? checkAgentMessage(v) : undefined;
          return checked && 'error' in checked
            ? `${checked.error} (at most ${MAX_AGENT_MESSAGE_BYTES} bytes)`
            : undefined;
        },
      });
      if (text === undefined) return;
      const outcome = ref.repo.orchestrator.messageAgent(ref.taskId, text);
      if (outcome.accepted) {
        services.log.info(`message for the agent of ${who} taken: delivered when its current turn ends`);
        // An open transcript shows "You: …" now, not at the agent's next tool call.
        await ref.repo.transcripts.flush();
        for (const doc of vscode.workspace.textDocuments)
          if (doc.uri.scheme === TRANSCRIPT_SCHEME) transcripts.refresh(doc.uri);
        void vscode.window.showInformationMessage(
          notificationText(`Sent to the agent of ${who}: it gets it when its current turn ends.`),
        );
      } else void vscode.window.showWarningMessage(notificationText(`The message was not sent: ${outcome.reason}.`));
    }),
  );
}
