import { vscode } from './vscodeApi';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { DisposableStore, Emitter, type Event } from '../core/lifecycle';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/version';
import { mergeFleetSnapshots } from '../core/service/mergeSnapshots';
import { SpecTaskService } from '../core/service/specTaskService';
import { registerCommand } from './commandRegistry';
import { ConfigureBackends } from './commands/configureBackends';
import { RepoCommands } from './commands/repoCommands';
import { SyncDesignDocs } from './commands/syncCommand';
import { DependsOnCommand } from './commands/dependsOnCommand';
import { SampleProjects } from './commands/sampleProject';
import { TaskCommands } from './commands/taskCommands';
import type { FleetState } from '../core/store/fleetState';
import type { SpecTaskRepository, SpecTaskServices } from './extensionContext';
import { FleetViews } from './fleet/fleetViews';
import type { FleetSnapshotSource } from './fleet/fleetSnapshotSource';
import type { DispatchedFleetAction } from './fleet/fleetWebviewController';
import { createLog } from './log';
import { BACKEND_LABELS } from './services/backends';
import { RemoteRunViews } from './fleet/remoteRunViews';
import { RepositoryHub } from './services/repositoryHub';
import { readMachineSetting, readOrchestratorSettings } from './services/settings';
import { SandboxedAgentHost } from '../core/agents/sandbox/sandboxedAgentHost';
import { sandboxSettingOn } from '../core/agents/sandbox/sandboxSetting';
import { showNotice, SpecTaskStatusBar } from './services/statusAndNotices';
import { PermissionPrompts } from './agents/permissionPrompts';
import { registerMessageAgent } from './commands/messageAgent';
import { TrustGatedBackendCatalog } from './services/trustGate';
import { WaitingBadge } from './views/waitingBadge';
import { TRANSCRIPT_SCHEME, TranscriptDocuments } from './services/transcripts';
import { ImplementationReview } from './review/implementationReview';
import { SpecReviewCodeLens } from './review/reviewCodeLens';
import { SpecReviewController } from './review/specReviewController';
import { ChecklistCodeLens } from './codelens/checklistCodeLens';
import { SpecTaskDecorations } from './codelens/specTaskDecorations';
import { DocsTreeProvider } from './views/docsTree';
import { TasksTreeProvider, type TaskTreeNode } from './views/tasksTree';
import { registerLanguageModelTools } from './lmTools/languageModelTools';

/** What `activate` returns: a small surface the integration tests (and other extensions) can use. */
export interface SpecTaskApi {
  /** Resolves when a fleet dashboard webview (view or panel) has rendered a snapshot: at once if it already has. */
  whenFleetReady(where: 'view' | 'panel'): Promise<void>;
  /** Fires after a dashboard card action was handed to the fleet actions and settled. */
  onDidDispatchFleetAction: vscode.Event<DispatchedFleetAction>;
  /**
   * Test hook: feed the dashboards from `source` instead of the orchestrators (the fleet tests show a
   * checklist they tick on disk). Pass `undefined` to go back to the orchestrators.
   */
  _testSetFleetSnapshotSource(source: FleetSnapshotSource | undefined): void;
  /** Test hook: the services the features use (repositories, orchestrators, task resolution). */
  readonly services: SpecTaskServices;
  /** Test hook: probe the workspace folders again and wait until their repositories are opened. */
  _testRefreshRepositories(): Promise<void>;
  /** Test hook: the SpecTasks tree's root and children as the view shows them (labels and descriptions). */
  _testTreeSnapshot(): Promise<TreeSnapshotNode[]>;
  /** Test hook: the status bar item's text ('' when hidden). */
  _testStatusBarText(): string;
  /** Test hook: the SpecTask id the tree's selection gives a command run from the palette (undefined: none). */
  _testTreeSelectedTaskId(): string | undefined;
  /** Test hook: fires after the SpecTasks tree was told to refresh (after the fleet store's change). */
  readonly _testOnDidRefreshTree: vscode.Event<void>;
}

export interface TreeSnapshotNode {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  children?: TreeSnapshotNode[];
}

/**
 * The composition root (house rule 2): the only place services are constructed, wiring peers through
 * constructors. Everything created here is owned by the returned store, which `activate` pushes once.
 */
export function createExtension(context: vscode.ExtensionContext): {
  disposable: vscode.Disposable;
  api: SpecTaskApi;
  /** What the public API (src/api) and the Language Model tools act through. */
  service: SpecTaskService;
  onDidChangeFleet: Event<void>;
} {
  const store = new DisposableStore();
  const log = store.add(createLog());
  log.info(`${PRODUCT_NAME} ${PRODUCT_VERSION} activating in VS Code ${vscode.version}`);

  const registry = store.add(new GitQueueRegistry());
  // Every agent runs in the bubblewrap sandbox unless the user's own settings turn it off (read at each start).
  const agentHost = new SandboxedAgentHost({ enabled: () => sandboxSettingOn(readMachineSetting('agents.sandbox')) });
  // Untrusted: every back-end refuses to probe or start (services/trustGate.ts); the hub opens no repository.
  const catalog = new TrustGatedBackendCatalog(context.secrets, agentHost);
  store.add(context.secrets.onDidChange(() => void catalog.loadSecrets()));
  const hub = store.add(new RepositoryHub(log, context.extensionUri, registry, catalog, agentHost));
  const services: SpecTaskServices = hub;

  // The surfaces follow each repository's fleet store, whose change is already coalesced (one per burst, with
  // its rev; see FleetStore): no timer of their own, so one tick shows on all of them at once. The dashboards
  // limit their rate by what a snapshot costs (SnapshotScheduler). The tree, the status bar and the context keys
  // project only when what they show changed: a run's activity line and an agent's counters, which only the
  // dashboard shows, leave the store's tasks, working set and queue reasons as they were (immutable state:
  // comparing references is enough).
  const changed = store.add(new vscode.EventEmitter<void>());
  const fleetChanged = store.add(new Emitter<void>());
  const projected = new WeakMap<SpecTaskRepository, FleetState>();
  const onTasksChanged = (repo: SpecTaskRepository) => {
    fleetChanged.fire();
    const state = repo.orchestrator.fleet.state;
    const last = projected.get(repo);
    projected.set(repo, state);
    if (last?.tasks === state.tasks && last.working === state.working && last.queueReasons === state.queueReasons)
      return;
    changed.fire();
  };
  const showAll = () => {
    fleetChanged.fire();
    changed.fire();
  };
  store.add(hub.onDidChangeTasks(onTasksChanged));
  store.add(hub.onDidChangeOrchestrators(showAll));
  store.add(hub.onDidChangeStates(showAll));
  store.add(hub.onDidNotice(({ repo, notice }) => showNotice(repo, notice, log)));

  // Agent back-ends: probed on activation and when settings change; the welcome view says why none runs.
  let backendProblems: string | undefined;
  const probeBackends = async () => {
    if (!vscode.workspace.isTrusted) {
      // Probing runs each agent binary (`--version`) and calls the endpoint: not before the workspace is trusted.
      backendProblems = undefined;
      await vscode.commands.executeCommand('setContext', 'spectask:noAgentBackend', false);
      return showAll();
    }
    const probes = await catalog.probeAll();
    const none = !probes.some((p) => p.result.available);
    backendProblems = none ? 'No agent back-end can run on this machine yet.' : undefined;
    if (none)
      log.warn(
        `no agent back-end is available:\n${probes.map((p) => `  ${p.label}: ${p.result.problem ?? 'unavailable'}`).join('\n')}`,
      );
    else
      log.info(
        `agent back-ends available: ${probes
          .filter((p) => p.result.available)
          .map((p) => p.id)
          .join(', ')}`,
      );
    await vscode.commands.executeCommand('setContext', 'spectask:noAgentBackend', none);
    showAll();
  };
  store.add(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('spectask') && void probeBackends()),
  );

  const tasksTree = store.add(
    new TasksTreeProvider({
      onDidChange: changed.event,
      repositories: () => hub.repositories(),
      selection: hub.treeSelection,
      // One sentence (the log has each back-end's reason): while the view is empty the welcome view below it
      // has the Configure button; once SpecTasks exist the welcome view is hidden, so the message names the command.
      // Untrusted: the welcome view says why the tree is empty, with the button (package.json viewsWelcome).
      message: () =>
        !vscode.workspace.isTrusted
          ? undefined
          : backendProblems && hub.repositories().some((r) => r.orchestrator.taskViews().length > 0)
            ? 'No agent back-end can run on this machine yet: "SpecTask: Configure Agent Back-ends" shows why.'
            : backendProblems,
    }),
  );
  const tasksView = store.add(
    vscode.window.createTreeView('spectask.tasks', { treeDataProvider: tasksTree, showCollapseAll: true }),
  );
  tasksTree.view = tasksView;
  store.add(new WaitingBadge(tasksView, () => hub.repositories(), changed.event));

  const docsTree = store.add(new DocsTreeProvider());
  store.add(vscode.window.createTreeView('spectask.docs', { treeDataProvider: docsTree }));

  const treeRefreshed = store.add(new vscode.EventEmitter<void>());
  const statusBar = store.add(new SpecTaskStatusBar(() => hub.repositories(), hub.mayRunAgents));
  let docsRoot: string | undefined;
  // A context key is sent to the window only when its value changed (one message each, on every change).
  const contextKeys = new Map<string, boolean>();
  const setContext = (key: string, value: boolean) => {
    if (contextKeys.get(key) === value) return;
    contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  store.add(
    changed.event(() => {
      statusBar.update();
      const states = hub.folderStates();
      const first = hub.repositories()[0];
      if (first?.designDocsRoot !== docsRoot) {
        docsRoot = first?.designDocsRoot;
        docsTree.setRoot(docsRoot ? vscode.Uri.file(docsRoot) : undefined);
      }
      setContext('spectask:noGitRepo', states.length > 0 && states.every((s) => s.kind === 'not-a-repo'));
      setContext(
        'spectask:uninitialized',
        states.some((s) => s.kind === 'uninitialized') && !hub.repositories().length,
      );
      // Untrusted, nothing is loaded: only the "trust this workspace" welcome views show (not "initialize").
      const trusted = vscode.workspace.isTrusted;
      setContext('spectask:noDesignDocs', trusted && !docsRoot);
      setContext('spectask:hasRepository', hub.repositories().length > 0);
      setContext('spectask:noTasks', trusted && tasksTree.taskCount() === 0);
      setContext('spectask:agentsBlocked', !!hub.mayRunAgents());
      treeRefreshed.fire();
    }),
  );

  // The dashboard shows every repository's fleet; a test may substitute its own source.
  // Runs that workers hold on the remote (issue 23): their cards say on which worker; Stop sends a stop request.
  const remoteRuns = store.add(new RemoteRunViews(hub, registry));
  store.add(remoteRuns.onDidChange(() => fleetChanged.fire()));
  const orchestratorFleet: FleetSnapshotSource = {
    onDidChange: fleetChanged.event,
    snapshot: () =>
      remoteRuns.decorate({
        ...mergeFleetSnapshots(hub.repositories().map((r) => r.orchestrator.fleetSnapshot())),
        backendLabels: BACKEND_LABELS,
      }),
  };
  const transcripts = new TranscriptDocuments(services);
  store.add(transcripts);
  store.add(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, transcripts));
  const taskCommands = store.add(
    new TaskCommands(hub, transcripts, catalog, (repo, id) => remoteRuns.requestStop(repo, id)),
  );
  store.add(new PermissionPrompts(hub, () => changed.fire()));
  store.add(registerMessageAgent(hub, transcripts));
  const fleet = store.add(new FleetViews(context.extensionUri, orchestratorFleet, taskCommands, log));
  // A live transcript follows its run.
  store.add(
    hub.onDidChangeTasks(() => {
      for (const doc of vscode.workspace.textDocuments)
        if (doc.uri.scheme === TRANSCRIPT_SCHEME) transcripts.refresh(doc.uri);
    }),
  );

  const repoCommands = store.add(new RepoCommands(hub, catalog));
  const samples = store.add(new SampleProjects(context, hub, repoCommands));
  store.add(new SyncDesignDocs(hub));
  store.add(new DependsOnCommand(hub));
  store.add(new ConfigureBackends(catalog, context.secrets, log, () => void probeBackends(), agentHost));

  store.add(
    registerCommand('spectask.tasks.refresh', async () => {
      await hub.refresh();
      tasksTree.refresh();
      docsTree.refresh();
    }),
  );
  store.add(registerCommand('spectask.fleet.open', () => fleet.openPanel()));
  store.add(registerCommand('spectask.log.show', () => log.show()));

  // Features owned by other modules are wired here, one line each, with `services`.
  const specReview = store.add(new SpecReviewController(services, context.workspaceState));
  store.add(new SpecReviewCodeLens(specReview));
  store.add(new ImplementationReview(services));
  store.add(new ChecklistCodeLens(services));
  store.add(new SpecTaskDecorations(services));

  const ready = (async () => {
    await catalog.loadSecrets();
    await hub.refresh();
    if (vscode.workspace.isTrusted) await samples.resumePending();
  })();
  // Trust granted: the hub opens the repositories itself; the back-ends are probed and a pending sample resumes.
  store.add(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void probeBackends().catch((e) => log.error(`probing back-ends: ${(e as Error).message}`));
      void ready
        .then(() => samples.resumePending())
        .catch((e) => log.error(`resuming the sample project: ${(e as Error).message}`));
    }),
  );
  void ready.catch((e) => log.error(`activation: ${(e as Error).message}`));
  void probeBackends().catch((e) => log.error(`probing back-ends: ${(e as Error).message}`));

  const service = new SpecTaskService(() => hub.repositories(), {
    samplesDir: vscode.Uri.joinPath(context.extensionUri, 'samples').fsPath,
    registry,
    backend: () => readOrchestratorSettings().implementation.backend,
    log: (line) => log.info(line),
  });
  store.add(registerLanguageModelTools(service));

  const api: SpecTaskApi = {
    whenFleetReady: (where) =>
      new Promise<void>((resolve) => {
        if (fleet.isRendered(where)) return resolve();
        const sub = fleet.onDidRenderReady((w) => {
          if (w === where) {
            sub.dispose();
            resolve();
          }
        });
      }),
    onDidDispatchFleetAction: (listener) => fleet.onDidDispatchAction(listener),
    _testSetFleetSnapshotSource: (source) => fleet.setSource(source ?? orchestratorFleet),
    services,
    _testRefreshRepositories: async () => {
      await ready;
      await hub.refresh();
    },
    _testTreeSnapshot: async () => {
      const walk = async (node?: TaskTreeNode): Promise<TreeSnapshotNode[]> =>
        Promise.all(
          tasksTree.getChildren(node).map(async (n) => {
            const item = tasksTree.getTreeItem(n);
            const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
            const kids = item.collapsibleState !== vscode.TreeItemCollapsibleState.None ? await walk(n) : undefined;
            return {
              label,
              description: typeof item.description === 'string' ? item.description : undefined,
              contextValue: item.contextValue,
              icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
              children: kids,
            };
          }),
        );
      return walk();
    },
    _testStatusBarText: () => statusBar.text,
    _testTreeSelectedTaskId: () => hub.treeSelection.current()?.taskId,
    _testOnDidRefreshTree: treeRefreshed.event,
  };
  return { disposable: store, api, service, onDidChangeFleet: fleetChanged.event };
}
