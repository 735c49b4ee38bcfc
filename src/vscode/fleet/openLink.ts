import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { classifyLink } from '../../protocol/linkPolicy';

/**
 * Opens a link the dashboard asked for, if it is allowed: http(s) in the browser, or a file inside a
 * workspace folder in an editor. Everything else is refused and logged. Returns whether it opened.
 */
export async function openDashboardLink(href: string, log: vscode.LogOutputChannel): Promise<boolean> {
  const target = classifyLink(href);
  if (!target) {
    log.warn(
      `fleet dashboard: refused to open ${JSON.stringify(href.slice(0, 200))}: only http(s) links and workspace files are opened`,
    );
    return false;
  }
  if (target.kind === 'web') return vscode.env.openExternal(vscode.Uri.parse(target.url, true));
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const root = folder.uri.fsPath;
    const file = path.resolve(root, target.path);
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // outside this folder (`..`, another drive)
    const uri = vscode.Uri.file(file);
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const line = target.line ? Math.max(0, target.line - 1) : 0;
    await vscode.window.showTextDocument(uri, { preview: true, selection: new vscode.Range(line, 0, line, 0) });
    return true;
  }
  log.warn(`fleet dashboard: refused to open ${JSON.stringify(target.path)}: not a file inside a workspace folder`);
  return false;
}
