import type { Trigger } from '../orchestrator/statusMachine';
import { mirrorPrefix, type ClaimClient, type HeldClaim } from './claimClient';
import type { RemoteRefs } from './remoteRefs';
import { CLAIMS_PREFIX, claimRefOf } from './claimRefs';
import { makeStatusCommits } from './statusCommit';

export interface QueuedClaimDeps {
  client: ClaimClient;
  refs: RemoteRefs;
  docsBranch: string;
  /** The note of the status commit ("claimed by host:pid"). */
  note: string;
  /** Claim pushes per batch at most; default 3. */
  attempts?: number;
  jitterMs?: number;
}

/** A SpecTask a worker would claim, and the move its claim makes (the scheduler's trigger). */
export interface ClaimChoice {
  task: string;
  trigger: Trigger;
}

/**
 * Claims several queued SpecTasks in ONE atomic push: their claim refs (each must not exist) and ONE status commit
 * moving them all, on the remote's design-docs head — read in the same fetch as the remote's claims, so what is
 * chosen leaves out what others hold already. `choose` picks, in the scheduler's order, from what no claim holds.
 * Refused (one of them was taken meanwhile, or the head moved), the next attempt reads both again and chooses
 * again without the taken ones, a bounded number of times; an answer lost on the way back is told by the claims
 * read next holding our shas. Exactly one of racing workers wins each claim: the remote judges every push.
 */
export async function claimQueuedBatch(
  d: QueuedClaimDeps,
  choose: (taken: ReadonlySet<string>) => readonly ClaimChoice[],
): Promise<{ held: HeldClaim[]; start: number }> {
  const docsRef = `refs/heads/${d.docsBranch}`;
  const mirror = mirrorPrefix(d.refs.remote);
  const attempts = Math.max(1, d.attempts ?? 3);
  let pushed: { held: HeldClaim[]; start: number } | undefined;
  // One read more than pushes: a refused last push may still have landed (its answer lost).
  for (let attempt = 1; attempt <= attempts + 1; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * (d.jitterMs ?? 40)));
    const base = `refs/spectask/remote/${d.refs.remote}/claim-base`;
    const head = await d.refs.fetchOneWithMirror(docsRef, base, CLAIMS_PREFIX, mirror);
    const remote = await d.refs.readLocal(mirror);
    const shaOf = (task: string) => remote.get(`${mirror}${claimRefOf(task).slice(CLAIMS_PREFIX.length)}`)?.sha;
    if (pushed?.held.every((h) => shaOf(h.task) === h.sha)) return pushed;
    if (!head || attempt > attempts) break;
    const taken = new Set([...remote.keys()].map((r) => r.slice(mirror.length)));
    const wanted = choose(taken).filter((c) => !taken.has(c.task));
    if (!wanted.length) break;
    // Tasks that moved on in that head (another claimed and ran them) are left out of the commit and the claims.
    const status = await makeStatusCommits(d.refs.git, head, wanted, d.note);
    if (!status) break;
    const start = performance.now();
    const answer = await d.client.claimAll(
      status.moves.map((m) => m.task),
      [{ ref: docsRef, expect: head, to: status.sha }],
    );
    pushed = { held: answer.claims, start };
    if (answer.ok) return pushed;
  }
  return { held: [], start: performance.now() };
}
