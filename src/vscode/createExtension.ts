import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore, Emitter } from '../core/lifecycle';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/version';
import { emptyFleetSnapshot } from '../protocol/fleet';
import { registerCommand } from './commandRegistry';
import { FleetViews } from './fleet/fleetViews';
import type { FleetSnapshotSource } from './fleet/fleetSnapshotSource';
import { unavailableFleetActions } from './fleet/unavailableFleetActions';
import type { DispatchedFleetAction } from './fleet/fleetWebviewController';
import { createLog } from './log';
import { DocsTreeProvider } from './views/docsTree';
import { TasksTreeProvider, type TaskTreeSource } from './views/tasksTree';
import { WorkspaceRepositories } from './workspaceState';

/** What `activate` returns: a small surface the integration tests (and other extensions) can use. */
export interface SpecTaskApi {
  /** Resolves when a fleet dashboard webview (view or panel) has rendered and received a snapshot. */
  whenFleetReady(where: 'view' | 'panel'): Promise<void>;
  /** Fires after a dashboard card action was handed to the fleet actions and settled. */
  onDidDispatchFleetAction: vscode.Event<DispatchedFleetAction>;
  /**
   * Test-only: feed the dashboards from `source` until the orchestrator's store is wired in. The
   * integration tests use it to show a checklist they tick on disk.
   */
  _testSetFleetSnapshotSource(source: FleetSnapshotSource): void;
}

/**
 * The composition root (house rule 2): the only place services are constructed, wiring peers through
 * constructors. Everything created here is owned by the returned store, which `activate` pushes once.
 */
export function createExtension(context: vscode.ExtensionContext): { disposable: vscode.Disposable; api: SpecTaskApi } {
  const store = new DisposableStore();
  const log = store.add(createLog());
  log.info(`${PRODUCT_NAME} ${PRODUCT_VERSION} activating in VS Code ${vscode.version}`);

  const repos = store.add(new WorkspaceRepositories(log));

  // Until the orchestrator's store is wired in, the tree and the dashboard have no SpecTasks to show.
  const noTasks: TaskTreeSource = { onDidChange: store.add(new vscode.EventEmitter<void>()).event, roots: async () => [] };
  const tasksTree = store.add(new TasksTreeProvider(noTasks));
  store.add(vscode.window.createTreeView('spectask.tasks', { treeDataProvider: tasksTree, showCollapseAll: true }));
  void vscode.commands.executeCommand('setContext', 'spectask:noTasks', true);

  const docsTree = store.add(new DocsTreeProvider());
  store.add(vscode.window.createTreeView('spectask.docs', { treeDataProvider: docsTree }));
  store.add(
    repos.onDidChange(async () => {
      const first = repos.repositories[0];
      const branch = vscode.workspace.getConfiguration('spectask').get<string>('designDocsBranch', 'helix-design-docs');
      const root = first && vscode.Uri.file(path.join(first.root, '.git-worktrees', branch));
      const exists = root ? await vscode.workspace.fs.stat(root).then(() => true, () => false) : false;
      docsTree.setRoot(exists ? root : undefined);
      await vscode.commands.executeCommand('setContext', 'spectask:noDesignDocs', !exists);
    }),
  );

  const fleetChanged = store.add(new Emitter<void>());
  const fleetSource: FleetSnapshotSource = { onDidChange: fleetChanged.event, snapshot: emptyFleetSnapshot };
  const fleet = store.add(new FleetViews(context.extensionUri, fleetSource, unavailableFleetActions(log), log));

  store.add(registerCommand('spectask.tasks.refresh', async () => {
    await repos.refresh();
    tasksTree.refresh();
    docsTree.refresh();
  }));
  store.add(registerCommand('spectask.fleet.open', () => fleet.openPanel()));
  store.add(registerCommand('spectask.log.show', () => log.show()));

  void repos.refresh();

  const api: SpecTaskApi = {
    whenFleetReady: (where) =>
      new Promise<void>((resolve) => {
        const sub = fleet.onDidRenderReady((w) => {
          if (w === where) {
            sub.dispose();
            resolve();
          }
        });
      }),
    onDidDispatchFleetAction: (listener) => fleet.onDidDispatchAction(listener),
    _testSetFleetSnapshotSource: (source) => fleet.setSource(source),
  };
  return { disposable: store, api };
}
