import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/lifecycle';
import type { FleetSnapshotSource } from './fleetSnapshotSource';
import { FleetWebviewController } from './fleetWebviewController';

export const FLEET_VIEW_ID = 'spectask.fleet';
const FLEET_PANEL_TYPE = 'spectask.fleetPanel';

/**
 * Owns both places the dashboard can live: the `spectask.fleet` sidebar view and an editor panel
 * beside the code. No retainContextWhenHidden: the webview is rebuilt from a complete snapshot instead.
 */
export class FleetViews extends Disposable implements vscode.WebviewViewProvider {
  private panel: vscode.WebviewPanel | undefined;
  private readonly _onDidRenderReady = this._register(new Emitter<'view' | 'panel'>());
  /** Fires when a dashboard webview has loaded its script and received its first snapshot. */
  readonly onDidRenderReady = this._onDidRenderReady.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: FleetSnapshotSource,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(vscode.window.registerWebviewViewProvider(FLEET_VIEW_ID, this));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const controller = new FleetWebviewController(view.webview, this.extensionUri, this.source, this.log, () => view.visible);
    controller.onDidBecomeReady(() => this._onDidRenderReady.fire('view'));
    const visibility = view.onDidChangeVisibility(() => view.visible && controller.onVisible());
    view.onDidDispose(() => {
      visibility.dispose();
      controller.dispose();
    });
  }

  /** Open (or reveal) the dashboard as an editor panel beside the active editor. */
  openPanel(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside);
      return;
    }
    const panel = vscode.window.createWebviewPanel(FLEET_PANEL_TYPE, 'SpecTask Fleet', vscode.ViewColumn.Beside, {});
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'spectask.svg');
    const controller = new FleetWebviewController(panel.webview, this.extensionUri, this.source, this.log, () => panel.visible);
    controller.onDidBecomeReady(() => this._onDidRenderReady.fire('panel'));
    const visibility = panel.onDidChangeViewState(() => panel.visible && controller.onVisible());
    this.panel = panel;
    panel.onDidDispose(() => {
      visibility.dispose();
      controller.dispose();
      this.panel = undefined;
    });
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
