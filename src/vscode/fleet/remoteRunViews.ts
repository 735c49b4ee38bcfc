import * as os from 'node:os';
import { vscode } from '../vscodeApi';
import type { FleetAgentCard, FleetSnapshot } from '../../protocol/fleet';
import type { GitQueueRegistry } from '../../core/git/gitQueue';
import { Disposable, Emitter, type Event } from '../../core/lifecycle';
import { FleetStatusPublisher } from '../../core/orchestrator/fleetStatusFile';
import { remoteCard, remoteRunsOf, type RemoteRun, type RemoteRuns } from '../../core/workers/remoteRuns';
import type { SpecTaskRepository } from '../extensionContext';
import type { RepositoryHub } from '../services/repositoryHub';
import { readRepositorySettings } from '../services/settings';

interface RepoView {
  repo: SpecTaskRepository;
  /** Only where spectask.pushToRemote shares the design-docs branch through the remote. */
  runs?: RemoteRuns;
  status: FleetStatusPublisher;
}

/**
 * Per open repository (issue 23, issue 17 item 10): the runs workers hold on its remote (RemoteRuns: claims and
 * the design-docs branch fetched every 2 s while there are any, every 30 s otherwise; never in an untrusted
 * workspace, where no repository is open anyway), and this window's live view published for `spectask fleet`.
 * The dashboard's snapshot goes through {@link decorate}; {@link onDidChange} says when the remote runs changed.
 */
export class RemoteRunViews extends Disposable {
  private readonly views = new Map<string, RepoView>();
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange: Event<void> = this._onDidChange.event;

  constructor(
    private readonly hub: RepositoryHub,
    private readonly registry: GitQueueRegistry,
  ) {
    super();
    this._register(hub.onDidChangeOrchestrators(() => this.rearm()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.rearm()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('spectask.pushToRemote') && this.rearm()),
    );
    this._register({ dispose: () => this.closeAll() });
    this.rearm();
  }

  /** The run a worker holds for `taskId` of `repo`, if any. */
  heldBy(repo: SpecTaskRepository, taskId: string): RemoteRun | undefined {
    const number = repo.orchestrator.task(taskId)?.number;
    return number === undefined ? undefined : this.views.get(repo.root)?.runs?.runs().get(number);
  }

  /**
   * Stop on a remote run's card (or `spectask.task.stop` on it): a stop request its worker obeys at its next
   * fetch. False when no worker holds the SpecTask (a local run is stopped by the orchestrator as before).
   */
  async requestStop(repo: SpecTaskRepository, taskId: string): Promise<boolean> {
    const run = this.heldBy(repo, taskId);
    const view = this.views.get(repo.root);
    if (!run || !view?.runs) return false;
    const ok = await view.runs.requestStop(run.task, `${os.hostname()}:${process.pid} (VS Code)`);
    if (ok) this.hub.log.info(`stop requested: worker ${run.name} stops SpecTask ${run.task} at its next fetch`);
    else this.hub.log.warn(`the stop request for SpecTask ${run.task} (worker ${run.name}) was not accepted`);
    return ok;
  }

  /** The dashboard's snapshot with the cards of remote runs marked with their worker. */
  decorate(snapshot: FleetSnapshot): FleetSnapshot {
    const held = new Map<string, RemoteRun>();
    for (const { repo, runs } of this.views.values())
      for (const run of runs?.runs().values() ?? []) {
        const id = repo.orchestrator.taskViews().find((t) => t.number === run.task)?.id;
        if (id) held.set(id, run);
      }
    if (!held.size) return snapshot;
    return {
      ...snapshot,
      cards: snapshot.cards.map((c) => {
        const run = held.get(c.taskId);
        return run ? heldCard(c, run) : c;
      }),
    };
  }

  private rearm(): void {
    if (this.isDisposed) return;
    const open = new Map(this.hub.repositories().map((r) => [r.root, r]));
    // Remote runs only where the design-docs branch is shared through the remote (spectask.pushToRemote, which
    // workers need): elsewhere nothing is fetched in the background. The live view is published everywhere.
    const shared = (r: SpecTaskRepository) => readRepositorySettings(vscode.Uri.file(r.root)).push;
    for (const [root, v] of this.views)
      if (open.get(root) !== v.repo || !!v.runs !== shared(v.repo)) {
        v.runs?.dispose();
        v.status.dispose();
        this.views.delete(root);
      }
    if (!vscode.workspace.isTrusted) return;
    for (const [root, repo] of open) {
      if (this.views.has(root)) continue;
      const runs = shared(repo)
        ? remoteRunsOf(repo.docs, this.registry, {
            blocked: () => (vscode.workspace.isTrusted ? undefined : 'the workspace is not trusted'),
            log: (level, m) => this.hub.log[level](`[remote runs] ${m}`),
          })
        : undefined;
      runs?.own(runs.onDidChange(() => this._onDidChange.fire()));
      const status = new FleetStatusPublisher(
        repo.docs.repo.commonDir,
        () => this.decorate(repo.orchestrator.fleetSnapshot()),
        repo.orchestrator.onDidChange,
      );
      this.views.set(root, { repo, runs, status });
      runs?.start();
    }
  }

  private closeAll(): void {
    for (const v of this.views.values()) {
      v.runs?.dispose();
      v.status.dispose();
    }
    this.views.clear();
  }
}

/**
 * The card of a run a worker holds. It is not queued here: the scheduler's queue reason for it ("running on worker
 * …", which the tree item shows) would only repeat the card's worker line, under a "waiting" clock.
 */
function heldCard(card: FleetAgentCard, run: RemoteRun): FleetAgentCard {
  const { queueReason: _notQueuedHere, ...rest } = remoteCard(card, run);
  return rest;
}
