import type { Trigger } from '../orchestrator/statusMachine';
import type { ClaimClient, HeldClaim } from './claimClient';
import type { RemoteRefs } from './remoteRefs';
import { makeStatusCommit } from './statusCommit';

export interface QueuedClaimDeps {
  client: ClaimClient;
  refs: RemoteRefs;
  docsBranch: string;
  /** The note of the status commit ("claimed by host:pid"). */
  note: string;
  /** Claim pushes per task at most; default 3. */
  attempts?: number;
  jitterMs?: number;
}

/**
 * Claims a queued SpecTask: the claim ref (must not exist) and its status commit on the remote's design-docs head
 * just read, in one atomic push (claimClient.ts). A push refused only because that head moved meanwhile — the claim
 * ref still free — is made again at once on the new head, with a small random wait, a bounded number of times; a
 * claim ref that exists now is another's: the race is lost and nothing is retried. Undefined when not claimed.
 */
export async function claimQueued(
  d: QueuedClaimDeps,
  taskNumber: string,
  trigger: Trigger,
): Promise<{ held: HeldClaim; start: number } | undefined> {
  const docsRef = `refs/heads/${d.docsBranch}`;
  for (let attempt = 1; attempt <= Math.max(1, d.attempts ?? 3); attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * (d.jitterMs ?? 40)));
    // Fetched, not only listed: the status commit is built on that head's tree, here, before anything moves it.
    const head = await d.refs.fetchOne(docsRef, `refs/spectask/remote/${d.refs.remote}/claim-base`);
    if (!head) return undefined;
    // Undefined when the task moved on in that head (another worker claimed and ran it): nothing to claim.
    const status = await makeStatusCommit(d.refs.git, head, taskNumber, trigger, d.note);
    if (!status) return undefined;
    const start = performance.now();
    const answer = await d.client.claimOrWhy(taskNumber, [{ ref: docsRef, expect: head, to: status.sha }]);
    if (answer.held) return { held: answer.held, start };
    if (answer.taken) return undefined;
  }
  return undefined;
}
