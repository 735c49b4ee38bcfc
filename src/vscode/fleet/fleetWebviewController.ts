import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { assertNever, parseWebviewMessage, PROTOCOL_VERSION, type HostToWebview } from '../../protocol/messages';
import { executeCommand } from '../commandRegistry';
import type { FleetSnapshotSource } from './fleetSnapshotSource';
import { fleetWebviewOptions, renderFleetHtml } from './webviewHtml';

/** How long changes are coalesced before one complete snapshot goes to the webview. */
const SNAPSHOT_COALESCE_MS = 30;

/**
 * Drives one dashboard webview (sidebar view or editor panel): ready handshake, complete versioned
 * snapshots on ready, on becoming visible and (coalesced) on change, and validated incoming messages.
 */
export class FleetWebviewController extends Disposable {
  private rev = 0;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly _onDidBecomeReady = this._register(new vscode.EventEmitter<void>());
  readonly onDidBecomeReady = this._onDidBecomeReady.event;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    private readonly source: FleetSnapshotSource,
    private readonly log: vscode.LogOutputChannel,
    private readonly isVisible: () => boolean,
  ) {
    super();
    webview.options = fleetWebviewOptions(extensionUri);
    webview.html = renderFleetHtml(webview, extensionUri);
    this._register(webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    this._register(source.onDidChange(() => this.scheduleSnapshot()));
    this._register({ dispose: () => clearTimeout(this.timer) });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Called by the owner when the view becomes visible again: a hidden webview missed every post. */
  onVisible(): void {
    if (this.ready) this.postSnapshot();
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
          this.log.error(`fleet dashboard speaks protocol ${msg.protocol}, host speaks ${PROTOCOL_VERSION}; reload the window.`);
          return;
        }
        this.ready = true;
        this.postSnapshot();
        this._onDidBecomeReady.fire();
        return;
      case 'command/run':
        void executeCommand(msg.command);
        return;
      default:
        assertNever(msg);
    }
  }

  private scheduleSnapshot(): void {
    if (!this.ready || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isVisible()) this.postSnapshot();
    }, SNAPSHOT_COALESCE_MS);
  }

  private postSnapshot(): void {
    const message: HostToWebview = { type: 'fleet/snapshot', rev: ++this.rev, snapshot: this.source.snapshot() };
    void this.webview.postMessage(message);
  }
}
