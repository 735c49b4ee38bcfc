import * as os from 'node:os';
import type { AgentBackend } from '../agents/agentBackend';
import type { AgentHost } from '../agents/agentHost';
import { DesignDocsSync } from '../docs/designDocsSync';
import { GitRunner } from '../git/gitRunner';
import type { GitQueueRegistry } from '../git/gitQueue';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import { openOrchestrator, type OpenedOrchestrator } from '../orchestrator/openOrchestrator';
import { phaseOfStatus } from '../orchestrator/phases';
import type { OrchestratorSettings } from '../orchestrator/settings';
import { SerialPasses } from '../serialPasses';
import { fetchTaskBranch } from './branchUpdates';
import { assertRemoteName } from './claimRefs';
import { ClaimClient, newWorkerIdentity, type HeldClaim, type ObservedClaim } from './claimClient';
import { workerName, type WorkerIdentity } from './claimRecord';
import { isOwnStaleClaim, persistentHolderId } from './holderId';
import { markClaimant, unmarkClaimant } from '../docs/claimantPresence';
import { LeaseKeeper, type LostClaim } from './leaseKeeper';
import { LeaseObserver } from './leaseObserver';
import { fenceInQueue } from './foreignFolderFence';
import { restoreLostTasks } from './lostTasks';
import { RemoteRefs } from './remoteRefs';
import { chooseClaims } from './workerSchedule';
import { claimQueuedBatch } from './queuedClaim';
import { isAddressedTo, obeyStopRequests } from './stopRequests';
import { publishFenced } from './workerPublish';

export interface WorkerOptions {
  registry: GitQueueRegistry;
  backends: readonly AgentBackend[];
  host?: AgentHost;
  /** The orchestrator's settings (back-ends, permissions, nudges…); its caps are unused: maxAgents bounds the agents. */
  settings: OrchestratorSettings;
  remote: string;
  branch?: string;
  leaseMs: number;
  maxAgents: number;
  /** How often the worker reads the remote (claims, the design-docs branch): default 1 s. */
  pollMs?: number;
  /** At most one push of ticks per this long (coalesced): default 1 s. */
  pushIntervalMs?: number;
  /** Who this worker is (default: this host and process). */
  identity?: WorkerIdentity;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  secrets?: () => readonly string[];
}

/** Something a worker did, for its log and the tests. */
export type WorkerEvent =
  | { kind: 'claimed'; task: string; takeover: boolean }
  | { kind: 'released'; task: string; status: string }
  | { kind: 'lost'; task: string; reason: string }
  | { kind: 'pushed'; refs: string[] }
  | { kind: 'push-refused'; message: string };

/**
 * A worker (`spectask worker`, DESIGN.md §9): the orchestrator of its own clone, taking SpecTasks only through
 * claims on the remote. Its orchestrator is scheduled externally (its own scheduler starts nothing); the worker
 * chooses like the scheduler (workerSchedule), claims with the status commit in one atomic push, and hands the
 * claimed task to `startClaimed` — the per-task gate `mayRunAgents(taskId)` lets it run only what this worker holds.
 * Ticks and the task branch are pushed at most once per interval, fenced by the held claims; the claim is
 * released with the final status; a lost claim stops its agent at once.
 */
export class Worker extends Disposable {
  /** Who this worker is in its claims; gains the clone's stable holder id at start (holderId.ts). */
  identity: WorkerIdentity;
  private opened?: OpenedOrchestrator;
  private client!: ClaimClient;
  private keeper!: LeaseKeeper;
  private refs!: RemoteRefs;
  private sync!: DesignDocsSync;
  private readonly observer: LeaseObserver;
  /** SpecTask number → id, for the tasks this worker holds. */
  private readonly heldIds = new Map<string, string>();
  private readonly _onDidEvent = this._register(new Emitter<WorkerEvent>());
  readonly onDidEvent: Event<WorkerEvent> = this._onDidEvent.event;
  private readonly polls = new SerialPasses(
    () => this.poll(),
    (e) => this.log('warn', `worker pass failed: ${(e as Error).message}`),
    () => this.isDisposed,
  );
  private lastPush = 0;
  /** When the last sync of the design-docs branch ended (monotonic). */
  private lastSyncEnd = -Infinity;
  /** When the last pass over the remote ended (wall clock, for a liveness probe on this machine). */
  lastPassAt = 0;
  /** The claims the last pass saw on the remote. */
  private observed?: readonly ObservedClaim[];
  /** Tasks whose claim was lost: their local changes must never reach the remote (see restoreLost). */
  private readonly lost = new Map<string, string>();
  /** Tasks just claimed whose run is not started yet: no orphan relaunch may start them the wrong way first. */
  private readonly adopting = new Set<string>();
  /** Claims won from the queue whose runs are not started yet (claimQueued). */
  private readonly unstarted: { held: HeldClaim; start: number; id: string }[] = [];

  constructor(
    private readonly folder: string,
    private readonly opts: WorkerOptions,
  ) {
    super();
    // Checked before anything touches the clone: the remote's name reaches git's argv.
    assertRemoteName(opts.remote);
    this.identity = opts.identity ?? newWorkerIdentity(os.hostname());
    this.observer = new LeaseObserver(Math.min(2_000, opts.leaseMs / 2));
  }

  get orchestrator() {
    return this.opened?.orchestrator;
  }

  /** The git directory shared by the clone's worktrees (where `<git-dir>/spectask/` lives), once started. */
  get commonDir(): string | undefined {
    return this.opened?.docs.repo.commonDir;
  }

  /** Numbers of the SpecTasks this worker holds. */
  held(): string[] {
    return [...this.heldIds.keys()];
  }

  async start(): Promise<void> {
    const settings = this.opts.settings;
    this.opened = await openOrchestrator(this.folder, {
      registry: this.opts.registry,
      backends: this.opts.backends,
      host: this.opts.host,
      settings: () => settings,
      // The worker chooses and claims (workerSchedule); its orchestrator only runs what it was handed.
      scheduling: { by: 'external', maxAgents: this.opts.maxAgents },
      branch: this.opts.branch,
      secrets: this.opts.secrets,
      log: this.opts.log,
      mayRunAgents: (taskId) =>
        taskId === undefined || ([...this.heldIds.values()].includes(taskId) && !this.adopting.has(taskId))
          ? undefined
          : `claimed by another worker (or not claimed): this worker (${workerName(this.identity)}) runs only what it claims`,
    });
    const opened = this.opened;
    this._register(toDisposable(() => opened.dispose()));
    const root = opened.docs.repo.root;
    const queue = this.opts.registry.forRepo(root);
    // From now on the clone's branch may carry commits only this worker's claims fence: no other process of the
    // clone pushes it (a sync by hand integrates only) until this worker is disposed or its process exits.
    const commonDir = opened.docs.repo.commonDir;
    markClaimant(commonDir, 'spectask worker');
    this._register(toDisposable(() => unmarkClaimant(commonDir)));
    // The clone's stable holder id: a worker restarted in this clone takes its predecessor's claims back at once.
    const holder = this.opts.identity ? undefined : persistentHolderId(opened.docs.repo.commonDir);
    if (holder) this.identity = { ...this.identity, holder };
    this.refs = new RemoteRefs(new GitRunner(root, queue.git.binary), this.opts.remote);
    this.client = new ClaimClient(this.refs, this.identity, this.opts.leaseMs);
    this.keeper = this._register(new LeaseKeeper(this.client));
    this._register(this.keeper.onDidLose((l) => void this.onLost(l)));
    this.sync = this._register(
      new DesignDocsSync(queue, opened.docs.location.worktreePath, opened.docs.location.branch, {
        remote: this.opts.remote,
      }),
    );
    await opened.orchestrator.start();
    const timer = setInterval(() => this.polls.request(), this.opts.pollMs ?? 1_000);
    timer.unref?.();
    this._register(toDisposable(() => clearInterval(timer)));
    this.polls.request();
  }

  /** Runs one pass now and resolves when it (and any pass before it) is over. */
  async pass(): Promise<void> {
    await this.poll();
  }

  /**
   * True when this worker holds nothing, no queued SpecTask could be claimed, and no other worker's claim is
   * on a working SpecTask (it may expire and need taking over): `--until-idle` stops then.
   */
  idle(): boolean {
    if (this.heldIds.size || !this.observed) return false;
    const o = this.opened?.orchestrator;
    if (!o) return true;
    const claimed = new Set(this.observed.map((c) => c.task));
    const views = o.taskViews();
    if (views.some((t) => claimed.has(t.number) && phaseOfStatus(t.status))) return false;
    return !chooseClaims(views, claimed, this.opts.maxAgents).length;
  }

  private async poll(): Promise<void> {
    const o = this.opened?.orchestrator;
    if (!o || this.isDisposed) return;
    // The last pass's push synced right before it ended: another sync now would read the same remote again. With
    // every slot held nothing is chosen from the branch, and each push syncs right before it (workerPublish.ts):
    // a sync here would only replay our unpushed ticks once more (seconds, with many) and read the same remote.
    const full = this.heldIds.size >= this.opts.maxAgents;
    if (!full && performance.now() - this.lastSyncEnd > (this.opts.pollMs ?? 1_000)) await this.integrate();
    await o.load();
    const claims = await this.client.observe();
    this.observed = claims;
    for (const c of claims) this.observer.observe(c.ref, c.sha);
    this.observer.retainOnly(new Set(claims.map((c) => c.ref)));
    // A fetch that shows a claim of ours held by another worker: lost now, its agent stopped at once.
    for (const c of claims)
      if (this.heldIds.has(c.task) && c.record && c.record.worker.id !== this.identity.id)
        this.keeper.lostElsewhere(c.task, `the remote shows it held by ${workerName(c.record.worker)}`);
    await this.obeyStops();
    await this.releaseFinished();
    // A Stop asked of the worker a claim was taken over from applies to the taker (obeyed right after the takeover).
    if (await this.takeOverExpired(claims)) await this.obeyStops();
    await this.claimQueued(claims);
    await this.pushWork();
    this.lastPassAt = Date.now();
  }

  /** A person's Stop (stopRequests.ts): the agent stops, the task becomes stopped, releaseFinished releases it. */
  private async obeyStops(): Promise<void> {
    const o = this.opened!.orchestrator;
    await obeyStopRequests(
      this.refs,
      (task, worker) => isAddressedTo(worker, this.identity, this.keeper.claimOf(task)),
      this.heldIds,
      (id) => o.stop(id),
      (m) => this.log('info', m),
    );
  }

  /**
   * Tasks this worker held that left their working status (review, failed, done): all released in ONE push with
   * the final status and the work of every task still held (workerPublish.ts).
   */
  private async releaseFinished(): Promise<void> {
    const o = this.opened!.orchestrator;
    const done = [...this.heldIds].filter(([number, id]) => {
      const t = o.task(id);
      const working = o.taskViews().find((v) => v.id === id)?.agentWorking;
      return t && !phaseOfStatus(t.status) && !working && this.keeper.holds(number) && !this.adopting.has(id);
    });
    if (!done.length) return;
    const statuses = done.map(([number, id]) => [number, o.task(id)?.status ?? ''] as const);
    if ((await this.publish(done.map(([number]) => number))).kind !== 'pushed') return;
    this.lastPush = performance.now();
    for (const [number, status] of statuses) {
      this.heldIds.delete(number);
      this.emit({ kind: 'released', task: number, status });
    }
  }

  /** Claims of working SpecTasks that outlived their lease on this worker's clock: taken over and resumed. */
  private async takeOverExpired(claims: readonly ObservedClaim[]): Promise<boolean> {
    const o = this.opened!.orchestrator;
    let took = false;
    for (const c of claims) {
      if (this.heldIds.size >= this.opts.maxAgents) return took;
      if (this.heldIds.has(c.task)) continue;
      const t = o.taskViews().find((v) => v.number === c.task);
      if (!t || !phaseOfStatus(t.status)) continue;
      const ours = isOwnStaleClaim(c.record, this.identity);
      if (!ours && !this.observer.isExpired(c.ref, c.sha, c.record?.leaseMs ?? this.opts.leaseMs)) continue;
      const start = performance.now();
      const held = await this.client.claim(c.task, [], { sha: c.sha, from: c.record?.worker.id ?? 'unknown' });
      if (!held) continue;
      const from = c.record ? workerName(c.record.worker) : 'an unknown worker';
      this.log(
        'info',
        ours
          ? `took back this clone's claim on SpecTask ${c.task} from ${from} (gone)`
          : `took over SpecTask ${c.task} from ${from}`,
      );
      await this.adopt(held, start, t.id, from);
      took = true;
    }
    return took;
  }

  /** Queued SpecTasks chosen like the local scheduler would: each claimed with its status commit. */
  private async claimQueued(claims: readonly ObservedClaim[]): Promise<void> {
    const o = this.opened!.orchestrator;
    const claimed = new Set(claims.map((c) => c.task));
    const deps = {
      client: this.client,
      refs: this.refs,
      docsBranch: this.docsBranch(),
      note: `claimed by ${workerName(this.identity)}`,
    };
    // All claimed in ONE atomic push (claim refs + one status commit; queuedClaim.ts), then ONE sync brings the
    // status commit in, then each run starts; until its start the launch gate keeps any other start (an orphan
    // relaunch) off a task just claimed, and no release takes it. A failed sync leaves them for the next pass.
    const free = this.opts.maxAgents - this.heldIds.size;
    const ids = new Map<string, string>();
    const choose = (taken: ReadonlySet<string>) =>
      chooseClaims(o.taskViews(), new Set([...claimed, ...taken]), free).flatMap((d) => {
        const number = o.task(d.taskId)?.number;
        if (number) ids.set(number, d.taskId);
        return number ? [{ task: number, trigger: d.trigger }] : [];
      });
    // Nothing to choose by what this pass read: no round trip.
    const got = choose(new Set()).length ? await claimQueuedBatch(deps, choose) : { held: [], start: 0 };
    for (const held of got.held) {
      const id = ids.get(held.task)!;
      this.keeper.hold(held, got.start);
      this.heldIds.set(held.task, id);
      this.adopting.add(id);
      this.unstarted.push({ held, start: got.start, id });
    }
    if (!this.unstarted.length) return;
    await this.integrate();
    for (let w = this.unstarted.shift(); w; w = this.unstarted.shift()) await this.adopt(w.held, w.start, w.id);
  }

  /**
   * Starts the run of a task just claimed: from the queue, the way the local scheduler starts it; taken over
   * (`from` = the former holder), resumed from what was pushed with the prompt a reload uses (claimedStart.ts).
   */
  private async adopt(held: HeldClaim, start: number, id: string, from?: string) {
    // A claim from the queue is held since its push (claimQueued); one lost since must not be held again here.
    if (!this.adopting.has(id)) {
      this.keeper.hold(held, start);
      this.heldIds.set(held.task, id);
    }
    const o = this.opened!.orchestrator;
    this.adopting.add(id);
    try {
      await o.load();
      const branch = o.task(id)?.record?.branch;
      if (branch) await fetchTaskBranch(this.refs.git, this.opts.remote, branch);
    } finally {
      this.adopting.delete(id);
    }
    if (!this.keeper.holds(held.task)) return; // lost meanwhile
    this.emit({ kind: 'claimed', task: held.task, takeover: from !== undefined });
    await o.startClaimed(id, { takenOver: from !== undefined, from });
  }

  /** Ticks and task branches, fenced by every held claim; at most one push per interval. */
  private async pushWork(force = false): Promise<void> {
    if (!this.heldIds.size) return;
    const now = performance.now();
    if (!force && now - this.lastPush < (this.opts.pushIntervalMs ?? 1_000)) return;
    this.lastPush = now;
    const result = await this.publish([]);
    if (result.kind === 'pushed') this.emit({ kind: 'pushed', refs: result.refs });
  }

  /** One fenced push (workerPublish.ts): synced right before it, retried at once when the design-docs head moved. */
  private publish(release: readonly string[]) {
    return publishFenced(
      {
        keeper: this.keeper,
        refs: this.refs,
        docsBranch: this.docsBranch(),
        resync: () => this.integrate(),
        ready: () => this.restoreLost(),
        fence: () =>
          fenceInQueue(this.opts.registry.forRepo(this.opened!.docs.repo.root), {
            ...this.opened!.docs.location,
            remote: this.opts.remote,
            identity: this.identity,
            holds: (t) => this.keeper.holds(t),
          }),
        refused: (message) => this.emit({ kind: 'push-refused', message }),
      },
      this.taskBranches([...this.heldIds.values()]),
      release,
    );
  }

  private async onLost(l: LostClaim): Promise<void> {
    const id = this.heldIds.get(l.task);
    this.heldIds.delete(l.task);
    this.emit({ kind: 'lost', task: l.task, reason: l.reason });
    this.log('warn', `lost the claim on SpecTask ${l.task}: ${l.reason}; stopping its agent`);
    if (!id) return;
    this.lost.set(l.task, id);
    // The run is cancelled (its whole process tree); what its end writes locally is undone by restoreLost.
    await this.opened?.orchestrator.stop(id);
  }

  /** Lost tasks put back as the remote has them (lostTasks.ts); false while a lost task's agent still runs. */
  private restoreLost(): Promise<boolean> {
    const opened = this.opened!;
    return restoreLostTasks(this.lost, {
      orchestrator: opened.orchestrator,
      queue: this.opts.registry.forRepo(opened.docs.repo.root),
      worktreePath: opened.docs.location.worktreePath,
      store: opened.docs.store,
      theirs: `refs/remotes/${this.opts.remote}/${this.docsBranch()}`,
    });
  }

  /** Fetches and integrates the remote's design-docs branch (no push: every push of ours is fenced). */
  private async integrate(): Promise<void> {
    await this.sync.sync({ push: false });
    this.lastSyncEnd = performance.now();
  }

  private taskBranches(ids: readonly string[]): string[] {
    const o = this.opened!.orchestrator;
    return ids.map((id) => o.task(id)?.record?.branch).filter((b): b is string => !!b);
  }

  private docsBranch(): string {
    return this.opened!.docs.location.branch;
  }

  private emit(e: WorkerEvent): void {
    this._onDidEvent.fire(e);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.opts.log?.(level, message);
  }
}
