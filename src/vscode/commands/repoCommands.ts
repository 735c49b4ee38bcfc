import { execFile } from 'node:child_process';
import { vscode } from '../vscodeApi';
import { RepositoryRefusedError } from '../../core/git/gitErrors';
import { showUntrustedNotice } from '../services/trustGate';
import { Disposable } from '../../core/lifecycle';
import { executeCommand, registerCommand } from '../commandRegistry';
import type { CreateTaskRequest, UriLike } from '../commandIds';
import type { SpecTaskRepository } from '../extensionContext';
import type { BackendCatalog } from '../services/backends';
import type { RepositoryHub } from '../services/repositoryHub';
import { askCreateTask, createFromAnswers, refusedToStart, validateGoal, type CreateTaskAnswers } from './createTask';
import { reportErrors } from './taskCommands';
import { pickWorkspaceFolder } from './taskPick';
import { notificationText } from '../views/notificationText';

/**
 * Opening a repository for SpecTasks: "Initialize design-docs branch" and "Create SpecTask" (which
 * initializes the branch on first use). Refusals of the design-docs store are shown with their own
 * message and, for a folder without git, an offer to run `git init`.
 */
export class RepoCommands extends Disposable {
  constructor(
    private readonly hub: RepositoryHub,
    private readonly catalog: BackendCatalog,
  ) {
    super();
    const log = hub.log;
    this._register(
      registerCommand('spectask.designDocs.init', (folder) =>
        reportErrors(log, 'Initialize design-docs branch', () => this.initialize(folder)),
      ),
    );
    this._register(
      registerCommand('spectask.task.create', (request, folder) =>
        reportErrors(log, 'Create SpecTask', () =>
          request?.goal ? this.createWithoutAsking(request, folder) : this.create(),
        ),
      ),
    );
  }

  /** Opens (creating the branch if needed) the repository of the picked folder; undefined when refused or cancelled. */
  async openRepository(
    folderArg?: UriLike,
    why = 'Which folder should hold the SpecTasks?',
  ): Promise<SpecTaskRepository | undefined> {
    const folder = folderArg
      ? vscode.workspace.getWorkspaceFolder(
          folderArg instanceof vscode.Uri ? folderArg : vscode.Uri.file(folderArg.fsPath),
        )
      : await pickWorkspaceFolder(why);
    if (!folder) {
      if (!vscode.workspace.workspaceFolders?.length) {
        const c = await vscode.window.showWarningMessage(
          'Open a folder first: SpecTasks live in a git repository.',
          'Open Folder',
          'Create in a Sample Project',
        );
        if (c === 'Open Folder') await vscode.commands.executeCommand('workbench.action.files.openFolder');
        if (c === 'Create in a Sample Project') await executeCommand('spectask.sample.create');
      }
      return undefined;
    }
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'SpecTask: opening the design-docs branch' },
        () => this.hub.ensureOpen(folder),
      );
    } catch (e) {
      if (!(e instanceof RepositoryRefusedError)) throw e;
      this.hub.log.warn(`refused ${folder.uri.fsPath}: ${e.code}: ${e.message}`);
      if (e.code === 'untrusted-workspace') {
        showUntrustedNotice();
        return undefined;
      }
      if (e.code === 'not-a-repo') {
        const c = await vscode.window.showErrorMessage(
          e.message,
          { modal: true, detail: 'Run `git init` and make a first commit here?' },
          'Run git init',
        );
        if (c === 'Run git init') {
          await gitInitWithCommit(folder.uri.fsPath);
          await this.hub.refresh();
          return this.openRepository(folder.uri, why);
        }
        return undefined;
      }
      if (e.code === 'no-commits') {
        const c = await vscode.window.showErrorMessage(e.message, 'Commit Everything Now', 'Show Log');
        if (c === 'Commit Everything Now') {
          await gitInitWithCommit(folder.uri.fsPath);
          return this.openRepository(folder.uri, why);
        }
        if (c === 'Show Log') this.hub.log.show();
        return undefined;
      }
      const c = await vscode.window.showErrorMessage(
        `The design-docs branch cannot be used here: ${e.message}`,
        'Show Log',
      );
      if (c === 'Show Log') this.hub.log.show();
      return undefined;
    }
  }

  private async initialize(arg: UriLike | undefined): Promise<void> {
    const repo = await this.openRepository(arg, 'Initialize the design-docs branch in which folder?');
    if (!repo) return;
    const loc = repo.docs.location;
    const how =
      loc.origin === 'created'
        ? 'created'
        : loc.origin === 'local'
          ? 'found (already initialized)'
          : `adopted from ${loc.origin.replace('-', ' ')}`;
    void vscode.window.showInformationMessage(
      `Design-docs branch '${loc.branch}' ${how}; checked out at ${vscode.workspace.asRelativePath(loc.worktreePath)}.`,
    );
  }

  /** Creates from a complete request (the command's argument), validating it as the quick input would. */
  async createWithoutAsking(request: CreateTaskRequest, folder?: UriLike): Promise<string | undefined> {
    const problem = validateGoal(request.goal);
    if (problem) throw new Error(problem);
    const repo = await this.openRepository(folder, 'Create the SpecTask in which folder?');
    if (!repo) return undefined;
    const answers = {
      goal: request.goal.trim(),
      details: request.details?.trim() ?? '',
      backend: (request.backend ??
        vscode.workspace.getConfiguration('spectask').get<string>('agents.planning.backend') ??
        'claude-cli') as CreateTaskAnswers['backend'],
      priority: (request.priority ?? 'medium') as CreateTaskAnswers['priority'],
      start: request.start ?? 'plan',
      baseBranch: request.baseBranch,
    };
    if (await refusedToStart(this.catalog, answers)) return undefined;
    return createFromAnswers(repo, answers);
  }

  async create(preset: Parameters<typeof askCreateTask>[2] = {}, folder?: vscode.Uri): Promise<string | undefined> {
    const repo = await this.openRepository(folder, 'Create the SpecTask in which folder?');
    if (!repo) return undefined;
    const answers = await askCreateTask(repo, this.catalog, preset);
    if (!answers || (await refusedToStart(this.catalog, answers))) return undefined;
    const id = await createFromAnswers(repo, answers);
    const t = repo.orchestrator.task(id);
    const next =
      answers.start === 'plan'
        ? 'Planning is queued.'
        : answers.start === 'skip'
          ? 'Implementation is queued.'
          : 'It waits in the backlog.';
    const blocked = answers.start !== 'backlog' ? this.hub.mayRunAgents() : undefined;
    void vscode.window.showInformationMessage(
      notificationText(`Created SpecTask #${t?.number ?? id} "${t?.title ?? answers.goal}". ${blocked ?? next}`),
    );
    return id;
  }
}

/** `git init -b main` (when needed), then a first commit of everything; throws with git's message. */
export function gitInitWithCommit(dir: string, message = 'Initial commit'): Promise<void> {
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('git', args, { cwd: dir, timeout: 60_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve(),
      ),
    );
  const ident = ['-c', 'user.name=SpecTask', '-c', 'user.email=spectask@localhost'];
  return (async () => {
    const isRepo = await run(['rev-parse', '--git-dir']).then(
      () => true,
      () => false,
    );
    if (!isRepo) await run(['init', '-q', '-b', 'main']);
    await run(['add', '-A']);
    // Use the user's identity when configured; fall back to a local one so a first commit always works.
    const hasIdent = await run(['config', 'user.email']).then(
      () => true,
      () => false,
    );
    await run([...(hasIdent ? [] : ident), 'commit', '-q', '--allow-empty', '-m', message]);
  })();
}
