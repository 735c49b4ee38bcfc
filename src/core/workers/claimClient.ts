import { randomBytes, randomUUID } from 'node:crypto';
import { claimRefOf, CLAIMS_PREFIX, taskNumberOfClaimRef } from './claimRefs';
import { formatClaimMessage, parseClaimMessage, type ClaimRecord, type WorkerIdentity } from './claimRecord';
import type { RefUpdate, RemoteRefs } from './remoteRefs';

/** A claim this worker holds: `sha` is its fencing token, the value every later push of ours is leased on. */
export interface HeldClaim {
  task: string;
  ref: string;
  sha: string;
  record: ClaimRecord;
}

/** A claim as the remote shows it (record undefined: a ref that is not a claim we can read; treated as held). */
export interface ObservedClaim {
  task: string;
  ref: string;
  sha: string;
  record?: ClaimRecord;
}

/** What a renewal (or any fenced push) found: `lost` means the remote's claim is no longer ours. */
export type RenewOutcome =
  { kind: 'renewed' } | { kind: 'lost'; tasks: string[] } | { kind: 'failed'; message: string };

/** Where a worker mirrors the remote's claims (fetched, pruned); never pushed. */
export function mirrorPrefix(remote: string): string {
  return `refs/spectask/remote/${remote}/claims/`;
}

/** A new worker identity for this process (`holder`: the clone's stable holder id, holderId.ts). */
export function newWorkerIdentity(
  host: string,
  pid = process.pid,
  startedAt = new Date(),
  holder?: string,
): WorkerIdentity {
  return { id: randomUUID(), host, pid, startedAt: startedAt.toISOString(), ...(holder ? { holder } : {}) };
}

/**
 * The claim protocol over one remote (DESIGN.md §9): claims are refs `refs/spectask/claims/<NNNNNN>` created,
 * renewed, taken over and released only by compare-and-swap pushes, each atomic with whatever else the caller
 * pushes (the status commit on the design-docs branch, ticks, the task branch). The remote is the only judge:
 * exactly one of two racing workers' pushes is accepted.
 */
export class ClaimClient {
  constructor(
    private readonly refs: RemoteRefs,
    readonly worker: WorkerIdentity,
    readonly leaseMs: number,
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Every claim on the remote, with its record (one fetch of the claims namespace). */
  async observe(): Promise<ObservedClaim[]> {
    const prefix = mirrorPrefix(this.refs.remote);
    await this.refs.mirror(CLAIMS_PREFIX, prefix);
    const out: ObservedClaim[] = [];
    for (const [local, { sha, message }] of await this.refs.readLocal(prefix)) {
      const ref = `${CLAIMS_PREFIX}${local.slice(prefix.length)}`;
      const task = taskNumberOfClaimRef(ref);
      if (!task) continue;
      const record = parseClaimMessage(message);
      out.push({ task, ref, sha, record: record?.task === task ? record : undefined });
    }
    return out;
  }

  /**
   * Claims `task`: one atomic push creating its claim ref (must not exist) — or replacing `takeOver.sha`, an
   * expired claim — together with `with` (the status commit). Undefined when another worker won.
   */
  async claim(
    task: string,
    withUpdates: readonly RefUpdate[] = [],
    takeOver?: { sha: string; from?: string },
  ): Promise<HeldClaim | undefined> {
    return (await this.claimOrWhy(task, withUpdates, takeOver)).held;
  }

  /**
   * Like {@link claim}, telling a refused claim apart: `taken` when the claim ref is another's now (the race is
   * lost), not when only something pushed with it was refused (the design-docs head moved: worth another try).
   */
  async claimOrWhy(
    task: string,
    withUpdates: readonly RefUpdate[] = [],
    takeOver?: { sha: string; from?: string },
  ): Promise<{ held?: HeldClaim; taken: boolean }> {
    const ref = claimRefOf(task);
    const record = this.record(task, 0, takeOver?.from);
    const sha = await this.refs.commitMessage(formatClaimMessage(record));
    const pushed = await this.refs.push([{ ref, expect: takeOver?.sha ?? '', to: sha }, ...withUpdates]);
    if (pushed.ok) return { held: { task, ref, sha, record }, taken: false };
    // The push may have reached the remote and only its answer got lost: the remote is the judge.
    const now = await this.refs.sha(ref).catch(() => null);
    if (now === sha) return { held: { task, ref, sha, record }, taken: false };
    return { taken: now === null || now !== takeOver?.sha };
  }

  /**
   * Claims every one of `tasks` (each claim ref must not exist) in ONE atomic push with `withUpdates` (their status
   * commit): all granted (`ok`), or none — one of them is another's now, or the design-docs head moved. An answer
   * lost on the way back is told by the caller's next read of the claims holding the shas of `claims`.
   */
  async claimAll(
    tasks: readonly string[],
    withUpdates: readonly RefUpdate[] = [],
  ): Promise<{ ok: boolean; claims: HeldClaim[] }> {
    const claims = await Promise.all(
      tasks.map(async (task) => {
        const record = this.record(task, 0);
        return { task, ref: claimRefOf(task), record, sha: await this.refs.commitMessage(formatClaimMessage(record)) };
      }),
    );
    const pushed = await this.refs.push([
      ...claims.map((c) => ({ ref: c.ref, expect: '', to: c.sha })),
      ...withUpdates,
    ]);
    return { ok: pushed.ok, claims };
  }

  /**
   * Renews every claim in `held` (each a new sha, leased on the one we hold) atomically with `with`: the
   * heartbeat, and the fencing of every push of ours. Updates the claims in place when renewed. `lost` names
   * the claims the remote no longer holds for us.
   */
  async renew(held: readonly HeldClaim[], withUpdates: readonly RefUpdate[] = []): Promise<RenewOutcome> {
    const next = await this.renewals(held);
    const pushed = await this.refs.push([
      ...next.map(({ h, sha }) => ({ ref: h.ref, expect: h.sha, to: sha })),
      ...withUpdates,
    ]);
    if (pushed.ok) {
      for (const { h, sha, record } of next) Object.assign(h, { sha, record });
      return { kind: 'renewed' };
    }
    return this.judgeRefusal(next, pushed.message);
  }

  /**
   * Releases the claim (deletes its ref, leased on our sha) atomically with `with` (the final status commit) and
   * the renewal of `alsoHeld`, the other claims held: what `with` carries of their tasks is fenced by them too.
   */
  release(
    held: HeldClaim,
    withUpdates: readonly RefUpdate[] = [],
    alsoHeld: readonly HeldClaim[] = [],
  ): Promise<RenewOutcome> {
    return this.releaseAll([held], withUpdates, alsoHeld);
  }

  /** Like {@link release} for several claims at once: every release of a worker's pass is one atomic push. */
  async releaseAll(
    released: readonly HeldClaim[],
    withUpdates: readonly RefUpdate[] = [],
    alsoHeld: readonly HeldClaim[] = [],
  ): Promise<RenewOutcome> {
    const next = await this.renewals(alsoHeld);
    const pushed = await this.refs.push([
      ...released.map((h) => ({ ref: h.ref, expect: h.sha })),
      ...next.map(({ h, sha }) => ({ ref: h.ref, expect: h.sha, to: sha })),
      ...withUpdates,
    ]);
    if (pushed.ok) {
      for (const { h, sha, record } of next) Object.assign(h, { sha, record });
      return { kind: 'renewed' };
    }
    return this.judgeRefusal(
      [...released.map((h) => ({ h, sha: undefined, record: h.record })), ...next],
      pushed.message,
    );
  }

  /** The next claim commit of each of `held` (a renewal: seq + 1, a new nonce). */
  private renewals(held: readonly HeldClaim[]): Promise<{ h: HeldClaim; record: ClaimRecord; sha: string }[]> {
    return Promise.all(
      held.map(async (h) => {
        const record = this.record(h.task, h.record.seq + 1, h.record.takenOverFrom);
        return { h, record, sha: await this.refs.commitMessage(formatClaimMessage(record)) };
      }),
    );
  }

  /**
   * After a refused push: did a claim move to someone else (lost), or did the push fail for another reason (a
   * hook, the network)? An answer lost on the way back is told by the remote holding what we pushed.
   */
  private async judgeRefusal(
    next: readonly { h: HeldClaim; sha: string | undefined; record: ClaimRecord }[],
    message: string,
  ): Promise<RenewOutcome> {
    let remote: Map<string, string>;
    try {
      remote = await this.refs.list(CLAIMS_PREFIX);
    } catch (e) {
      return { kind: 'failed', message: `${message}; the remote could not be read: ${(e as Error).message}` };
    }
    if (next.every(({ h, sha }) => remote.get(h.ref) === sha)) {
      for (const { h, sha, record } of next) Object.assign(h, { sha, record });
      return { kind: 'renewed' };
    }
    const lost = next.filter(({ h }) => remote.get(h.ref) !== h.sha).map(({ h }) => h.task);
    return lost.length ? { kind: 'lost', tasks: lost } : { kind: 'failed', message };
  }

  private record(task: string, seq: number, takenOverFrom?: string): ClaimRecord {
    return {
      v: 1,
      task,
      worker: this.worker,
      leaseMs: this.leaseMs,
      expiresAt: new Date(this.wallNow() + this.leaseMs).toISOString(),
      seq,
      nonce: randomBytes(8).toString('hex'),
      ...(takenOverFrom ? { takenOverFrom } : {}),
    };
  }
}
