import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { OrchestratorNotice } from '../../core/orchestrator/orchestrator';
import { statusGroup, WAITING_FOR_PERSON_STATUSES, WORKING_STATUSES } from '../../core/orchestrator/statusMachine';
import type { SpecTaskRepository } from '../extensionContext';
import { notificationText } from '../views/notificationText';

/** "$(hubot) 2 working · 1 to review"; empty when nothing is working or waiting. */
export function statusText(working: number, toReview: number, blocked: boolean, waitingForYou = 0): string {
  const parts = [working ? `${working} working` : '', toReview ? `${toReview} to review` : ''].filter(Boolean);
  if (!parts.length) return '';
  // Agents waiting for an answer come first: they stand still until someone answers.
  const waiting = waitingForYou ? `$(bell) ${waitingForYou} waiting for you · ` : '';
  return `${blocked ? '$(shield)' : '$(hubot)'} ${waiting}${parts.join(' · ')}`;
}

/** The status bar item: agents working and SpecTasks waiting for review; click opens the dashboard. */
export class SpecTaskStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly repositories: () => readonly SpecTaskRepository[],
    private readonly mayRunAgents: () => string | undefined,
  ) {
    super();
    this.item = this._register(
      vscode.window.createStatusBarItem('spectask.status', vscode.StatusBarAlignment.Left, 50),
    );
    this.item.name = 'SpecTask agents';
    this.item.command = 'spectask.fleet.open';
  }

  /** The text currently shown ('' when hidden), for tests. */
  get text(): string {
    return this.visible ? this.item.text : '';
  }
  private visible = false;

  update(): void {
    let working = 0;
    let review = 0;
    let queued = 0;
    let waitingForYou = 0;
    for (const r of this.repositories())
      for (const t of r.orchestrator.taskViews()) {
        if (t.waiting?.length) waitingForYou++;
        if (t.agentWorking || WORKING_STATUSES.has(t.status)) working++;
        else if (WAITING_FOR_PERSON_STATUSES.has(t.status)) review++;
        else if (statusGroup(t.status) === 'queued') queued++;
      }
    const blocked = this.mayRunAgents();
    const text =
      statusText(working, review, !!blocked, waitingForYou) ||
      (blocked && queued ? `$(shield) ${queued} waiting for trust` : '');
    if (!text) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = text;
    const md = new vscode.MarkdownString(
      `**SpecTask agents**\n\n${waitingForYou ? `$(bell) ${waitingForYou} agent${waitingForYou > 1 ? 's wait' : ' waits'} for your answer.\n\n` : ''}${working} working, ${review} waiting for your review${queued ? `, ${queued} queued` : ''}.\n\n${blocked ? `$(shield) ${blocked}\n\n` : ''}Click to open the fleet dashboard.`,
      true,
    );
    this.item.tooltip = md;
    this.item.backgroundColor = blocked ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.visible = true;
  }
}

/** Turns orchestrator notices into notifications with actions. */
export function showNotice(repo: SpecTaskRepository, n: OrchestratorNotice, log: vscode.LogOutputChannel): void {
  const task = repo.orchestrator.task(n.taskId);
  const arg = { repoRoot: repo.root, taskId: n.taskId };
  log[n.kind === 'failed' || n.kind === 'error' ? 'warn' : 'info'](
    `notice ${n.kind} #${task?.number ?? n.taskId}: ${n.message}`,
  );
  const actions: string[] = [];
  if (n.kind === 'spec-ready' || n.kind === 'implementation-ready') actions.push('Review');
  if (n.kind === 'failed') actions.push('Retry', 'Show Transcript');
  actions.push('Open Dashboard');
  if (n.kind === 'failed' || n.kind === 'error') actions.push('Show Log');
  const show =
    n.kind === 'failed' || n.kind === 'error' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(notificationText(n.message), ...actions).then(async (choice) => {
    switch (choice) {
      case 'Review': {
        const cmds = new Set(await vscode.commands.getCommands(true));
        const id = n.kind === 'spec-ready' ? 'spectask.spec.review' : 'spectask.implementation.review';
        await vscode.commands.executeCommand(cmds.has(id) ? id : 'spectask.task.openDocs', arg);
        break;
      }
      case 'Retry':
        await vscode.commands.executeCommand('spectask.task.retry', arg);
        break;
      case 'Show Transcript':
        await vscode.commands.executeCommand('spectask.task.showTranscript', arg);
        break;
      case 'Open Dashboard':
        await vscode.commands.executeCommand('spectask.fleet.open');
        break;
      case 'Show Log':
        log.show();
        break;
    }
  });
}
