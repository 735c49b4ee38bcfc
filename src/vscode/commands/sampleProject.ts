import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { registerCommand } from '../commandRegistry';
import type { RepositoryHub } from '../services/repositoryHub';
import type { RepoCommands } from './repoCommands';
import {
  copySample,
  initSampleRepository,
  readSamples,
  runSampleInstall,
  uniqueDir,
} from '../../core/samples/sampleCatalog';
import { reportErrors } from './taskCommands';
import { validateGoal } from './createTask';
import { showUntrustedNotice } from '../services/trustGate';

/** globalState key of the goals waiting for a folder to open (the window reloads when it does). */
export const PENDING_GOALS_KEY = 'spectask.pendingSampleGoals';

interface PendingGoal {
  folder: string;
  goal: string;
  createdAt: number;
}

/**
 * "Create SpecTask in a sample project": pick a sample, a parent folder and a goal; scaffold the sample as a
 * git repository with a first commit (after its install command, if any), initialize the design-docs branch,
 * open the folder and create the SpecTask. Opening a folder reloads the window, so the goal is kept in
 * globalState keyed by folder and picked up by {@link SampleProjects.resumePending} on the next activation.
 */
export class SampleProjects extends Disposable {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly hub: RepositoryHub,
    private readonly repoCommands: RepoCommands,
  ) {
    super();
    this._register(
      registerCommand('spectask.sample.create', () =>
        reportErrors(hub.log, 'Create SpecTask in a sample project', () => this.run()),
      ),
    );
  }

  private async run(): Promise<void> {
    // Creating a sample runs npm and git in the chosen folder, which may lie inside the untrusted repository.
    if (!vscode.workspace.isTrusted) return showUntrustedNotice();
    const samples = readSamples(vscode.Uri.joinPath(this.context.extensionUri, 'samples').fsPath);
    if (!samples.length) throw new Error('No sample projects are shipped with this build of the extension.');
    const sample = await vscode.window.showQuickPick(
      samples.map((s) => ({ label: s.title, description: s.language, detail: s.description, sample: s })),
      {
        title: 'Create SpecTask in a Sample Project (1/3)',
        placeHolder: 'Pick a sample project',
        matchOnDetail: true,
        ignoreFocusOut: true,
      },
    );
    if (!sample) return;
    const parent = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Create the sample here',
      title: `Where should "${sample.sample.title}" be created?`,
    });
    if (!parent?.[0]) return;
    const target = uniqueDir(path.join(parent[0].fsPath, sample.sample.id));
    const goals = sample.sample.suggestedGoals ?? [];
    const goalPick = await vscode.window.showQuickPick(
      [...goals.map((g) => ({ label: g, own: false })), { label: '$(edit) Type my own goal…', own: true }],
      {
        title: 'Create SpecTask in a Sample Project (3/3)',
        placeHolder: 'What should the first SpecTask do?',
        ignoreFocusOut: true,
      },
    );
    if (!goalPick) return;
    const goal = goalPick.own
      ? await vscode.window.showInputBox({
          title: 'Goal of the first SpecTask',
          prompt: 'What should be built or changed?',
          validateInput: validateGoal,
          ignoreFocusOut: true,
        })
      : goalPick.label;
    if (!goal) return;

    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Creating ${sample.sample.title}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: `copying into ${target}` });
        copySample(sample.sample.dir, target);
        if (sample.sample.installCommand?.length) {
          progress.report({ message: `running ${sample.sample.installCommand.join(' ')}` });
          try {
            const abort = new AbortController();
            const sub = token.onCancellationRequested(() => abort.abort());
            await runSampleInstall(
              sample.sample.installCommand,
              target,
              (l) => this.hub.log.info(l),
              abort.signal,
            ).finally(() => sub.dispose());
          } catch (e) {
            throw new Error(`The sample was copied to ${target}, but its install step failed. ${(e as Error).message}`);
          }
        }
        progress.report({ message: 'making the first commit' });
        await initSampleRepository(target, `Sample project: ${sample.sample.title}`);
      },
    );
    await this.addPending({ folder: target, goal, createdAt: Date.now() });
    const uri = vscode.Uri.file(target);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri);
    if (inWorkspace || !vscode.workspace.workspaceFolders?.length) {
      // An empty window opens the folder in place (a reload); resumePending then creates the SpecTask.
      if (!inWorkspace) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: false });
      else await this.resumePending();
      return;
    }
    const c = await vscode.window.showInformationMessage(
      `"${sample.sample.title}" was created in ${target}. The SpecTask is created once the folder is open.`,
      'Open Here',
      'Open in New Window',
    );
    if (c)
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: c === 'Open in New Window' });
  }

  private pending(): PendingGoal[] {
    return this.context.globalState
      .get<PendingGoal[]>(PENDING_GOALS_KEY, [])
      .filter((p) => Date.now() - p.createdAt < 24 * 3600_000);
  }

  private async addPending(p: PendingGoal): Promise<void> {
    await this.context.globalState.update(PENDING_GOALS_KEY, [
      ...this.pending().filter((x) => x.folder !== p.folder),
      p,
    ]);
  }

  /** Called on activation: creates the SpecTask whose goal waited for one of the open folders. */
  async resumePending(): Promise<void> {
    const waiting = this.pending();
    for (const p of waiting) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p.folder));
      if (!folder) continue;
      // Remove first: a failure must not create the same SpecTask again on every reload.
      await this.context.globalState.update(
        PENDING_GOALS_KEY,
        this.pending().filter((x) => x.folder !== p.folder),
      );
      await reportErrors(this.hub.log, "Create the sample project's SpecTask", async () => {
        const repo = await this.repoCommands.openRepository(folder.uri);
        if (!repo) return;
        const id = await repo.orchestrator.create(
          { title: p.goal.length > 80 ? `${p.goal.slice(0, 79)}…` : p.goal, prompt: p.goal },
          { startPlanning: true },
        );
        const blocked = this.hub.mayRunAgents();
        void vscode.window
          .showInformationMessage(
            `Created SpecTask #${repo.orchestrator.task(id)?.number ?? id} "${p.goal}". ${blocked ?? 'Planning is queued.'}`,
            'Open Dashboard',
          )
          .then((c) => c && vscode.commands.executeCommand('spectask.fleet.open'));
      });
    }
  }
}
