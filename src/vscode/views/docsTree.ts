import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { shownInDocsTree } from './docsTreeFilter';

/**
 * The `spectask.docs` tree: the design-docs worktree's folders and files, read with VS Code's file
 * system API so it works for any workspace file system. Empty (with a welcome view) until the
 * worktree exists.
 */
export class DocsTreeProvider extends Disposable implements vscode.TreeDataProvider<vscode.Uri> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<vscode.Uri | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private root: vscode.Uri | undefined;

  setRoot(root: vscode.Uri | undefined): void {
    this.root = root;
    this._onDidChangeTreeData.fire(undefined);
  }

  refresh(): void {
    this._onDidChangeTreeData.fire(undefined);
  }

  async getTreeItem(uri: vscode.Uri): Promise<vscode.TreeItem> {
    const stat = await vscode.workspace.fs.stat(uri);
    const isDir = (stat.type & vscode.FileType.Directory) !== 0;
    const item = new vscode.TreeItem(
      uri,
      isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    if (!isDir) item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    return item;
  }

  async getChildren(uri?: vscode.Uri): Promise<vscode.Uri[]> {
    const dir = uri ?? this.root;
    if (!dir) return [];
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return [];
    }
    return entries
      .filter(([name]) => shownInDocsTree(name))
      .sort(
        ([a, ta], [b, tb]) => (tb & vscode.FileType.Directory) - (ta & vscode.FileType.Directory) || a.localeCompare(b),
      )
      .map(([name]) => vscode.Uri.file(path.join(dir.fsPath, name)));
  }
}
