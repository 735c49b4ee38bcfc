import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import type { AgentHost } from '../../core/agents/agentHost';
import { RepositoryRefusedError } from '../../core/git/gitErrors';
import type { GitQueueRegistry } from '../../core/git/gitQueue';
import { probeRepository } from '../../core/git/repoProbe';
import { RunLedger } from '../../core/orchestrator/ledger';
import { stopOwnAgentsNow } from '../../core/orchestrator/stopOwnAgents';
import { Disposable, Emitter, toDisposable } from '../../core/lifecycle';
import { openOrchestrator } from '../../core/orchestrator/openOrchestrator';
import type { OrchestratorNotice } from '../../core/orchestrator/orchestrator';
import type { OrchestratorSettings } from '../../core/orchestrator/settings';
import type { SpecTaskRepository, SpecTaskServices, TaskRef } from '../extensionContext';
import type { BackendCatalog } from './backends';
import { OpenRepository } from './openRepository';
import { readOrchestratorSettings, readRepositorySettings } from './settings';
import { realPath as real, TaskLocator, type RepositoryTarget } from './taskLocator';
import { untrustedReason, UNTRUSTED_MESSAGE } from './trustPolicy';
import { showUntrustedNotice } from './trustGate';
import { resolveTaskTarget, type TaskFilter } from '../commands/taskPick';
import { TreeTaskSelection } from '../views/taskSelection';

/** What we know about one workspace folder. */
export type FolderState =
  | { kind: 'untrusted'; folder: vscode.WorkspaceFolder }
  | { kind: 'not-a-repo'; folder: vscode.WorkspaceFolder }
  | { kind: 'uninitialized'; folder: vscode.WorkspaceFolder; root: string; message: string }
  | { kind: 'refused'; folder: vscode.WorkspaceFolder; root?: string; error: RepositoryRefusedError | Error }
  | { kind: 'open'; folder: vscode.WorkspaceFolder; repo: OpenRepository };

/**
 * Opens one orchestrator per git repository of the workspace (multi-root: keyed by repository root), lazily:
 * a repository whose design-docs branch does not exist yet is only recorded as `uninitialized` until the
 * user initializes it or creates a first SpecTask. Implements {@link SpecTaskServices}.
 */
export class RepositoryHub extends Disposable implements SpecTaskServices {
  private states: FolderState[] = [];
  private readonly open = new Map<string, OpenRepository>();
  private settings: OrchestratorSettings = readOrchestratorSettings();
  private refreshing: Promise<void> = Promise.resolve();
  private readonly _onDidChangeOrchestrators = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeOrchestrators = this._onDidChangeOrchestrators.event;
  private readonly _onDidChangeStates = this._register(new vscode.EventEmitter<void>());
  /** Any folder's state changed (a repository found, refused, initialized). */
  readonly onDidChangeStates = this._onDidChangeStates.event;
  private readonly _onDidChangeTasks = this._register(new Emitter<SpecTaskRepository>());
  /** Some orchestrator's tasks or agents changed (not coalesced). */
  readonly onDidChangeTasks = this._onDidChangeTasks.event;
  private readonly _onDidNotice = this._register(
    new Emitter<{ repo: SpecTaskRepository; notice: OrchestratorNotice }>(),
  );
  readonly onDidNotice = this._onDidNotice.event;

  constructor(
    readonly log: vscode.LogOutputChannel,
    readonly extensionUri: vscode.Uri,
    private readonly registry: GitQueueRegistry,
    private readonly backends: BackendCatalog,
    /** Where agents run (the catalog's back-ends were built with the same host); ledger resume asks it too. */
    private readonly agentHost?: AgentHost,
  ) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('spectask')) return;
        this.settings = readOrchestratorSettings();
        this.backends.rebuild();
        for (const r of this.open.values()) r.orchestrator.kick();
        // Both are read when a repository opens: pushToRemote decides whether it claims on the remote, and the
        // remote-run view pulls workers' "implementation" statuses only where it does (else: resumed as orphans).
        if (e.affectsConfiguration('spectask.designDocsBranch') || e.affectsConfiguration('spectask.pushToRemote'))
          void this.reopenAll();
      }),
    );
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        // Nothing was opened while untrusted (no git ran): open the repositories now, without a reload.
        this.log.info('workspace trusted: opening the repositories; agents may start now');
        void this.refresh().then(() => {
          for (const r of this.open.values()) r.orchestrator.kick();
        });
      }),
    );
    this._register(
      toDisposable(() => {
        // The extension host is going away (Reload Window, VS Code closing): stop the agents first, at once.
        for (const r of this.open.values()) stopOwnAgentsNow(new RunLedger(r.docs.repo.commonDir));
        this.closeAll();
      }),
    );
  }

  // ------------------------------------------------------------ SpecTaskServices

  repositories(): readonly SpecTaskRepository[] {
    return [...this.open.values()];
  }

  folderStates(): readonly FolderState[] {
    return this.states;
  }

  mayRunAgents = (): string | undefined => untrustedReason(vscode.workspace.isTrusted);

  /** Which SpecTask (and repository) a file, an id or a tree node is: the one place that answers it. */
  readonly locator = new TaskLocator<SpecTaskRepository>(() => this.repositories());
  /** The SpecTasks tree's selection (one tree per window): commands take their SpecTask from it (taskPick). */
  readonly treeSelection = new TreeTaskSelection();

  repositoryFor(target: RepositoryTarget): SpecTaskRepository | undefined {
    return this.locator.repositoryOf(target);
  }

  orchestratorFor(target: RepositoryTarget) {
    return this.repositoryFor(target)?.orchestrator;
  }

  /** The SpecTask a command's argument names, else the active editor's, else a pick (commands/taskPick.ts). */
  resolveTask(arg: unknown, allowed: TaskFilter = {}): Promise<TaskRef | undefined> {
    // Untrusted: no repository is open, so no SpecTask can be found; say why instead of "not found".
    if (!vscode.workspace.isTrusted) {
      showUntrustedNotice();
      return Promise.resolve(undefined);
    }
    return resolveTaskTarget(this, arg, allowed);
  }

  // ------------------------------------------------------------ opening

  /** Probes every workspace folder and opens the repositories whose design-docs branch exists. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.doRefresh())
      .catch((e) => this.log.error(`refreshing repositories failed: ${(e as Error).message}`));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const next: FolderState[] = [];
    // Untrusted (Restricted Mode): not even `git rev-parse`. Any git command may run the folder's own
    // core.fsmonitor, hooks or other configured programs; VS Code's git extension stays off for the same reason.
    if (!vscode.workspace.isTrusted) {
      this.closeAll();
      this.states = folders.map((folder) => ({ kind: 'untrusted', folder }));
      this._onDidChangeStates.fire();
      this._onDidChangeOrchestrators.fire();
      return;
    }
    const seen = new Set<string>();
    for (const folder of folders) {
      const probe = await probeRepository(folder.uri.fsPath, this.registry.binary);
      if (probe.kind === 'git-missing') {
        next.push({ kind: 'refused', folder, error: new Error(probe.message) });
        continue;
      }
      if (probe.kind === 'not-a-repo') {
        next.push({ kind: 'not-a-repo', folder });
        continue;
      }
      const root = real(probe.root);
      if (seen.has(root)) continue; // two folders of one repository: the first one stands for it
      seen.add(root);
      const existing = this.open.get(root);
      if (existing) {
        next.push({ kind: 'open', folder, repo: existing });
        continue;
      }
      next.push(await this.tryOpen(folder, root, false));
    }
    // Close repositories whose folder left the workspace.
    for (const [root, repo] of this.open) {
      if (!seen.has(root)) {
        repo.dispose();
        this.open.delete(root);
        this.log.info(`closed ${root}`);
      }
    }
    this.states = next;
    this._onDidChangeStates.fire();
    this._onDidChangeOrchestrators.fire();
  }

  /** Opens in flight, by repository root: a refresh and ensureOpen racing must not open one repository twice. */
  private readonly opening = new Map<string, Promise<FolderState>>();

  private tryOpen(folder: vscode.WorkspaceFolder, root: string, createBranch: boolean): Promise<FolderState> {
    const inFlight = this.opening.get(root);
    // A second caller that wants the branch created must not be satisfied by an "uninitialized" answer.
    if (inFlight)
      return inFlight.then((st) =>
        st.kind === 'uninitialized' && createBranch ? this.tryOpen(folder, root, true) : st,
      );
    const existing = this.open.get(root);
    if (existing) return Promise.resolve({ kind: 'open', folder, repo: existing });
    const p = this.openNow(folder, root, createBranch).finally(() => this.opening.delete(root));
    this.opening.set(root, p);
    return p;
  }

  private async openNow(folder: vscode.WorkspaceFolder, root: string, createBranch: boolean): Promise<FolderState> {
    const repoSettings = readRepositorySettings(folder.uri);
    try {
      const opened = await openOrchestrator(folder.uri.fsPath, {
        registry: this.registry,
        backends: this.backends.forPool(),
        host: this.agentHost,
        settings: () => this.settings,
        branch: repoSettings.branch,
        createBranch,
        push: repoSettings.push,
        idleStopMs: repoSettings.idleStopMs,
        secrets: () => this.backends.secretValues(),
        log: (level, message) => this.log[level](`[${path.basename(root)}] ${message}`),
        mayRunAgents: this.mayRunAgents,
      });
      const repo = new OpenRepository(folder, opened);
      const key = real(opened.docs.repo.root);
      this.open.set(key, repo);
      repo.own(opened.orchestrator.onDidChange(() => this._onDidChangeTasks.fire(repo)));
      repo.own(opened.orchestrator.onDidNotice((notice) => this._onDidNotice.fire({ repo, notice })));
      repo.own(opened.watcher.onDidError((e) => this.log.warn(`design-docs watcher: ${e.message}`)));
      for (const r of opened.docs.location.repairs) this.log.info(`[${path.basename(root)}] ${r}`);
      this.log.info(
        `opened ${key}: design docs on '${opened.docs.location.branch}' at ${opened.docs.location.worktreePath}`,
      );
      await opened.orchestrator.start();
      this._onDidChangeTasks.fire(repo);
      return { kind: 'open', folder, repo };
    } catch (e) {
      if (e instanceof RepositoryRefusedError && e.code === 'not-initialized')
        return { kind: 'uninitialized', folder, root, message: e.message };
      this.log.warn(`cannot open the design docs of ${folder.uri.fsPath}: ${(e as Error).message}`);
      return { kind: 'refused', folder, root, error: e as Error };
    }
  }

  /**
   * Opens the repository of `folder` (default: the only one, or ask), creating the design-docs branch when
   * it does not exist. Throws the RepositoryRefusedError when the repository cannot be used.
   */
  async ensureOpen(folder: vscode.WorkspaceFolder): Promise<SpecTaskRepository> {
    await this.refreshing;
    if (!vscode.workspace.isTrusted)
      throw new RepositoryRefusedError('untrusted-workspace', UNTRUSTED_MESSAGE, folder.uri.fsPath);
    const state = this.states.find((s) => s.folder.uri.toString() === folder.uri.toString());
    if (state?.kind === 'open') return state.repo;
    const probe = await probeRepository(folder.uri.fsPath, this.registry.binary);
    if (probe.kind === 'git-missing') throw new RepositoryRefusedError('git-missing', probe.message, folder.uri.fsPath);
    if (probe.kind === 'not-a-repo')
      throw new RepositoryRefusedError(
        'not-a-repo',
        `${folder.uri.fsPath} is not a git repository. SpecTasks live on a git branch, so the folder needs one.`,
        folder.uri.fsPath,
      );
    const root = real(probe.root);
    const existing = this.open.get(root);
    if (existing) return existing;
    const opened = await this.tryOpen(folder, root, true);
    this.states = [...this.states.filter((s) => s.folder.uri.toString() !== folder.uri.toString()), opened];
    this._onDidChangeStates.fire();
    this._onDidChangeOrchestrators.fire();
    if (opened.kind === 'open') return opened.repo;
    if (opened.kind === 'refused') throw opened.error;
    throw new Error(opened.kind === 'uninitialized' ? opened.message : `${folder.uri.fsPath} is not a git repository.`);
  }

  private async reopenAll(): Promise<void> {
    this.closeAll();
    this._onDidChangeOrchestrators.fire();
    await this.refresh();
  }

  private closeAll(): void {
    for (const r of this.open.values()) r.dispose();
    this.open.clear();
  }
}
