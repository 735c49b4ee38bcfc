import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import type { ClaimClient, HeldClaim, RenewOutcome } from './claimClient';
import type { RefUpdate } from './remoteRefs';

/** Why a worker stopped holding a claim. */
export interface LostClaim {
  task: string;
  reason: string;
}

/** What a fenced push found; `none`: no claim was held (or none of those to release), so nothing was pushed. */
export type FencedOutcome = RenewOutcome | { kind: 'none' };

/**
 * Keeps the claims one worker holds alive and fences its pushes. Every push goes through {@link push}: one at a
 * time, each renewing every held claim (leased on its current sha) atomically with the refs it carries, so a
 * worker that lost a claim cannot push anything more. A heartbeat pushes nothing else every third of the lease.
 *
 * The worker also judges its own lease without any other clock: it measures, on its monotonic clock, from the
 * START of its last accepted push; once that is older than the lease minus a safety margin it gives the claim
 * up itself. Observers start counting only after seeing the sha that push wrote (LeaseObserver), so the worker
 * has stopped before any of them may take over, however far apart the machines' wall clocks are.
 */
export class LeaseKeeper extends Disposable {
  private readonly held = new Map<string, { claim: HeldClaim; lastOkStart: number }>();
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = false;
  private readonly _onDidLose = this._register(new Emitter<LostClaim>());
  /** A claim is no longer ours: its agent must stop now, and nothing of its task may be pushed. */
  readonly onDidLose: Event<LostClaim> = this._onDidLose.event;

  constructor(
    private readonly client: ClaimClient,
    private readonly monotonicNow: () => number = () => performance.now(),
    /** Give the claim up this long before the lease ends (default a fifth of it). */
    private readonly marginMs = client.leaseMs / 5,
    heartbeatMs = client.leaseMs / 3,
  ) {
    super();
    const timer = setInterval(() => void this.heartbeat(), Math.max(20, heartbeatMs));
    timer.unref?.();
    this._register(toDisposable(() => clearInterval(timer)));
    this._register(toDisposable(() => clearTimeout(this.lapseTimer)));
  }

  private lapseTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Wakes up exactly when the oldest claim's own deadline passes. Judged on the heartbeat alone, a cut-off worker
   * noticed up to a heartbeat late (a third of the lease), leaving its agent too little of the margin to stop in.
   */
  private armLapse(): void {
    clearTimeout(this.lapseTimer);
    if (this.isDisposed || !this.held.size) return;
    const oldest = Math.min(...[...this.held.values()].map((h) => h.lastOkStart));
    const wait = oldest + this.client.leaseMs - this.marginMs - this.monotonicNow();
    this.lapseTimer = setTimeout(
      () => {
        this.lapse();
        this.armLapse();
      },
      Math.max(0, Math.ceil(wait)),
    );
    this.lapseTimer.unref?.();
  }

  /** Starts keeping a claim just granted (its grant push started at `grantStart`, monotonic). */
  hold(claim: HeldClaim, grantStart: number): void {
    this.held.set(claim.task, { claim, lastOkStart: grantStart });
    this.armLapse();
  }

  holds(task: string): boolean {
    return this.held.has(task);
  }

  heldClaims(): HeldClaim[] {
    return [...this.held.values()].map((h) => h.claim);
  }

  /**
   * A fetch showed `task`'s claim held by another process (taken over): lost now, without waiting for our next
   * push to be refused — its agent stops at once.
   */
  lostElsewhere(task: string, reason: string): void {
    this.lose(task, reason);
  }

  /** The claim held for `task`, if any. */
  claimOf(task: string): HeldClaim | undefined {
    return this.held.get(task)?.claim;
  }

  /** Stops keeping `task` (after a release): no renewal, no loss reported. */
  forget(task: string): void {
    this.held.delete(task);
  }

  /**
   * Pushes `updates` fenced by every held claim, after any push in flight. Resolves true when the remote took it;
   * false when it refused, could not be reached, or no claim is held any more (a lost claim is reported through
   * onDidLose first).
   */
  push(updates: readonly RefUpdate[] = []): Promise<boolean> {
    return this.pushFenced(updates).then((o) => o.kind === 'renewed');
  }

  /** Like {@link push}, telling why a push did not go through (a lost claim, or a refusal for another reason). */
  pushFenced(updates: readonly RefUpdate[] = []): Promise<FencedOutcome> {
    const run = this.chain.then(() => this.pushNow(updates));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Releases `task`'s claim atomically with `updates` (its final status commit), fenced by the claim itself and by
   * every other claim held (renewed in the same push): the branch it carries holds their tasks' work too.
   */
  release(task: string, updates: readonly RefUpdate[] = []): Promise<boolean> {
    return this.releaseAll([task], updates).then((o) => o.kind === 'renewed');
  }

  /** Like {@link release} for several tasks in ONE atomic push (a worker's pass releases all it finished at once). */
  releaseAll(tasks: readonly string[], updates: readonly RefUpdate[] = []): Promise<FencedOutcome> {
    const run = this.chain.then(async (): Promise<FencedOutcome> => {
      this.lapse();
      const released = tasks.map((t) => this.held.get(t)).filter((h) => h !== undefined);
      if (!released.length || released.length !== tasks.length) return { kind: 'none' };
      const others = [...this.held].filter(([t]) => !tasks.includes(t)).map(([, o]) => o);
      const start = this.monotonicNow();
      const outcome = await this.client.releaseAll(
        released.map((h) => h.claim),
        updates,
        others.map((o) => o.claim),
      );
      if (outcome.kind === 'renewed') {
        for (const t of tasks) this.held.delete(t);
        for (const o of others) o.lastOkStart = start;
        this.armLapse();
      } else this.judge(outcome);
      return outcome;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async pushNow(updates: readonly RefUpdate[]): Promise<FencedOutcome> {
    this.lapse();
    const entries = [...this.held.values()];
    // Nothing is pushed unfenced: a worker that holds no claim has nothing to push.
    if (!entries.length) return { kind: 'none' };
    const start = this.monotonicNow();
    const outcome = await this.client.renew(
      entries.map((h) => h.claim),
      updates,
    );
    if (outcome.kind === 'renewed') {
      for (const h of entries) h.lastOkStart = start;
      this.armLapse();
    } else this.judge(outcome);
    return outcome;
  }

  /**
   * Judges the lease first, on the timer, so a push hanging on a cut network cannot keep an agent running past
   * its lease; then renews, unless a push is still in flight (they would only pile up behind it).
   */
  private heartbeat(): void {
    if (this.isDisposed || !this.held.size) return;
    this.lapse();
    if (!this.held.size || this.inFlight) return;
    this.inFlight = true;
    void this.push([])
      .catch(() => undefined)
      .finally(() => (this.inFlight = false));
  }

  /** Gives up claims whose last accepted push is older than the lease minus the margin (self-fencing). */
  private lapse(): void {
    const now = this.monotonicNow();
    for (const [task, h] of this.held)
      if (now - h.lastOkStart >= this.client.leaseMs - this.marginMs)
        this.lose(task, `no renewal reached the remote within the lease (${Math.round(this.client.leaseMs)} ms)`);
  }

  private judge(outcome: RenewOutcome): void {
    if (outcome.kind === 'lost')
      for (const task of outcome.tasks) this.lose(task, 'the remote no longer holds its claim for this worker');
    else this.lapse();
  }

  private lose(task: string, reason: string): void {
    if (!this.held.delete(task)) return;
    this._onDidLose.fire({ task, reason });
  }
}
