// A shared remote (a bare repository reached by path, git's file transport) and clones of it, for the claim
// protocol's tests. Real git on both sides; the remote may get a real pre-receive hook.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { ClaimClient, newWorkerIdentity } from '../../../src/core/workers/claimClient';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { git, tempDir } from '../../support/tempRepo';

export interface RemoteWorld {
  bare: string;
  /** A new clone of the remote, with the fixture identity. */
  clone(): string;
  /** The remote's sha of `ref`, or undefined. */
  remoteSha(ref: string): string | undefined;
}

/** A bare remote holding `main` and the design-docs branch, one commit each. */
export function makeRemoteWorld(): RemoteWorld {
  const bare = path.join(tempDir('spectask-remote-'), 'remote.git');
  git(path.dirname(bare), 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = tempDir('spectask-seed-');
  git(seed, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(seed, 'README.md'), '# app\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'push', '-q', bare, 'main:refs/heads/main', 'main:refs/heads/helix-design-docs');
  return {
    bare,
    clone() {
      const dir = path.join(tempDir('spectask-clone-'), 'c');
      git(path.dirname(dir), 'clone', '-q', bare, dir);
      git(dir, 'config', 'user.name', 'Fixture');
      git(dir, 'config', 'user.email', 'fixture@example.com');
      return dir;
    },
    remoteSha(ref) {
      const out = git(bare, 'for-each-ref', '--format=%(objectname)', ref);
      return out || undefined;
    },
  };
}

/** A claim client in `clone` (git started from the calling thread: no helper process to clean up). */
export function clientIn(clone: string, leaseMs: number, host = 'test-host', wallNow?: () => number): ClaimClient {
  const runner = new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner());
  return new ClaimClient(new RemoteRefs(runner, 'origin'), newWorkerIdentity(host), leaseMs, wallNow);
}

/** A commit on top of `parent` in `clone` (a status change of the design-docs branch), not pushed. */
export function commitOn(clone: string, parent: string, text: string): string {
  const tree = git(clone, 'rev-parse', `${parent}^{tree}`);
  return git(clone, 'commit-tree', tree, '-p', parent, '-m', text);
}
