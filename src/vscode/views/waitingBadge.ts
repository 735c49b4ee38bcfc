import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { SpecTaskRepository } from '../extensionContext';
import { waitingBadge } from './waitingBadgeText';

/**
 * The SpecTasks view's badge (shown on the activity-bar icon): how many SpecTasks wait for a person — a spec or
 * code to review — so the count is seen with the sidebar closed. Updated on every change the tree shows.
 */
export class WaitingBadge extends Disposable {
  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly repositories: () => readonly SpecTaskRepository[],
    onDidChange: vscode.Event<void>,
  ) {
    super();
    this._register(onDidChange(() => this.update()));
    this.update();
  }

  update(): void {
    const badge = waitingBadge(this.repositories().flatMap((r) => r.orchestrator.taskViews().map((t) => t.status)));
    const now = this.view.badge;
    if (now?.value === badge?.value && now?.tooltip === badge?.tooltip) return;
    this.view.badge = badge;
  }
}
