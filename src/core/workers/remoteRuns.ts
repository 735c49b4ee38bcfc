import { isWorkingPhase, type FleetAgentCard, type FleetSnapshot } from '../../protocol/fleet';
import { DesignDocsSync } from '../docs/designDocsSync';
import type { DesignDocs } from '../docs/openDesignDocs';
import type { GitQueueRegistry } from '../git/gitQueue';
import { GitRunner } from '../git/gitRunner';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import { CLAIMS_PREFIX, taskNumberOfClaimRef } from './claimRefs';
import { parseClaimMessage, workerName, type WorkerIdentity } from './claimRecord';
import { RemoteRefs } from './remoteRefs';
import { requestStop } from './stopRequests';

/** A SpecTask a worker holds on the remote (DESIGN.md §9), as the local side shows it. */
export interface RemoteRun {
  /** The SpecTask number ("000007"). */
  task: string;
  /** "host:pid", or "an unknown worker" for a claim whose record we cannot read. */
  name: string;
  /** From the claim record: untrusted, for display only. */
  worker?: WorkerIdentity;
  /** The claim's sha: a new one on every renewal. */
  sha: string;
}

/** While a worker holds a SpecTask, its ticks should show within the dashboard's budget (issue 23: 2 s). */
export const REMOTE_VIEW_ACTIVE_MS = 2_000;
/** With no remote run, a slow look for new ones (and a teammate's changes). */
export const REMOTE_VIEW_IDLE_MS = 30_000;

/**
 * Where the local side mirrors the remote's claims: apart from a worker's own mirror (`refs/spectask/remote/…`),
 * so a worker and a viewer in one clone never prune each other's refs.
 */
export function viewPrefix(remote: string): string {
  return `refs/spectask/view/${remote}/claims/`;
}

/**
 * The remote's claims, fetched into the view's mirror (one fetch, forced and pruned, with git's integrity check)
 * and read with their records. A claim whose record does not parse is still a held SpecTask, by an unknown worker.
 */
export async function readRemoteRuns(refs: RemoteRefs): Promise<Map<string, RemoteRun>> {
  const prefix = viewPrefix(refs.remote);
  await refs.mirror(CLAIMS_PREFIX, prefix);
  const runs = new Map<string, RemoteRun>();
  for (const [local, { sha, message }] of await refs.readLocal(prefix)) {
    const task = taskNumberOfClaimRef(`${CLAIMS_PREFIX}${local.slice(prefix.length)}`);
    if (!task) continue;
    const record = parseClaimMessage(message);
    const worker = record?.task === task ? record.worker : undefined;
    runs.set(task, { task, sha, worker, name: worker ? workerName(worker) : 'an unknown worker' });
  }
  return runs;
}

/** The card of a SpecTask a worker holds: its worker's name, and live while the SpecTask is in a working phase. */
export function remoteCard(card: FleetAgentCard, run: RemoteRun): FleetAgentCard {
  return {
    ...card,
    worker: { name: run.name, ...(run.worker ? { startedAt: run.worker.startedAt } : {}) },
    ...(isWorkingPhase(card.phase) ? { runLive: true } : {}),
  };
}

/** `snapshot` with the cards of remote runs marked (the same object when no card is held remotely). */
export function withRemoteRuns(snapshot: FleetSnapshot, runs: ReadonlyMap<string, RemoteRun>): FleetSnapshot {
  if (!runs.size || !snapshot.cards.some((c) => runs.has(c.number))) return snapshot;
  return {
    ...snapshot,
    cards: snapshot.cards.map((c) => {
      const run = runs.get(c.number);
      return run ? remoteCard(c, run) : c;
    }),
  };
}

export interface RemoteRunsOptions {
  /** The host's hardened git against the remote (no hooks, no fsmonitor: every git of the host). */
  refs: RemoteRefs;
  /**
   * Integrates the remote's design-docs branch without pushing (DesignDocsSync `{ push: false }`): the worker's
   * ticks then reach the worktree, the watcher and the store the way a teammate's pull does.
   */
  pull: () => Promise<unknown>;
  /** Why the remote must not be contacted now (an untrusted workspace), or undefined. */
  blocked?: () => string | undefined;
  /** False when the clone has no such remote: the round is skipped quietly (a local-only repository). */
  hasRemote?: () => Promise<boolean>;
  activeMs?: number;
  idleMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Keeps the local view of runs held by workers (issue 23): every `activeMs` while the remote has claims, every
 * `idleMs` otherwise, fetches the claims and pulls the design-docs branch. Nothing runs while `blocked` says
 * so. A failed round is logged once per streak and the next one tries again.
 */
export class RemoteRuns extends Disposable {
  private current: ReadonlyMap<string, RemoteRun> = new Map();
  private timer?: ReturnType<typeof setTimeout>;
  private failing = false;
  private running?: Promise<void>;
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** The set of remote runs (or a claim's worker) changed. */
  readonly onDidChange: Event<void> = this._onDidChange.event;

  constructor(private readonly opts: RemoteRunsOptions) {
    super();
    this._register(toDisposable(() => clearTimeout(this.timer)));
  }

  /** Ties `d`'s lifetime to this view's. */
  own(d: { dispose(): void }): void {
    this._register(d);
  }

  /** The runs the last round saw, by SpecTask number. */
  runs(): ReadonlyMap<string, RemoteRun> {
    return this.current;
  }

  /**
   * Asks the worker holding SpecTask `task` to stop it (a stop request on the remote, obeyed at its next fetch).
   * False when no worker we can address holds it, or the remote refused the request.
   */
  async requestStop(task: string, by: string): Promise<boolean> {
    const run = this.current.get(task);
    return !!run?.worker && (await requestStop(this.opts.refs, task, run.worker.id, by));
  }

  /** Starts the rounds (the first one at once). */
  start(): void {
    this.schedule(0);
  }

  /** One round now (or the running one): claims and the design-docs branch. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Rounds come faster while a worker holds something: its ticks are what the dashboard waits for. */
  nextDelay(): number {
    return this.current.size
      ? (this.opts.activeMs ?? REMOTE_VIEW_ACTIVE_MS)
      : (this.opts.idleMs ?? REMOTE_VIEW_IDLE_MS);
  }

  private schedule(ms: number): void {
    if (this.isDisposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Rounds start every interval (not an interval after the last one ended): a round's own time does not
      // stretch the wait of a tick that lands just after a fetch.
      const start = Date.now();
      void this.tick().finally(() => this.schedule(Math.max(0, this.nextDelay() - (Date.now() - start))));
    }, ms);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (this.isDisposed || this.opts.blocked?.()) return;
    try {
      if (this.opts.hasRemote && !(await this.opts.hasRemote())) return;
      // Both fetches at once: the claims and the branch are separate refs, and the round's latency is the tick's.
      const [runs] = await Promise.all([readRemoteRuns(this.opts.refs), this.opts.pull()]);
      if (this.isDisposed) return;
      this.failing = false;
      if (!sameRuns(runs, this.current)) {
        this.current = runs;
        this._onDidChange.fire();
      }
    } catch (e) {
      if (!this.failing) this.opts.log?.('warn', `reading the remote's runs failed: ${(e as Error).message}`);
      this.failing = true;
    }
  }
}

function sameRuns(a: ReadonlyMap<string, RemoteRun>, b: ReadonlyMap<string, RemoteRun>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.name !== v.name || w.worker?.startedAt !== v.worker?.startedAt) return false;
  }
  return true;
}

/**
 * The remote-run view of an opened repository, against `remote` (default: the design-docs sync's remote): the
 * claims through the host's git (hardened like all its git), the branch through a sync of the repository's git
 * queue that never pushes.
 */
export function remoteRunsOf(
  docs: DesignDocs,
  registry: GitQueueRegistry,
  opts: Omit<RemoteRunsOptions, 'refs' | 'pull'> & { remote?: string },
): RemoteRuns {
  const remote = opts.remote ?? docs.sync.remote;
  const queue = registry.forRepo(docs.repo.root);
  const sync =
    remote === docs.sync.remote
      ? docs.sync
      : new DesignDocsSync(queue, docs.location.worktreePath, docs.location.branch, { remote });
  const runs = new RemoteRuns({
    ...opts,
    refs: new RemoteRefs(new GitRunner(docs.repo.root, registry.binary), remote),
    hasRemote: () => sync.hasRemote(),
    pull: () => sync.sync({ push: false }),
  });
  if (sync !== docs.sync) runs.own(sync);
  return runs;
}
