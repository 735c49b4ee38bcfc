import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';

/** One node of the SpecTasks tree. Filled in as the design-docs store lands (issue 3 / 6). */
export interface TaskTreeNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  children?: TaskTreeNode[];
}

/** Supplies the tree's roots; the store-backed implementation replaces the empty one. */
export interface TaskTreeSource {
  readonly onDidChange: vscode.Event<void>;
  roots(): Promise<TaskTreeNode[]>;
}

export class TasksTreeProvider extends Disposable implements vscode.TreeDataProvider<TaskTreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TaskTreeNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(private readonly source: TaskTreeSource) {
    super();
    this._register(source.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
  }

  refresh(): void {
    this._onDidChangeTreeData.fire(undefined);
  }

  getTreeItem(node: TaskTreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    return item;
  }

  async getChildren(node?: TaskTreeNode): Promise<TaskTreeNode[]> {
    return node ? (node.children ?? []) : this.source.roots();
  }
}
