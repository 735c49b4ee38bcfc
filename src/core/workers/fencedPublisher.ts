import type { DesignDocsSync } from '../docs/designDocsSync';
import type { GitRunner } from '../git/gitRunner';
import { SerialPasses } from '../serialPasses';
import { branchUpdates, leasesContained } from './branchUpdates';
import type { LeaseKeeper } from './leaseKeeper';
import type { RemoteRefs } from './remoteRefs';

export interface FencedPublisherOptions {
  keeper: LeaseKeeper;
  refs: RemoteRefs;
  git: GitRunner;
  /** Integrates the remote's design-docs branch (no push) when a push found it moved. */
  sync: DesignDocsSync;
  branch: string;
  /** False while nothing may be pushed (a lost task's agent still runs; lostTasks.ts). */
  ready: () => Promise<boolean>;
  /** Puts back the folders whose claim another holds, right before each push (foreignFolderFence.ts). */
  fence: () => Promise<unknown>;
  /** Counts the claims lost so far: a loss during a publish sends it back to `ready`. */
  losses: () => number;
  /** Tells whether the claimant is gone: no further pass. */
  disposed: () => boolean;
  log: (level: 'warn', message: string) => void;
  /** A publish that did not get the branch to the remote (an error, or a remote that kept moving). */
  failed?: (message: string) => void;
}

/** Rounds of push, then integrate what the remote got meanwhile, before a publish waits for the next change. */
const ATTEMPTS = 3;

/**
 * Publishes the design-docs branch of a local claimant (VS Code or `spectask run` with `spectask.pushToRemote`,
 * localClaims.ts) in place of the store's own push after each commit (DESIGN.md §9, issue 23): while it holds
 * claims, every push renews them all in the same atomic push (LeaseKeeper.push: each claim leased on its current
 * sha), so a process that lost a claim pushes nothing more and learns it from the refusal; holding none, the push
 * is leased on the remote head its last sync read. What any push carries is fenced by content too (`fence`,
 * foreignFolderFence.ts): folders whose claim another holds — a second claimant of the clone lost it, or a killed
 * predecessor did — are put back first. Requests coalesce (one pass at a time, one more after it).
 */
export class FencedPublisher {
  private readonly passes: SerialPasses;

  constructor(private readonly o: FencedPublisherOptions) {
    this.passes = new SerialPasses(
      () => this.publish(),
      (e) => {
        const message = (e as Error).message.split('\n')[0] ?? '';
        o.log('warn', `pushing the design-docs branch failed: ${message}`);
        o.failed?.(message);
      },
      o.disposed,
    );
  }

  /** Publishes what is committed now (or right after the publish under way). */
  request(): void {
    this.passes.request();
  }

  /** Like request, and resolves once that publish has ended (a sync a person asked for waits for its push). */
  publishNow(): Promise<void> {
    this.passes.request();
    return this.passes.whenIdle();
  }

  private async publish(): Promise<void> {
    const { keeper, refs, git, sync, branch } = this.o;
    let refused = 'the remote moved';
    for (let attempt = 1; attempt <= ATTEMPTS && !this.o.disposed(); attempt++) {
      const losses = this.o.losses();
      if (!(await this.o.ready())) return;
      await this.o.fence();
      const updates = await branchUpdates(git, refs, branch, []);
      if (!updates.length) return;
      // The lease is on what the last sync read; a branch that does not contain it (a claim's status commit landed
      // since) would be forced over it: integrate first.
      if (!(await leasesContained(git, updates))) {
        await sync.sync({ push: false });
        continue;
      }
      // Holding none, the push is unfenced: only when no claim was lost since `ready` put lost tasks back.
      if (this.o.losses() !== losses) continue;
      const outcome = keeper.heldClaims().length
        ? { ok: await keeper.push(updates), message: 'a claim was lost or the remote moved' }
        : await refs.push(updates);
      if (outcome.ok) return;
      refused = outcome.message ?? refused;
      // The remote moved (a teammate, a worker) or a claim was lost (put back by `ready` first): read it again.
      await sync.sync({ push: false });
    }
    const message = `pushing ${branch} was refused ${ATTEMPTS} times (${refused}); pushing again at the next change`;
    this.o.log('warn', message);
    this.o.failed?.(message);
  }
}
