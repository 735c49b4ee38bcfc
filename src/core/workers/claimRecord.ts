/**
 * What a claim says, stored as the message of the commit its ref points at (a commit of the empty tree, so a
 * claim costs no blob and never reaches a checkout). Everything here is read from the remote: untrusted, parsed
 * strictly, and used only for display and for the lease's length, never reaching argv.
 */

/** The process holding a claim: enough to find it (host, pid) and to tell it from a later one with the same pid. */
export interface WorkerIdentity {
  /** Random per worker process: tells two workers apart even on one host with reused pids. */
  id: string;
  host: string;
  pid: number;
  /** The worker's start, ISO time on its own clock (display only). */
  startedAt: string;
  /**
   * Stable across restarts of the same clone and user (persisted under its git dir, holderId.ts): lets a restarted
   * process recognise a claim its predecessor on this host held. Never enough alone to adopt a claim (see
   * isOwnStaleClaim: the named process must be gone).
   */
  holder?: string;
}

export interface ClaimRecord {
  v: 1;
  /** The SpecTask number ("000007"). */
  task: string;
  worker: WorkerIdentity;
  /** How long the claim holds without a renewal, measured by each observer on its own monotonic clock. */
  leaseMs: number;
  /** The writer's wall clock at the renewal plus the lease: for people only (clocks may be skewed). */
  expiresAt: string;
  /** Renewals since the claim was granted (0: the grant). */
  seq: number;
  /** Random per write: no two claim commits are the same object, so a lease can never match a stale sha (ABA). */
  nonce: string;
  /** Set when this claim was taken over from an expired one: the worker that held it. */
  takenOverFrom?: string;
}

/** Bounds a lease read from the remote may have: a hostile claim cannot block a task for days. */
export const MIN_LEASE_MS = 100;
export const MAX_LEASE_MS = 60 * 60 * 1000;

const SUBJECT = 'spectask claim';

export function formatClaimMessage(r: ClaimRecord): string {
  return `${SUBJECT} #${r.task} by ${r.worker.host}:${r.worker.pid} (seq ${r.seq})\n\n${JSON.stringify(r)}\n`;
}

/** The record in a claim commit's message, or undefined when it is not one we wrote (or was tampered with). */
export function parseClaimMessage(message: string): ClaimRecord | undefined {
  if (!message.startsWith(SUBJECT)) return undefined;
  const body = message.slice(message.indexOf('\n\n') + 2).trim();
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  return validClaim(raw);
}

function validClaim(raw: unknown): ClaimRecord | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const w = r.worker as Record<string, unknown> | undefined;
  const str = (v: unknown, max = 200) => typeof v === 'string' && v.length <= max;
  if (r.v !== 1 || typeof r.task !== 'string' || !/^\d{6}$/.test(r.task)) return undefined;
  if (!w || !str(w.id, 100) || !str(w.host) || !str(w.startedAt, 40)) return undefined;
  if (w.holder !== undefined && !str(w.holder, 100)) return undefined;
  if (!Number.isSafeInteger(w.pid) || (w.pid as number) <= 0) return undefined;
  if (typeof r.leaseMs !== 'number' || !Number.isFinite(r.leaseMs)) return undefined;
  if (!str(r.expiresAt, 40) || !Number.isSafeInteger(r.seq) || (r.seq as number) < 0) return undefined;
  if (r.takenOverFrom !== undefined && !str(r.takenOverFrom, 100)) return undefined;
  if (!str(r.nonce, 64)) return undefined;
  return {
    v: 1,
    task: r.task,
    worker: {
      id: w.id as string,
      host: w.host as string,
      pid: w.pid as number,
      startedAt: w.startedAt as string,
      ...(w.holder !== undefined ? { holder: w.holder as string } : {}),
    },
    leaseMs: Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, r.leaseMs)),
    expiresAt: r.expiresAt as string,
    seq: r.seq as number,
    nonce: r.nonce as string,
    ...(r.takenOverFrom !== undefined ? { takenOverFrom: r.takenOverFrom as string } : {}),
  };
}

/** "host:pid" — how cards and logs name a worker. */
export function workerName(w: WorkerIdentity): string {
  return `${w.host}:${w.pid}`;
}
