import type { SyncResult } from '../../core/docs/designDocsSyncResult';

/** The notification of a finished Sync Design Docs. */
export function describeSync(r: SyncResult): string {
  // With claims the push is the claimant's (leased on its claims), a moment after this sync.
  if (r.handedToClaimant)
    return `${describeIntegration(r)} Your commits are pushed to ${r.remote} with your claims on its SpecTasks.`;
  // Another process of this clone claims: only it may push the branch (claimantPresence.ts).
  if (r.pushedByClaimant)
    return `${describeIntegration(r)} Not pushed from this window: the branch is pushed by the running claimant (${r.pushedByClaimant.label}, pid ${r.pushedByClaimant.pid}), each push leased on its claims.`;
  return describeIntegration(r);
}

function describeIntegration(r: SyncResult): string {
  switch (r.outcome) {
    case 'up-to-date':
      return `Design docs are up to date with ${r.remote}.`;
    case 'pushed':
      return `Pushed the design docs to ${r.remote}.`;
    case 'published':
      return `Published the design-docs branch ${r.branch} to ${r.remote}.`;
    case 'fast-forwarded':
      return `Took ${r.incoming} new commit${r.incoming === 1 ? '' : 's'} from ${r.remote} (${r.changedFiles.length} file${r.changedFiles.length === 1 ? '' : 's'} updated).`;
    case 'rebased':
      return `Took ${r.incoming} commit${r.incoming === 1 ? '' : 's'} from ${r.remote} and put ${r.replayed} of yours on top${r.resolved.length ? ` (${r.resolved.length} file${r.resolved.length === 1 ? '' : 's'} merged)` : ''}${r.pushed ? '; pushed' : ''}.`;
  }
}
