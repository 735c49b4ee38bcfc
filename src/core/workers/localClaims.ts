import * as os from 'node:os';
import type { DesignDocsSync } from '../docs/designDocsSync';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import { Disposable, toDisposable, type Event } from '../lifecycle';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { phaseOfStatus } from '../orchestrator/phases';
import type { SpecTaskStatus } from '../orchestrator/statusMachine';
import type { ClaimAnswer, RunClaims, RunStartTrigger } from '../orchestrator/runClaims';
import { SerialPasses } from '../serialPasses';
import { ClaimClient, newWorkerIdentity, type ObservedClaim } from './claimClient';
import { workerName, type WorkerIdentity } from './claimRecord';
import { FencedPublisher } from './fencedPublisher';
import { isOwnStaleClaim, persistentHolderId } from './holderId';
import { LeaseKeeper } from './leaseKeeper';
import { LeaseObserver } from './leaseObserver';
import { fenceInQueue } from './foreignFolderFence';
import { restoreLostTasks } from './lostTasks';
import { RemoteRefs } from './remoteRefs';
import { makeStatusCommit } from './statusCommit';
import { isAddressedTo, obeyStopRequests } from './stopRequests';
import { publishFenced } from './workerPublish';

/** The clone whose design-docs branch a local claimant publishes itself, fenced by its claims. */
export interface ClaimantClone {
  /** The git directory shared by the clone's worktrees: where its stable holder id lives (holderId.ts). */
  commonDir: string;
  queue: GitQueue;
  /** The design-docs worktree. */
  worktreePath: string;
  store: {
    onDidCommit: Event<unknown>;
    commitFolder(ref: string, what?: string): Promise<unknown>;
    reportPushFailure?(sha: string, message: string): void;
  };
}

export interface LocalClaimsOptions {
  /** The repository's git (its root). */
  git: GitRunner;
  /** Integrates the remote's design-docs branch (no push): how the claim's status commit reaches this clone. */
  sync: DesignDocsSync;
  branch: string;
  remote: string;
  /** Default 60 s, like a worker's. */
  leaseMs?: number;
  /** How often the remote's claims are read (who runs what elsewhere): default 2 s. */
  pollMs?: number;
  identity?: WorkerIdentity;
  /**
   * With it, this claimant publishes the design-docs branch after each of the store's commits (FencedPublisher),
   * and the store must not push by itself: every push is then leased on the claims held. Its claims name the
   * clone's stable holder id, so a restarted process takes its predecessor's claims back at once.
   */
  clone?: ClaimantClone;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * The claim protocol for an orchestrator that is not a worker (VS Code, `spectask run`) when it pushes to the
 * remote (`spectask.pushToRemote`, `--push`; DESIGN.md §9, issue 23). Before the scheduler starts an agent the task
 * is claimed the way a worker claims it — the claim ref and the start transition in one atomic push, leased on the
 * remote head just read — so a worker (or a teammate's editor) and this one never run the same SpecTask. While its
 * agent works the claim is renewed (LeaseKeeper); when the task leaves its working status the claim is released; a
 * lost claim stops the agent at once. Tasks another holds are skipped by the scheduler ("running on worker …"), and
 * the launch gate keeps a resume or orphan relaunch off them.
 */
export class LocalClaims extends Disposable implements RunClaims {
  readonly identity: WorkerIdentity;
  private readonly refs: RemoteRefs;
  private readonly client: ClaimClient;
  private readonly keeper: LeaseKeeper;
  /** SpecTask number → id, for the claims this process holds. */
  private readonly held = new Map<string, string>();
  /** Held tasks seen working (an agent, or the working status the claim moved them to): released once that ends. */
  private readonly armed = new Set<string>();
  /**
   * Held task id → its status here when it was claimed. A task that left it and is not working has ended, even
   * if no release pass saw it working: one pass can outlast a whole short run (a launch that fails at once, while
   * a slow remote refuses another task's release), and that claim would otherwise be renewed for good.
   */
  private readonly claimedIn = new Map<string, SpecTaskStatus>();
  /** SpecTask number → its claim, for claims that are not ours (as last read from the remote). */
  private others = new Map<string, ObservedClaim>();
  private readonly observer: LeaseObserver;
  /** Tasks being claimed by the launch gate's path (a resume, an orphan, a person's restart). */
  private readonly attempting = new Set<string>();
  /** Tasks whose claim was lost: nothing of theirs may be pushed (SpecTask number → id; lostTasks.ts). */
  private readonly lost = new Map<string, string>();
  private losses = 0;
  private readonly publisher?: FencedPublisher;
  private orchestrator?: Orchestrator;
  private readonly releases = new SerialPasses(
    () => this.releaseNow(),
    (e) => this.log('warn', `could not release finished claims: ${(e as Error).message.split('\n')[0]}`),
    () => this.isDisposed,
  );
  private readonly passes = new SerialPasses(
    () => this.pass(),
    (e) => this.log('warn', `reading the remote's claims failed: ${(e as Error).message}`),
    () => this.isDisposed,
  );

  constructor(private readonly opts: LocalClaimsOptions) {
    super();
    const holder = opts.clone && persistentHolderId(opts.clone.commonDir);
    this.identity = opts.identity ?? newWorkerIdentity(os.hostname(), process.pid, new Date(), holder);
    this.refs = new RemoteRefs(opts.git, opts.remote);
    this.client = new ClaimClient(this.refs, this.identity, opts.leaseMs ?? 60_000);
    this.keeper = this._register(new LeaseKeeper(this.client));
    this.observer = new LeaseObserver(Math.min(2_000, this.client.leaseMs / 2));
    this._register(
      this.keeper.onDidLose((l) => {
        const id = this.held.get(l.task);
        this.held.delete(l.task);
        if (id) this.armed.delete(id);
        if (id) this.claimedIn.delete(id);
        if (id && opts.clone) this.lost.set(l.task, id);
        this.losses++;
        this.log('warn', `lost the claim on SpecTask ${l.task}: ${l.reason}; stopping its agent`);
        if (id) void this.orchestrator?.stop(id);
      }),
    );
    const clone = opts.clone;
    if (clone) {
      const publisher = new FencedPublisher({
        keeper: this.keeper,
        refs: this.refs,
        git: opts.git,
        sync: opts.sync,
        branch: opts.branch,
        ready: () => this.restoreLost(clone),
        fence: () => this.fence(clone),
        losses: () => this.losses,
        disposed: () => this.isDisposed,
        log: (level, m) => this.log(level, m),
        // Told where a failed push of the store is (VS Code's warning, the CLI's line), not only in the log.
        failed: (m) => clone.store.reportPushFailure?.('', m),
      });
      this.publisher = publisher;
      this._register(clone.store.onDidCommit(() => publisher.request()));
      // Sync Design Docs, the sync timer and `spectask sync` integrate only; the publisher pushes, fenced.
      this._register(opts.sync.publishThrough(() => publisher.publishNow()));
    }
  }

  /** Reads the remote's claims once (before the orchestrator starts) and keeps reading them on an interval. */
  async attach(orchestrator: Orchestrator): Promise<void> {
    this.orchestrator = orchestrator;
    await this.observe().catch((e) => this.log('warn', `could not read the remote's claims: ${(e as Error).message}`));
    this._register(orchestrator.onDidChange(() => void this.releaseFinished()));
    const timer = setInterval(() => this.passes.request(), this.opts.pollMs ?? 2_000);
    timer.unref?.();
    this._register(toDisposable(() => clearInterval(timer)));
  }

  elsewhere(taskNumber: string): string | undefined {
    const c = this.held.has(taskNumber) ? undefined : this.others.get(taskNumber);
    return c && `worker ${c.record ? workerName(c.record.worker) : 'unknown'}`;
  }

  /**
   * The launch gate: an agent starts here only on a task this process holds the claim of. The scheduler's starts
   * claim first (acquire); any other launch (a resume after a reload, an orphan, a person's restart) is held back
   * while the task is claimed here — unless another's live claim holds it, or the remote shows it has moved on.
   */
  gate(taskId: string): string | undefined {
    const number = this.orchestrator?.task(taskId)?.number;
    if (!number || this.held.has(number)) return undefined;
    void this.claimAndStart(taskId, number);
    const where = this.elsewhere(number);
    return where ? `running on ${where}` : 'claiming it on the remote before its agent starts';
  }

  async acquire(taskId: string, taskNumber: string, trigger: RunStartTrigger): Promise<ClaimAnswer> {
    if (this.held.has(taskNumber)) return { kind: 'refused', reason: 'claimed here already' };
    const ref = `refs/heads/${this.opts.branch}`;
    try {
      await this.opts.sync.sync({ push: false });
      const head = (
        await this.opts.git.tryRun([
          'rev-parse',
          '--verify',
          '--quiet',
          '--end-of-options',
          `refs/remotes/${this.opts.remote}/${this.opts.branch}^{commit}`,
        ])
      )?.trim();
      if (!head) return { kind: 'refused', reason: `the remote has no ${this.opts.branch} branch yet` };
      const before = this.orchestrator?.task(taskId)?.status;
      const status = await makeStatusCommit(
        this.opts.git,
        head,
        taskNumber,
        trigger,
        `claimed by ${workerName(this.identity)}`,
      );
      if (!status) return { kind: 'refused', reason: 'it moved on on the remote; reading it again' };
      const start = performance.now();
      const claim = await this.client.claim(taskNumber, [{ ref, expect: head, to: status.sha }]);
      if (!claim) {
        await this.observe();
        const where = this.elsewhere(taskNumber);
        return {
          kind: 'refused',
          reason: where ? `running on ${where}` : 'the remote moved while claiming it; trying again',
        };
      }
      this.keeper.hold(claim, start);
      this.held.set(taskNumber, taskId);
      if (before) this.claimedIn.set(taskId, before);
      await this.opts.sync.sync({ push: false });
      return { kind: 'claimed' };
    } catch (e) {
      return { kind: 'refused', reason: `could not claim it on the remote: ${(e as Error).message.split('\n')[0]}` };
    }
  }

  /**
   * Claims a task in its working status that no live claim holds (none, or one that outlived its lease on this
   * process's clock: taken over), then starts its run through the orchestrator's claimed-start seam. The remote's
   * design-docs branch is read first: a task another finished meanwhile is not started again.
   */
  private async claimAndStart(taskId: string, number: string): Promise<void> {
    const o = this.orchestrator;
    if (!o || this.attempting.has(taskId)) return;
    const other = this.others.get(number);
    // Our own claim from before a restart (holderId.ts) is taken back at once; another's only once it expired.
    const ours = isOwnStaleClaim(other?.record, this.identity);
    const expired =
      other && this.observer.isExpired(other.ref, other.sha, other.record?.leaseMs ?? this.client.leaseMs);
    if (other && !ours && !expired) return;
    this.attempting.add(taskId);
    try {
      await this.opts.sync.sync({ push: false });
      await o.load();
      const t = o.task(taskId);
      if (!t || !phaseOfStatus(t.status) || this.isDisposed) return;
      const start = performance.now();
      const from = other ? (this.elsewhere(number) ?? 'an unknown worker') : undefined;
      const claim = await this.client.claim(
        number,
        [],
        other ? { sha: other.sha, from: other.record?.worker.id ?? 'unknown' } : undefined,
      );
      if (!claim) return void (await this.observe());
      this.keeper.hold(claim, start);
      this.held.set(number, taskId);
      this.claimedIn.set(taskId, t.status);
      if (ours) this.log('info', `SpecTask ${number}: took back this clone's claim from ${from} (gone)`);
      await o.startClaimed(taskId, { takenOver: !!other, from, restarted: ours });
      // A Stop asked of the holder we took over from applies to us (stopRequests.ts).
      if (other) await this.obeyStops();
    } catch (e) {
      this.log('warn', `could not claim SpecTask ${number} on the remote: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      this.attempting.delete(taskId);
    }
  }

  private async pass(): Promise<void> {
    await this.observe();
    await this.obeyStops();
    await this.releaseFinished();
    this.publisher?.request();
  }

  /** A person's Stop of a run held here (stopRequests.ts): its agent stops, then releaseFinished releases it. */
  private async obeyStops(): Promise<void> {
    const o = this.orchestrator;
    if (!o || !this.held.size) return;
    await obeyStopRequests(
      this.refs,
      (task, worker) => isAddressedTo(worker, this.identity, this.keeper.claimOf(task)),
      this.held,
      (id) => o.stop(id),
      (m) => this.log('info', m),
    );
  }

  private async observe(): Promise<void> {
    const claims = await this.client.observe();
    for (const c of claims) this.observer.observe(c.ref, c.sha);
    this.observer.retainOnly(new Set(claims.map((c) => c.ref)));
    // A fetch that shows a claim of ours held by another process: lost now, its agent stopped at once.
    for (const c of claims)
      if (this.held.has(c.task) && c.record && c.record.worker.id !== this.identity.id)
        this.keeper.lostElsewhere(c.task, `the remote shows it held by ${workerName(c.record.worker)}`);
    const others = new Map<string, ObservedClaim>();
    for (const c of claims)
      if (!this.held.has(c.task) && c.record?.worker.id !== this.identity.id) others.set(c.task, c);
    const changed = others.size !== this.others.size || [...others.keys()].some((k) => !this.others.has(k));
    this.others = others;
    // Another's claim appeared or went: the scheduler looks again (a task freed may start here now).
    if (changed) this.orchestrator?.kick();
  }

  /**
   * Claims of tasks whose agent worked here and has ended, their status out of its working phase: ALL released in
   * ONE atomic push with the design-docs branch (their final statuses and ticks), leased on every claim held — the
   * worker's release (workerPublish.ts) — so the tasks' ends reach the remote even when the store's own pushes keep
   * being overtaken, and tasks that finish together cost one push, not one each. One release at a time (requests
   * meanwhile make one more pass). A refused release keeps its claims held, tried again on the next change or
   * pass; a lost claim is final (the keeper's onDidLose).
   */
  private releaseFinished(): Promise<void> {
    this.releases.request();
    return this.releases.whenIdle();
  }

  private async releaseNow(): Promise<void> {
    const o = this.orchestrator;
    if (!o) return;
    const working = o.fleet.state.working;
    const done: [number: string, id: string][] = [];
    for (const [number, id] of this.held) {
      const t = o.task(id);
      if (working.has(id) || (t && phaseOfStatus(t.status))) this.armed.add(id);
      // Claimed, but its working status not read yet (the claim's status commit is being integrated): kept.
      else if (!t || this.armed.has(id) || this.leftClaimedStatus(id, t.status)) done.push([number, id]);
    }
    if (!done.length) return;
    const clone = this.opts.clone;
    const result = await publishFenced(
      {
        keeper: this.keeper,
        refs: this.refs,
        docsBranch: this.opts.branch,
        resync: () => this.opts.sync.sync({ push: false }),
        // The release carries the branch: nothing of a task whose claim was lost may be on it (lostTasks.ts).
        ready: () => (clone ? this.restoreLost(clone) : Promise.resolve(true)),
        fence: () => (clone ? this.fence(clone) : Promise.resolve()),
      },
      [],
      done.map(([number]) => number),
    );
    if (result.kind === 'failed')
      this.log('info', `releasing SpecTask ${done.map(([n]) => n).join(', ')} was refused: ${result.message}`);
    if (result.kind !== 'pushed') return;
    for (const [number, id] of done) {
      this.held.delete(number);
      this.armed.delete(id);
      this.claimedIn.delete(id);
    }
  }

  /** Whether a held task left the status it had here when claimed (see claimedIn). */
  private leftClaimedStatus(id: string, status: SpecTaskStatus): boolean {
    const claimedIn = this.claimedIn.get(id);
    return claimedIn !== undefined && claimedIn !== status;
  }

  private restoreLost(clone: ClaimantClone): Promise<boolean> {
    if (!this.lost.size || !this.orchestrator) return Promise.resolve(true);
    return restoreLostTasks(this.lost, {
      orchestrator: this.orchestrator,
      queue: clone.queue,
      worktreePath: clone.worktreePath,
      store: clone.store,
      theirs: `refs/remotes/${this.opts.remote}/${this.opts.branch}`,
    });
  }

  /** Folders whose claim another holds, put back before each push (foreignFolderFence.ts). */
  private fence(clone: ClaimantClone): Promise<unknown> {
    const { remote, branch } = this.opts;
    return fenceInQueue(clone.queue, {
      ...clone,
      remote,
      branch,
      identity: this.identity,
      holds: (t) => this.keeper.holds(t),
    });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.opts.log?.(level, message);
  }
}
