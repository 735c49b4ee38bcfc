import { vscode } from '../vscodeApi';
import { describeStatus } from '../../core/orchestrator/statusMachine';
import { parseTaskTarget } from '../commandArgs';
import type { TaskTarget } from '../commandIds';
import type { SpecTaskRepository, TaskRef } from '../extensionContext';
import type { TaskLocator } from '../services/taskLocator';
import { BASE_SCHEME, REVIEW_TITLE_PREFIX } from '../review/diffPlan';
import { withoutIconSyntax } from '../views/iconText';
import type { TreeTaskSelection } from '../views/taskSelection';

/** Which SpecTasks a command may act on, and the verb its questions use ("Which SpecTask do you want to stop?"). */
export interface TaskFilter {
  statuses?: readonly string[];
  verb?: string;
}

/** What resolving a command's SpecTask needs: the open repositories, the locator over them, the tree's selection. */
export interface TaskResolution {
  readonly locator: TaskLocator<SpecTaskRepository>;
  readonly treeSelection: TreeTaskSelection;
  repositories(): readonly SpecTaskRepository[];
}

const allows = (filter: TaskFilter, ref: TaskRef) =>
  !filter.statuses || filter.statuses.includes(ref.repo.orchestrator.task(ref.taskId)?.status ?? '');

/**
 * The SpecTask a command acts on: the one its argument names; with no argument, the SpecTask in front of the
 * user (inferredTasks: active editor, active diff, tree selection) when its status fits; else the user picks one. Undefined when cancelled or nothing fits, after telling the
 * user why. `arg` may be raw (a tree node, an id, a Uri) or already validated: parsing is idempotent, and a
 * garbage argument throws a CommandArgumentError.
 */
export async function resolveTaskTarget(
  from: TaskResolution,
  arg: unknown,
  filter: TaskFilter = {},
): Promise<TaskRef | undefined> {
  const target: TaskTarget = parseTaskTarget(arg);
  const direct = from.locator.resolve(target);
  if (direct) return direct;
  if (target.kind === 'task') {
    void vscode.window.showErrorMessage(`SpecTask ${target.taskId} is not in any open repository.`);
    return undefined;
  }
  // No SpecTask named (palette, keybinding) or a file no SpecTask owns (a diff editor's title menu): the one
  // in front of the user, before asking (issue 22).
  for (const ref of inferredTasks(from)) if (allows(filter, ref)) return ref;
  return pickTask(from.repositories(), filter);
}

/**
 * The SpecTasks the user is looking at, most specific first: the active editor's file, the active tab's
 * documents (a diff's or the multi-file review's sides, the review's title), then the SpecTasks tree's
 * selection while the tree is visible.
 */
export function* inferredTasks(from: TaskResolution): Generator<TaskRef> {
  const editor = vscode.window.activeTextEditor?.document.uri;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  for (const uri of [...(editor ? [editor] : []), ...tabDocuments(tab)]) {
    const hit = from.locator.at(uri.scheme === BASE_SCHEME ? uri.fsPath : uri);
    if (hit) yield { repo: hit.repo, taskId: hit.taskId };
  }
  const number = tab?.label.startsWith(REVIEW_TITLE_PREFIX) ? /#(\d{6})\b/.exec(tab.label)?.[1] : undefined;
  if (number)
    for (const repo of from.repositories()) {
      const t = repo.orchestrator.taskViews().find((v) => v.number === number);
      if (t) yield { repo, taskId: t.id };
    }
  const selected = from.treeSelection.current();
  const ref = selected && from.locator.byId(selected.taskId, selected.repoRoot);
  if (ref) yield ref;
}

/** The documents a tab shows: its file, both sides of a diff, every side of a multi-file diff. */
function tabDocuments(tab: vscode.Tab | undefined): vscode.Uri[] {
  const input = tab?.input;
  if (input instanceof vscode.TabInputText) return [input.uri];
  if (input instanceof vscode.TabInputTextDiff) return [input.modified, input.original];
  // The multi-file diff's input (TabInputTextMultiDiff) is newer than the API types this extension builds with.
  const diffs = (input as { textDiffs?: unknown } | undefined)?.textDiffs;
  if (!Array.isArray(diffs)) return [];
  return diffs
    .flatMap((d: Partial<Record<'modified' | 'original', unknown>>) => [d.modified, d.original])
    .filter((u): u is vscode.Uri => u instanceof vscode.Uri);
}

/** "Which SpecTask do you want to …?" over every open repository's SpecTasks that the filter allows. */
export async function pickTask(
  repositories: readonly SpecTaskRepository[],
  filter: TaskFilter = {},
): Promise<TaskRef | undefined> {
  const candidates = repositories.flatMap((repo) =>
    repo.orchestrator
      .taskViews()
      .filter((t) => !filter.statuses || filter.statuses.includes(t.status))
      .map((t) => ({ repo, t })),
  );
  if (!candidates.length) {
    const what = filter.verb ? ` to ${filter.verb}` : '';
    void vscode.window.showInformationMessage(
      repositories.length
        ? `There is no SpecTask${what} right now.`
        : 'No repository with SpecTasks is open. Create a SpecTask or initialize the design-docs branch first.',
    );
    return undefined;
  }
  const multi = repositories.length > 1;
  const pick = await vscode.window.showQuickPick(
    candidates.map(({ repo, t }) => ({
      label: `#${t.number} ${withoutIconSyntax(t.title)}`,
      description: describeStatus(t.status),
      detail: multi ? repo.folder.name : undefined,
      ref: { repo, taskId: t.id } as TaskRef,
    })),
    {
      title: filter.verb ? `Which SpecTask do you want to ${filter.verb}?` : 'Pick a SpecTask',
      matchOnDescription: true,
    },
  );
  return pick?.ref;
}

/** The only open repository, or the one the user picks; undefined (after a warning) when none is open. */
export async function pickRepository(
  repositories: readonly SpecTaskRepository[],
  title: string,
): Promise<SpecTaskRepository | undefined> {
  if (repositories.length === 1) return repositories[0];
  if (repositories.length === 0) {
    void vscode.window.showWarningMessage(
      'No repository with a design-docs branch is open. Run "SpecTask: Initialize Design-Docs Branch" first.',
    );
    return undefined;
  }
  const choice = await vscode.window.showQuickPick(
    repositories.map((r) => ({ label: r.folder.name, description: r.root, repo: r })),
    { title },
  );
  return choice?.repo;
}

/** The workspace folder something goes to: the only one, or the one the user picks. */
export async function pickWorkspaceFolder(title: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: title });
}
