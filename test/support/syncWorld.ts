// A sync test's world, shared by the design-docs sync tests: real git throughout — a bare remote, our repository
// (with its design-docs worktree) and a teammate's clone of the design-docs branch. The teammate works with plain
// git, as a person or another SpecTask would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs, type DesignDocs } from '../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { git, makeRepo, tempDir, userState } from './tempRepo';

export const BRANCH = 'helix-design-docs';

export interface World {
  registry: GitQueueRegistry;
  repo: string;
  bare: string;
  peer: string;
  dd: DesignDocs;
  wt: string;
  user: Record<string, string>;
  failures: string[];
  /** The teammate changes files (relative to the branch root), commits and pushes; returns the commit. */
  teammate(files: Record<string, string | null>, message?: string): string;
  dispose(): void;
}

export async function world(opts: { push?: boolean } = {}): Promise<World> {
  const registry = new GitQueueRegistry();
  const repo = makeRepo();
  const bare = tempDir('spectask-remote-');
  git(bare, 'init', '-q', '--bare');
  git(repo, 'remote', 'add', 'origin', bare);
  const dd = await openDesignDocs(repo, { registry, push: opts.push ?? false });
  const failures: string[] = [];
  dd.store.onDidFailPush((f) => failures.push(f.message));
  const wt = dd.location.worktreePath;
  git(wt, 'push', '-q', 'origin', BRANCH);
  const peer = tempDir('spectask-peer-');
  git(peer, 'clone', '-q', '--branch', BRANCH, bare, '.');
  const user = userState(repo);
  return {
    registry,
    repo,
    bare,
    peer,
    dd,
    wt,
    user,
    failures,
    teammate(files, message = 'teammate change') {
      git(peer, 'pull', '-q', '--ff-only', 'origin', BRANCH);
      for (const [f, text] of Object.entries(files)) {
        const abs = path.join(peer, f);
        if (text === null) fs.rmSync(abs);
        else {
          fs.mkdirSync(path.dirname(abs), { recursive: true });
          fs.writeFileSync(abs, text);
        }
      }
      git(peer, 'add', '-A');
      git(peer, 'commit', '-qm', message);
      git(peer, 'push', '-q', 'origin', BRANCH);
      return git(peer, 'rev-parse', 'HEAD');
    },
    dispose() {
      dd.store.dispose();
      registry.dispose();
    },
  };
}
