import { vscode } from '../vscodeApi';
import { Disposable, Emitter } from '../../core/lifecycle';
import type { FleetActions } from './fleetActions';
import type { FleetSnapshotSource } from './fleetSnapshotSource';
import { FleetWebviewController, type DispatchedFleetAction } from './fleetWebviewController';
import { SwitchableFleetSource } from './switchableFleetSource';

export const FLEET_VIEW_ID = 'spectask.fleet';
const FLEET_PANEL_TYPE = 'spectask.fleetPanel';

/**
 * Owns both places the dashboard can live: the `spectask.fleet` sidebar view and an editor panel
 * beside the code. No retainContextWhenHidden: the webview is rebuilt from a complete snapshot instead.
 */
export class FleetViews extends Disposable implements vscode.WebviewViewProvider {
  private panel: vscode.WebviewPanel | undefined;
  private readonly source: SwitchableFleetSource;
  private readonly _onDidRenderReady = this._register(new Emitter<'view' | 'panel'>());
  /** Fires when a dashboard webview has loaded its script and received its first snapshot. */
  readonly onDidRenderReady = this._onDidRenderReady.event;
  /** The dashboards that have rendered a snapshot and are still open. */
  private readonly rendered = new Set<'view' | 'panel'>();
  private readonly _onDidDispatchAction = this._register(new Emitter<DispatchedFleetAction>());
  /** Fires after a card action from any dashboard has been handed to FleetActions and settled. */
  readonly onDidDispatchAction = this._onDidDispatchAction.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    source: FleetSnapshotSource,
    private readonly actions: FleetActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.source = this._register(new SwitchableFleetSource(source));
    this._register(vscode.window.registerWebviewViewProvider(FLEET_VIEW_ID, this));
    // A dashboard panel open when the window reloads (or VS Code restarts) comes back with live cards;
    // without a serializer VS Code silently drops it. Nothing is kept in its state: a snapshot rebuilds it.
    this._register(
      vscode.window.registerWebviewPanelSerializer(FLEET_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adoptPanel(panel),
      }),
    );
  }

  /** Whether the sidebar view or the panel is open and has rendered a snapshot. */
  isRendered(where: 'view' | 'panel'): boolean {
    return this.rendered.has(where);
  }

  /** Replace where the dashboards get their data (the orchestrator's store, or a test's fixture). */
  setSource(source: FleetSnapshotSource): void {
    this.source.setSource(source);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const controller = this.createController(view.webview, () => view.visible, 'view');
    const visibility = view.onDidChangeVisibility(() => view.visible && controller.onVisible());
    view.onDidDispose(() => {
      visibility.dispose();
      controller.dispose();
      this.rendered.delete('view');
    });
  }

  /** Open (or reveal) the dashboard as an editor panel beside the active editor. */
  openPanel(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside);
      return;
    }
    this.adoptPanel(vscode.window.createWebviewPanel(FLEET_PANEL_TYPE, 'SpecTask Fleet', vscode.ViewColumn.Beside, {}));
  }

  /** Makes `panel` (new, or restored after a reload) the dashboard panel. */
  private adoptPanel(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) {
      panel.dispose(); // only one dashboard panel: a second restored one would show the same cards
      return;
    }
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'spectask.svg');
    const controller = this.createController(panel.webview, () => panel.visible, 'panel');
    const visibility = panel.onDidChangeViewState(() => panel.visible && controller.onVisible());
    this.panel = panel;
    panel.onDidDispose(() => {
      visibility.dispose();
      controller.dispose();
      this.panel = undefined;
      this.rendered.delete('panel');
    });
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }

  private createController(
    webview: vscode.Webview,
    isVisible: () => boolean,
    where: 'view' | 'panel',
  ): FleetWebviewController {
    const controller = new FleetWebviewController(
      webview,
      this.extensionUri,
      this.source,
      this.actions,
      this.log,
      isVisible,
      where,
    );
    controller.onDidBecomeReady(() => {
      this.rendered.add(where);
      this._onDidRenderReady.fire(where);
    });
    controller.onDidDispatchAction((a) => this._onDidDispatchAction.fire(a));
    return controller;
  }
}
