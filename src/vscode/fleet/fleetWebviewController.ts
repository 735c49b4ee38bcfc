import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import {
  assertNever,
  parseWebviewMessage,
  PROTOCOL_VERSION,
  TASK_ACTION_LABELS,
  type TaskAction,
} from '../../protocol/messages';
import { executeCommand } from '../commandRegistry';
import { runBoardMove, runFleetAction, type FleetActions } from './fleetActions';
import { BOARD_MOVE_LABELS, type BoardMove } from '../../protocol/fleet';
import type { FleetSnapshotSource } from './fleetSnapshotSource';
import { openDashboardLink } from './openLink';
import { SnapshotScheduler } from './snapshotScheduler';
import { fleetWebviewOptions, renderFleetHtml } from './webviewHtml';
import { notificationText } from '../views/notificationText';

/** A card action the host has dispatched (fired after the FleetActions method settled). */
export interface DispatchedFleetAction {
  taskId: string;
  action: TaskAction;
  ok: boolean;
}

/**
 * Drives one dashboard webview (sidebar view or editor panel): ready handshake, complete versioned
 * snapshots on ready, on becoming visible and on resync, (coalesced) per-card deltas on change for a page that
 * takes them (complete snapshots for one that does not), and validated incoming messages
 * routed to FleetActions, the link policy or the command registry.
 */
export class FleetWebviewController extends Disposable {
  private readonly scheduler: SnapshotScheduler;
  private readonly _onDidBecomeReady = this._register(new vscode.EventEmitter<void>());
  readonly onDidBecomeReady = this._onDidBecomeReady.event;
  private readonly _onDidDispatchAction = this._register(new vscode.EventEmitter<DispatchedFleetAction>());
  readonly onDidDispatchAction = this._onDidDispatchAction.event;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    source: FleetSnapshotSource,
    private readonly actions: FleetActions,
    private readonly log: vscode.LogOutputChannel,
    isVisible: () => boolean,
    surface: 'view' | 'panel' = 'panel',
  ) {
    super();
    this.scheduler = new SnapshotScheduler(
      () => source.snapshot(),
      (m) => void this.webview.postMessage(m),
      isVisible,
    );
    this._register(this.scheduler);
    webview.options = fleetWebviewOptions(extensionUri);
    webview.html = renderFleetHtml(webview, extensionUri, surface);
    this._register(webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    this._register(source.onDidChange(() => this.scheduler.onChange()));
  }

  get isReady(): boolean {
    return this.scheduler.isReady;
  }

  /** Called by the owner when the view becomes visible again: a hidden webview missed every post. */
  onVisible(): void {
    this.scheduler.onVisible();
  }

  private onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.log.warn(`fleet dashboard: rejected a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (msg.type) {
      case 'webview/ready':
        if (msg.protocol !== PROTOCOL_VERSION) {
          this.log.error(
            `fleet dashboard speaks protocol ${msg.protocol}, host speaks ${PROTOCOL_VERSION}; reload the window.`,
          );
          return;
        }
        this.scheduler.onReady(msg.deltas === true);
        this._onDidBecomeReady.fire();
        return;
      case 'webview/resync':
        if (msg.protocol === PROTOCOL_VERSION) this.scheduler.onResync();
        return;
      case 'task/action':
        void this.runAction(msg.taskId, msg.action);
        return;
      case 'task/move':
        void this.runMove(msg.taskId, msg.move);
        return;
      case 'link/open':
        void openDashboardLink(msg.href, this.log).catch((e) =>
          this.log.error(`fleet dashboard: opening a link failed: ${String(e)}`),
        );
        return;
      case 'command/run':
        void executeCommand(msg.command);
        return;
      case 'permission/answer':
        void this.actions
          .answerPermission?.(msg.taskId, msg.requestId, msg.answer)
          .catch((e) => this.log.error(`fleet dashboard: answering a permission request failed: ${String(e)}`));
        return;
      case 'agent/message':
        void executeCommand('spectask.task.messageAgent', msg.taskId);
        return;
      default:
        assertNever(msg);
    }
  }

  /** A card moved on the Board: the same intent as its button or menu item; a refusal is shown as an error. */
  private async runMove(taskId: string, move: BoardMove): Promise<void> {
    try {
      await runBoardMove(this.actions, (command, id) => executeCommand(command, id), move, taskId);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.log.error(`fleet board: ${move} on SpecTask ${taskId} failed: ${reason}`);
      void vscode.window.showErrorMessage(
        notificationText(`${BOARD_MOVE_LABELS[move]} failed for SpecTask ${taskId}: ${reason}`),
      );
    }
  }

  private async runAction(taskId: string, action: TaskAction): Promise<void> {
    let ok = true;
    try {
      await runFleetAction(this.actions, action, taskId);
    } catch (e) {
      ok = false;
      const reason = e instanceof Error ? e.message : String(e);
      this.log.error(`fleet action ${action} on SpecTask ${taskId} failed: ${reason}`);
      void vscode.window.showErrorMessage(
        notificationText(`${TASK_ACTION_LABELS[action]} failed for SpecTask ${taskId}: ${reason}`),
      );
    }
    if (!this.isDisposed) this._onDidDispatchAction.fire({ taskId, action, ok });
  }
}
