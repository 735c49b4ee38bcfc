import { randomBytes } from 'node:crypto';
import type { HeldClaim } from './claimClient';
import type { WorkerIdentity } from './claimRecord';
import { assertFullRefName } from './claimRefs';
import type { RemoteRefs } from './remoteRefs';

/**
 * A person's Stop of a run a worker holds (issue 23). The request is a ref of its own on the remote,
 * `refs/spectask/stops/<NNNNNN>`, pointing at a commit of the empty tree whose message says which worker it is for
 * — not a change on the design-docs branch:
 * - the branch is the worker's while it holds the claim: every push of its ticks is leased on the remote head, so a
 *   stop commit there would make the worker's pushes fail until it synced, and could conflict with its ticks;
 * - a ref is one compare-and-swap object per SpecTask, which the worker reads in the same round trip as the claims,
 *   and deletes (leased on its sha) once obeyed, so nothing of it stays on the branch's history;
 * - it names the worker process it is for (the claim record's random id): a request left behind by a crash can never
 *   stop a later claim of the same SpecTask by another worker or a worker's later run;
 * - it is passed on with the claim: a holder that took the claim over from the process a request names (the claim's
 *   `takenOverFrom` — an expired lease, or its own clone's process before a restart) obeys it as if it named it.
 * Everything in a request is read from the remote: untrusted, parsed strictly, never reaching argv.
 */
export const STOPS_PREFIX = 'refs/spectask/stops/';

const SUBJECT = 'spectask stop';

export interface StopRequest {
  v: 1;
  task: string;
  /** The id of the worker process it is for (ClaimRecord.worker.id). */
  worker: string;
  /** Who asked, e.g. "laptop:4242" (display only). */
  by: string;
  /** The asker's wall clock (display only). */
  at: string;
  nonce: string;
}

export function stopRefOf(task: string): string {
  if (!/^\d{6}$/.test(task)) throw new Error(`Refusing stop request for ${JSON.stringify(task)}: not a task number`);
  return `${STOPS_PREFIX}${task}`;
}

export function formatStopMessage(r: StopRequest): string {
  return `${SUBJECT} #${r.task}\n\n${JSON.stringify(r)}\n`;
}

/** The request in a stop commit's message, or undefined when it is not one we wrote. */
export function parseStopMessage(message: string): StopRequest | undefined {
  if (!message.startsWith(SUBJECT)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(message.slice(message.indexOf('\n\n') + 2).trim());
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
  if (r.v !== 1 || typeof r.task !== 'string' || !/^\d{6}$/.test(r.task)) return undefined;
  if (!str(r.worker, 100) || !str(r.by, 200) || !str(r.at, 40) || !str(r.nonce, 64)) return undefined;
  return {
    v: 1,
    task: r.task,
    worker: r.worker as string,
    by: r.by as string,
    at: r.at as string,
    nonce: r.nonce as string,
  };
}

/**
 * Asks the worker `workerId` to stop SpecTask `task`: creates (or replaces) its stop ref in one leased push. False
 * when the remote refused it (another request landed at the same moment: the caller may try again).
 */
export async function requestStop(refs: RemoteRefs, task: string, workerId: string, by: string): Promise<boolean> {
  const ref = stopRefOf(task);
  const request: StopRequest = {
    v: 1,
    task,
    worker: workerId,
    by,
    at: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const sha = await refs.commitMessage(formatStopMessage(request));
  const current = (await refs.sha(ref)) ?? '';
  return (await refs.push([{ ref, expect: current, to: sha }])).ok;
}

/** Where a worker mirrors the remote's stop requests. */
export function stopMirrorPrefix(remote: string): string {
  return `refs/spectask/remote/${remote}/stops/`;
}

/** The remote's stop requests by SpecTask number (one `ls-remote`; fetched only when there is any). */
export async function readStopRequests(refs: RemoteRefs): Promise<Map<string, { sha: string; request: StopRequest }>> {
  const out = new Map<string, { sha: string; request: StopRequest }>();
  if (!(await refs.list(STOPS_PREFIX)).size) return out;
  const prefix = stopMirrorPrefix(refs.remote);
  assertFullRefName(`${prefix}x`, 'ref prefix');
  await refs.mirror(STOPS_PREFIX, prefix);
  for (const [local, { sha, message }] of await refs.readLocal(prefix)) {
    const task = /^(\d{6})$/.exec(local.slice(prefix.length))?.[1];
    const request = parseStopMessage(message);
    if (task && request?.task === task) out.set(task, { sha, request });
  }
  return out;
}

/**
 * Whether a stop request naming process `worker` is for the holder `me` of `claim`: it names `me`, or the process
 * `me` took the claim over from (the request was sent to a holder that lost the claim before obeying it).
 */
export function isAddressedTo(worker: string, me: WorkerIdentity, claim: HeldClaim | undefined): boolean {
  return worker === me.id || (!!claim && claim.record.takenOverFrom === worker);
}

/**
 * The holder's side (a worker, or a local claimant): every request for a SpecTask held here that `isForUs` (see
 * {@link isAddressedTo}) is obeyed — `stop(taskId)` stops its agent (soft, grace, kill) and the task becomes
 * "stopped", which the holder's next pass releases with the final status — and then deleted from the remote (leased
 * on the sha read). Requests for other processes are left alone. Returns the SpecTask numbers stopped.
 */
export async function obeyStopRequests(
  refs: RemoteRefs,
  isForUs: (task: string, worker: string) => boolean,
  held: ReadonlyMap<string, string>,
  stop: (taskId: string) => Promise<void>,
  log?: (message: string) => void,
): Promise<string[]> {
  if (!held.size) return [];
  const stopped: string[] = [];
  for (const [task, { sha, request }] of await readStopRequests(refs)) {
    const id = held.get(task);
    if (!id || !isForUs(task, request.worker)) continue;
    log?.(
      `stop requested for SpecTask ${task} by ${request.by.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, ' ')}; stopping its agent`,
    );
    await stop(id);
    await refs.push([{ ref: stopRefOf(task), expect: sha }]);
    stopped.push(task);
  }
  return stopped;
}
