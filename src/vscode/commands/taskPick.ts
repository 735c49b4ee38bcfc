import { vscode } from '../vscodeApi';
import { describeStatus } from '../../core/orchestrator/statusMachine';
import { parseTaskTarget } from '../commandArgs';
import type { TaskTarget } from '../commandIds';
import type { SpecTaskRepository, TaskRef } from '../extensionContext';
import type { TaskLocator } from '../services/taskLocator';
import { withoutIconSyntax } from '../views/iconText';

/** Which SpecTasks a command may act on, and the verb its questions use ("Which SpecTask do you want to stop?"). */
export interface TaskFilter {
  statuses?: readonly string[];
  verb?: string;
}

/** What resolving a command's SpecTask needs: the open repositories and the locator over them. */
export interface TaskResolution {
  readonly locator: TaskLocator<SpecTaskRepository>;
  repositories(): readonly SpecTaskRepository[];
}

const allows = (filter: TaskFilter, ref: TaskRef) =>
  !filter.statuses || filter.statuses.includes(ref.repo.orchestrator.task(ref.taskId)?.status ?? '');

/**
 * The SpecTask a command acts on: the one its argument names; with no argument, the active editor's SpecTask
 * (when its status fits); else the user picks one. Undefined when cancelled or nothing fits, after telling the
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
  const active = vscode.window.activeTextEditor?.document.uri;
  if (target.kind === 'none' && active) {
    const hit = from.locator.at(active);
    const fromEditor = hit && { repo: hit.repo, taskId: hit.taskId };
    if (fromEditor && allows(filter, fromEditor)) return fromEditor;
  }
  return pickTask(from.repositories(), filter);
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
