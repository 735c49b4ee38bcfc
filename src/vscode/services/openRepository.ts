import type { vscode } from '../vscodeApi';
import { DisposableStore, type IDisposable } from '../../core/lifecycle';
import type { OpenedOrchestrator } from '../../core/orchestrator/openOrchestrator';
import type { SpecTaskRepository } from '../extensionContext';

/** An opened repository; owns its orchestrator and the hub's subscriptions to it, released together. */
export class OpenRepository implements SpecTaskRepository {
  private readonly owned = new DisposableStore();

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly opened: OpenedOrchestrator,
  ) {
    this.owned.add(opened); // added first, so disposed after the subscriptions to it
  }
  get root() {
    return this.opened.docs.repo.root;
  }
  get docs() {
    return this.opened.docs;
  }
  get designDocsRoot() {
    return this.opened.docs.location.worktreePath;
  }
  get orchestrator() {
    return this.opened.orchestrator;
  }
  get transcripts() {
    return this.opened.transcripts;
  }
  taskFolder(taskId: string): string | undefined {
    return this.orchestrator.task(taskId)?.path;
  }
  codeWorktree(taskId: string): string | undefined {
    return this.orchestrator.worktreeOf(taskId)?.path;
  }
  /** Ties a subscription's lifetime to this repository's. */
  own(d: IDisposable): void {
    this.owned.add(d);
  }
  dispose(): void {
    this.owned.dispose();
  }
}
