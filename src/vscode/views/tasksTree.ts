import * as fs from 'node:fs';
import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { describeWaitingPermission } from '../../core/agents/personPermission';
import type { ChecklistItem } from '../../core/checklist/checklistTypes';
import { Disposable } from '../../core/lifecycle';
import {
  describeStatus,
  stageName,
  statusGroup,
  type SpecTaskStatus,
  type StatusGroup,
} from '../../core/orchestrator/statusMachine';
import type { SpecTaskRepository } from '../extensionContext';
import { taskContextValue } from './taskMenuWords';
import { GROUPS } from './taskGroups';
import type { TreeTaskSelection } from './taskSelection';
import { integrationReasonOf } from '../../core/orchestrator/integration/integrationReason';
import { shownError } from '../../core/orchestrator/fleetView';
import { PHASE_LABELS } from '../../protocol/fleet';

export type TaskViewOf = ReturnType<SpecTaskRepository['orchestrator']['taskViews']>[number];

/** Tree nodes. Task, document and item nodes carry `{ repoRoot, taskId }` so commands can resolve them. */
export type TaskTreeNode =
  | { kind: 'repo'; id: string; repoRoot: string; label: string }
  | {
      kind: 'group';
      id: string;
      repoRoot: string;
      group: StatusGroup;
      label: string;
      expanded: boolean;
      taskIds: string[];
    }
  | { kind: 'task'; id: string; repoRoot: string; taskId: string }
  | { kind: 'doc'; id: string; repoRoot: string; taskId: string; file: string }
  | { kind: 'item'; id: string; repoRoot: string; taskId: string; index: number };

/** Where the tree reads from: the opened repositories and a (coalesced) change signal. */
export interface TaskTreeSource {
  readonly onDidChange: vscode.Event<void>;
  repositories(): readonly SpecTaskRepository[];
  /** Shown as the tree's message (e.g. why agents cannot start); undefined for none. */
  message(): string | undefined;
  readonly selection: TreeTaskSelection; // where the tree publishes its selection, for commands to take
}

const ICONS: Record<SpecTaskStatus, [string, string?]> = {
  backlog: ['circle-large-outline'],
  queued_spec_generation: ['clock'],
  spec_generation: ['sync~spin', 'charts.blue'],
  spec_revision: ['clock'],
  spec_review: ['eye', 'charts.yellow'],
  spec_approved: ['check'],
  queued_implementation: ['clock'],
  implementation: ['sync~spin', 'charts.blue'],
  implementation_review: ['git-pull-request', 'charts.yellow'],
  queued_integration: ['git-merge'],
  integrating: ['git-merge', 'charts.blue'],
  done: ['pass-filled', 'charts.green'],
  spec_failed: ['error', 'errorForeground'],
  implementation_failed: ['error', 'errorForeground'],
  // Not red: stopping is the user's choice, not a failure.
  spec_stopped: ['debug-stop'],
  implementation_stopped: ['debug-stop'],
  archived: ['archive'],
};

/** Why the SpecTask's last integration did not reach its base, while it is not done (from its history). */
function integrationSetback(t: TaskViewOf): string | undefined {
  return t.status === 'done' ? undefined : integrationReasonOf(t.record);
}

const ITEM_ICONS: Record<ChecklistItem['state'], vscode.ThemeIcon> = {
  todo: new vscode.ThemeIcon('circle-large-outline'),
  doing: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  done: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')),
};

function progressOf(items: readonly ChecklistItem[]): string | undefined {
  if (!items.length) return undefined;
  return `${items.filter((i) => i.state === 'done').length}/${items.length}`;
}

function taskSignature(t: TaskViewOf): string {
  return JSON.stringify([
    t.title,
    t.status,
    t.error,
    t.backend,
    t.queueReason,
    integrationSetback(t),
    t.agentWorking,
    t.waiting?.[0]?.requestId,
    t.hasWorktree,
    t.record?.branch,
    t.items.map((i) => i.state + i.text),
  ]);
}

/**
 * The `spectask.tasks` tree: SpecTasks grouped by phase with counts; each task with its progress and agent
 * state, its three documents and its checklist items. Refreshes are coalesced by the source; node objects
 * and ids are stable, and when only tasks' contents changed (no task moved between groups) just those
 * task nodes are refreshed, so the tree does not flicker while agents tick items.
 */
export class TasksTreeProvider extends Disposable implements vscode.TreeDataProvider<TaskTreeNode> {
  private readonly _onDidChangeTreeData = this._register(
    new vscode.EventEmitter<TaskTreeNode | TaskTreeNode[] | undefined>(),
  );
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly nodes = new Map<string, TaskTreeNode>();
  private shape = '';
  private signatures = new Map<string, string>();
  private treeView: vscode.TreeView<TaskTreeNode> | undefined;

  /** Set by the composition root so the tree can show its message and commands can take its selection. */
  get view(): vscode.TreeView<TaskTreeNode> | undefined {
    return this.treeView;
  }
  set view(v: vscode.TreeView<TaskTreeNode> | undefined) {
    this.treeView = v;
    if (!v) return;
    const taskNode = (node: TaskTreeNode | undefined) => (node && 'taskId' in node ? node : undefined);
    const publish = () => this.source.selection.update(taskNode(v.selection[0]), v.visible);
    this._register(v.onDidChangeSelection(publish));
    this._register(v.onDidChangeVisibility(publish));
    this._register({ dispose: () => this.source.selection.update(undefined, false) });
  }

  constructor(private readonly source: TaskTreeSource) {
    super();
    this._register(source.onDidChange(() => this.update()));
  }

  refresh(): void {
    this.shape = '';
    this.update();
  }

  /** Number of SpecTasks shown (for the `spectask:noTasks` context key and tests). */
  taskCount(): number {
    return this.source.repositories().reduce((n, r) => n + r.orchestrator.taskViews().length, 0);
  }

  private update(): void {
    if (this.view) this.view.message = this.source.message();
    const repos = this.source.repositories();
    const shape = JSON.stringify(
      repos.map((r) => [
        r.root,
        GROUPS.map((g) =>
          r.orchestrator
            .taskViews()
            .filter((t) => statusGroup(t.status) === g.group)
            .map((t) => t.id),
        ),
      ]),
    );
    const next = new Map<string, string>();
    const changed: TaskTreeNode[] = [];
    for (const r of repos) {
      for (const t of r.orchestrator.taskViews()) {
        const id = `task:${r.root}:${t.id}`;
        const sig = taskSignature(t);
        next.set(id, sig);
        const node = this.nodes.get(id);
        if (node && this.signatures.get(id) !== sig) changed.push(node);
      }
    }
    this.signatures = next;
    if (shape !== this.shape) {
      this.shape = shape;
      this._onDidChangeTreeData.fire(undefined);
    } else if (changed.length) {
      this._onDidChangeTreeData.fire(changed);
    }
  }

  private node<T extends TaskTreeNode>(n: T): T {
    const existing = this.nodes.get(n.id) as T | undefined;
    if (existing) {
      Object.assign(existing, n);
      return existing;
    }
    this.nodes.set(n.id, n);
    return n;
  }

  private repoOf(node: { repoRoot: string }): SpecTaskRepository | undefined {
    return this.source.repositories().find((r) => r.root === node.repoRoot);
  }

  private taskOf(node: { repoRoot: string; taskId: string }): TaskViewOf | undefined {
    return this.repoOf(node)
      ?.orchestrator.taskViews()
      .find((t) => t.id === node.taskId);
  }

  getParent(node: TaskTreeNode): TaskTreeNode | undefined {
    if (node.kind === 'repo' || node.kind === 'group')
      return node.kind === 'group' && this.source.repositories().length > 1
        ? this.nodes.get(`repo:${node.repoRoot}`)
        : undefined;
    if (node.kind === 'task') {
      const t = this.taskOf(node);
      return t ? this.nodes.get(`group:${node.repoRoot}:${statusGroup(t.status)}`) : undefined;
    }
    return this.nodes.get(`task:${node.repoRoot}:${node.taskId}`);
  }

  getChildren(node?: TaskTreeNode): TaskTreeNode[] {
    const repos = this.source.repositories();
    if (!node) {
      if (repos.length > 1)
        return repos.map((r) =>
          this.node({ kind: 'repo', id: `repo:${r.root}`, repoRoot: r.root, label: r.folder.name }),
        );
      return repos[0] ? this.groupsOf(repos[0]) : [];
    }
    switch (node.kind) {
      case 'repo': {
        const r = this.repoOf(node);
        return r ? this.groupsOf(r) : [];
      }
      case 'group': {
        const r = this.repoOf(node);
        if (!r) return [];
        return r.orchestrator
          .taskViews()
          .filter((t) => statusGroup(t.status) === node.group)
          .sort((a, b) => a.number.localeCompare(b.number))
          .map((t) => this.node({ kind: 'task', id: `task:${r.root}:${t.id}`, repoRoot: r.root, taskId: t.id }));
      }
      case 'task': {
        const t = this.taskOf(node);
        if (!t) return [];
        const checklist = !t.record && fs.existsSync(path.join(t.path, 'progress.md')) ? 'progress.md' : 'tasks.md';
        const docs = ['requirements.md', 'design.md', checklist].map((file) =>
          this.node({
            kind: 'doc',
            id: `doc:${node.repoRoot}:${t.id}:${file}`,
            repoRoot: node.repoRoot,
            taskId: t.id,
            file,
          }),
        );
        const items = t.items.map((i) =>
          this.node({
            kind: 'item',
            id: `item:${node.repoRoot}:${t.id}:${i.index}`,
            repoRoot: node.repoRoot,
            taskId: t.id,
            index: i.index,
          }),
        );
        return [...docs, ...items];
      }
      default:
        return [];
    }
  }

  private groupsOf(r: SpecTaskRepository): TaskTreeNode[] {
    const views = r.orchestrator.taskViews();
    return GROUPS.flatMap((g) => {
      const ids = views.filter((t) => statusGroup(t.status) === g.group).map((t) => t.id);
      return ids.length
        ? [
            this.node({
              kind: 'group',
              id: `group:${r.root}:${g.group}`,
              repoRoot: r.root,
              group: g.group,
              label: g.label,
              expanded: g.expanded,
              taskIds: ids,
            }),
          ]
        : [];
    });
  }

  getTreeItem(node: TaskTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repo': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.description = node.repoRoot;
        item.contextValue = 'spectask.repo';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(
          node.label,
          node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = node.id;
        item.description = String(node.taskIds.length);
        item.contextValue = `spectask.group.${node.group}`;
        return item;
      }
      case 'task':
        return this.taskItem(node);
      case 'doc': {
        const t = this.taskOf(node);
        const file = t ? path.join(t.path, node.file) : undefined;
        const item = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(
          node.file === 'tasks.md' ? 'checklist' : node.file === 'design.md' ? 'symbol-structure' : 'book',
        );
        item.contextValue = 'spectask.doc';
        if (file) {
          item.resourceUri = vscode.Uri.file(file);
          item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(file)] };
          item.tooltip = file;
        }
        return item;
      }
      case 'item': {
        const t = this.taskOf(node);
        const i = t?.items.find((x) => x.index === node.index);
        const item = new vscode.TreeItem(
          i ? `${i.id ? `${i.id}: ` : ''}${i.text}` : '(gone)',
          vscode.TreeItemCollapsibleState.None,
        );
        item.id = node.id;
        if (i) {
          item.iconPath = ITEM_ICONS[i.state];
          item.contextValue = `spectask.item.${i.state}`;
          item.tooltip = `${i.state === 'done' ? 'Done' : i.state === 'doing' ? 'In progress' : 'To do'} — line ${i.line + 1} of tasks.md`;
          if (t) {
            const uri = vscode.Uri.file(
              path.join(
                t.path,
                !t.record && fs.existsSync(path.join(t.path, 'progress.md')) ? 'progress.md' : 'tasks.md',
              ),
            );
            item.command = {
              command: 'vscode.open',
              title: 'Open',
              arguments: [
                uri,
                { selection: new vscode.Range(i.line, 0, i.line, 0) } satisfies vscode.TextDocumentShowOptions,
              ],
            };
          }
        }
        return item;
      }
    }
  }

  private taskItem(node: Extract<TaskTreeNode, { kind: 'task' }>): vscode.TreeItem {
    const t = this.taskOf(node);
    const item = new vscode.TreeItem(
      t ? `#${t.number} ${t.title}` : node.taskId,
      vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = node.id;
    if (!t) return item;
    const progress = progressOf(t.items);
    const state = t.waiting?.length
      ? 'waiting for you'
      : t.agentWorking
        ? 'agent working'
        : t.queueReason
          ? t.queueReason
          : t.error && statusGroup(t.status) === 'failed'
            ? 'failed'
            : undefined;
    // A stage more precise than its group's name ("Revising spec" under Planning) says so on the item.
    const stage = stageName(t.status, t.record?.history.at(-1)?.trigger);
    const ownStage = stage === PHASE_LABELS[statusGroup(t.status)] ? undefined : stage;
    item.description = [ownStage, progress, state, integrationSetback(t)].filter(Boolean).join(' · ');
    const [icon, color] = ICONS[t.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = taskContextValue(t.status);
    item.tooltip = taskTooltip(t, progress);
    return item;
  }
}

/**
 * The hover of a SpecTask. Titles, reasons, errors, branch and back-end names come from people and agents:
 * they go in through {@link appendUntrusted}, so a title cannot render a link, an image, HTML or a fake
 * `$(icon)`, and the string is never trusted (no command links, no HTML).
 */
export function taskTooltip(t: TaskViewOf, progress: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  const text = (s: string) => appendUntrusted(md, s);
  md.appendMarkdown(`**#${t.number}** `);
  text(t.title);
  md.appendMarkdown('\n\n$(info) ');
  text(capitalize(describeStatus(t.status)) + (progress ? ` — ${progress} items done` : ''));
  md.appendMarkdown('\n\n');
  if (t.agentWorking) md.appendMarkdown('$(sync~spin) An agent is working on it\n\n');
  if (t.waiting?.length) {
    md.appendMarkdown('$(bell) The agent waits for you: ');
    text(describeWaitingPermission(t.waiting[0]!));
    md.appendMarkdown('\n\n');
  }
  for (const [icon, value] of [
    ['clock', t.queueReason],
    ['git-merge', integrationSetback(t) && `Not integrated: ${integrationSetback(t)}`],
    ['error', shownError(t.status, t.error)],
    ['git-branch', t.record?.branch && `${t.record.branch}${t.record.baseBranch ? ` → ${t.record.baseBranch}` : ''}`],
    ['hubot', t.backend],
  ] as const) {
    if (!value) continue;
    md.appendMarkdown(`$(${icon}) `);
    text(value);
    md.appendMarkdown('\n\n');
  }
  return md;
}

/**
 * Appends text as text: appendText escapes markdown and `$(icon)` syntax but not HTML, so `&`, `<` and `>`
 * become entities first (shown as the characters, never parsed as tags or entities of their own).
 */
function appendUntrusted(md: vscode.MarkdownString, s: string): void {
  md.appendText(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
