import type { GitQueueRegistry } from '../git/gitQueue';
import { GitRunner } from '../git/gitRunner';

/**
 * Whether the repository at `folder` has the remote `origin` the design-docs sync talks to: known before the store
 * is opened, since with claims the store must not push by itself (localClaims.ts publishes, fenced by its claims).
 * False outside a repository (opening it reports that).
 */
export async function hasOrigin(folder: string, registry: GitQueueRegistry): Promise<boolean> {
  const remotes = await new GitRunner(folder, registry.binary).tryRun(['remote']);
  return !!remotes?.split('\n').some((r) => r.trim() === 'origin');
}
