import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClaimRecord, WorkerIdentity } from './claimRecord';

/** Where a clone keeps its claim holder id: under its git dir, so it is this clone's and this user's only. */
export function holderIdFile(commonDir: string): string {
  return path.join(commonDir, 'spectask', 'holder-id');
}

const HOLDER_ID = /^[0-9a-f-]{36}$/;

/**
 * The clone's stable claim holder id (issue 23): read from `<git-dir>/spectask/holder-id`, made on first use (an
 * exclusive create, so two processes starting at once agree on one). A restarted VS Code or `spectask run --push`
 * names the same holder in its claims as the process before it, which lets it recognise that process's claims as
 * its own (isOwnStaleClaim). Undefined when the file cannot be read or written: claims then name no holder, and a
 * restart waits for the lease as before.
 *
 * Only a claimant asks for it (a worker, a local orchestrator that publishes with its claims). Each also records
 * itself as the clone's live claimant (claimantPresence.ts: the worker when it starts, a local claimant in
 * DesignDocsSync.publishThrough) so that no other process of the clone pushes the branch around its fence.
 */
export function persistentHolderId(commonDir: string): string | undefined {
  const file = holderIdFile(commonDir);
  const read = () => {
    const text = fs.readFileSync(file, 'utf8').trim();
    return HOLDER_ID.test(text) ? text : undefined;
  };
  try {
    return read();
  } catch {
    // Not there yet: made below.
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const id = randomUUID();
    fs.writeFileSync(file, `${id}\n`, { flag: 'wx', mode: 0o600 });
    return id;
  } catch {
    try {
      return read(); // another process made it first
    } catch {
      return undefined;
    }
  }
}

/** Whether process `pid` exists on this machine (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a claim on the remote was held by an earlier process of this very clone (same holder id, same host) that
 * is gone: the claim is ours to take back at once instead of waiting for its lease. A claim of another live
 * process — a second VS Code window or `spectask run` on the same clone, another host, another clone — never is:
 * those wait for the lease like any other. A pid reused by an unrelated process only makes us wait, never adopt.
 * The takeover itself is still a compare-and-swap on the sha read, so it cannot race a renewal.
 */
export function isOwnStaleClaim(
  record: ClaimRecord | undefined,
  me: WorkerIdentity,
  alive: (pid: number) => boolean = processAlive,
  host = os.hostname(),
): boolean {
  const w = record?.worker;
  if (!w || !me.holder || w.holder !== me.holder) return false;
  if (w.id === me.id || w.host !== me.host || w.host !== host) return false;
  // Our own pid with another id: its earlier owner is gone (a container's worker restarted as the same pid).
  return w.pid === process.pid || !alive(w.pid);
}
