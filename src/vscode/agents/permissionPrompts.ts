import { vscode } from '../vscodeApi';
import { Disposable, toDisposable, type IDisposable } from '../../core/lifecycle';
import { describeWaitingPermission, type WaitingPermission } from '../../core/agents/personPermission';
import { PERMISSION_ANSWER_LABELS, PERMISSION_ANSWERS, type PermissionAnswer } from '../../protocol/messages';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import type { TaskResolution } from '../commands/taskPick';
import { reportErrors } from '../commands/taskCommands';
import { notificationText } from '../views/notificationText';

/**
 * "Waiting for you" outside the dashboard: a notification for each tool call an agent waits on (Allow once /
 * Allow always / Reject), and the `spectask.task.answerPermission` command the SpecTasks tree offers on a
 * waiting task. The answer goes to the repository's PermissionRoom, like the dashboard's; the first answer
 * wins, a later one (a stale notification) does nothing. `changed` tells the tree and the status bar.
 */
export class PermissionPrompts extends Disposable {
  /** Subscriptions to the open repositories' rooms, renewed when the repositories change. */
  private perRepo: IDisposable[] = [];

  constructor(
    private readonly services: SpecTaskServices & TaskResolution,
    private readonly changed: () => void,
  ) {
    super();
    this._register(toDisposable(() => this.unwatch()));
    this._register(services.onDidChangeOrchestrators(() => this.watch()));
    this._register(
      registerCommand('spectask.task.answerPermission', (arg) =>
        reportErrors(services.log, 'Answer the agent', async () => {
          const ref = await services.resolveTask(arg, { verb: 'answer' });
          if (ref) await this.pick(ref.repo, ref.taskId);
        }),
      ),
    );
    this.watch();
  }

  private watch(): void {
    this.unwatch();
    for (const repo of this.services.repositories()) {
      const room = repo.orchestrator.permissions;
      this.perRepo.push(
        room.onDidAsk(({ taskId, request }) => {
          this.changed();
          void this.notify(repo, taskId, request);
        }),
        room.onDidSettle(() => this.changed()),
      );
    }
  }

  private unwatch(): void {
    for (const d of this.perRepo.splice(0)) d.dispose();
  }

  private async notify(repo: SpecTaskRepository, taskId: string, w: WaitingPermission): Promise<void> {
    const task = repo.orchestrator.task(taskId);
    const who = task ? `#${task.number} "${task.title}"` : taskId;
    this.services.log.info(`agent of ${who} waits for you: ${describeWaitingPermission(w)}`);
    const labels = PERMISSION_ANSWERS.map((a) => PERMISSION_ANSWER_LABELS[a]);
    const choice = await vscode.window.showWarningMessage(
      notificationText(`The agent of ${who} waits for you: ${describeWaitingPermission(w)}`),
      ...labels,
    );
    const answer = PERMISSION_ANSWERS.find((a) => PERMISSION_ANSWER_LABELS[a] === choice);
    if (answer) this.answer(repo, taskId, w.requestId, answer);
  }

  /** The command: the oldest question of the task, answered from a quick pick. */
  private async pick(repo: SpecTaskRepository, taskId: string): Promise<void> {
    const w = repo.orchestrator.permissions.waiting(taskId)[0];
    if (!w) {
      void vscode.window.showInformationMessage('The agent of this SpecTask waits for nothing.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      PERMISSION_ANSWERS.map((a) => ({ label: PERMISSION_ANSWER_LABELS[a], answer: a })),
      { title: notificationText(describeWaitingPermission(w)), placeHolder: 'The agent waits for your answer' },
    );
    if (picked) this.answer(repo, taskId, w.requestId, picked.answer);
  }

  private answer(repo: SpecTaskRepository, taskId: string, requestId: string, answer: PermissionAnswer): void {
    if (!repo.orchestrator.permissions.answer(taskId, requestId, answer))
      this.services.log.info(`permission request ${requestId} was already answered, timed out or its run ended`);
  }
}
