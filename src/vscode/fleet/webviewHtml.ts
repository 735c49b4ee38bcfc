import * as crypto from 'node:crypto';
import { vscode } from '../vscodeApi';
import { fleetHtml } from './fleetHtml';

/** The dashboard's HTML for one webview: a fresh crypto nonce, every asset through asWebviewUri. */
export function renderFleetHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  surface: 'view' | 'panel' = 'panel',
): string {
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  return fleetHtml({
    nonce: crypto.randomBytes(16).toString('base64'),
    cspSource: webview.cspSource,
    scriptUri: asset('dist', 'webview.js'),
    styleUri: asset('dist', 'webview.css'),
    codiconUri: asset('dist', 'codicons', 'codicon.css'),
    surface,
  });
}

/** Webview options shared by the sidebar view and the editor panel. */
export function fleetWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
