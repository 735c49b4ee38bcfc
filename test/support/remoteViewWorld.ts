// A remote whose design-docs branch holds SpecTasks a worker is implementing, a worker clone that pushes ticks the
// way a worker does (the ticked tasks.md in ONE atomic push with its claim's renewal), and a viewer clone (the
// person's laptop). Real git over the file transport; used by the remote-run view's tests and its benchmark.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner } from '../../src/core/git/gitCommand';
import { GitRunner } from '../../src/core/git/gitRunner';
import { taskFolderName, TASKS_DIR } from '../../src/core/docs/designDocsLayout';
import { newSpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { ClaimClient, newWorkerIdentity, type HeldClaim } from '../../src/core/workers/claimClient';
import { RemoteRefs } from '../../src/core/workers/remoteRefs';
import { git, tempDir } from './tempRepo';

export const VIEW_DOCS = 'helix-design-docs';

export interface RemoteViewWorld {
  bare: string;
  /** A clone with the fixture identity (the viewer's, or any other). */
  clone(): string;
  /** The worker: claims SpecTask `n` (its status commit is already on the branch). */
  claim(n: number): Promise<HeldClaim>;
  /** The worker ticks item `item` (0-based) of SpecTask `n` and pushes it with its claim's renewal. */
  tick(held: HeldClaim, n: number, item: number): Promise<void>;
  /** The worker releases its claim. */
  release(held: HeldClaim): Promise<void>;
  client: ClaimClient;
  items: number;
}

function clone(bare: string): string {
  const dir = path.join(tempDir('spectask-view-'), 'c');
  git(path.dirname(dir), 'clone', '-q', bare, dir);
  git(dir, 'config', 'user.name', 'Fixture');
  git(dir, 'config', 'user.email', 'fixture@example.com');
  return dir;
}

const checklist = (n: number, items: number, done: number) =>
  `# Implementation Tasks: Task ${n}\n\n${Array.from({ length: items }, (_, i) => `- [${i < done ? 'x' : ' '}] T${i + 1}: step ${i + 1}`).join('\n')}\n`;

/** `tasks` SpecTasks in implementation with `items` unticked items each, on a new bare remote. */
export function makeRemoteViewWorld(tasks: number, items: number): RemoteViewWorld {
  const bare = path.join(tempDir('spectask-view-remote-'), 'remote.git');
  git(path.dirname(bare), 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = tempDir('spectask-view-seed-');
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'config', 'user.name', 'Fixture');
  git(seed, 'config', 'user.email', 'fixture@example.com');
  fs.writeFileSync(path.join(seed, 'README.md'), '# app\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'push', '-q', bare, 'main:refs/heads/main');
  git(seed, 'checkout', '-q', '--orphan', VIEW_DOCS);
  git(seed, 'rm', '-rqf', '.');
  for (let n = 1; n <= tasks; n++) {
    const rel = path.join(TASKS_DIR, taskFolderName(n, `task-${n}`));
    fs.mkdirSync(path.join(seed, rel), { recursive: true });
    const record = { ...newSpecTaskRecord({ number: n, title: `Task ${n}`, prompt: 'work', backend: 'custom' }) };
    Object.assign(record, { status: 'implementation' });
    fs.writeFileSync(path.join(seed, rel, 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
    fs.writeFileSync(path.join(seed, rel, 'requirements.md'), `# Requirements: Task ${n}\n`);
    fs.writeFileSync(path.join(seed, rel, 'design.md'), `# Design: Task ${n}\n`);
    fs.writeFileSync(path.join(seed, rel, 'tasks.md'), checklist(n, items, 0));
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'SpecTasks in implementation');
  git(seed, 'push', '-q', bare, `${VIEW_DOCS}:refs/heads/${VIEW_DOCS}`);

  const workerDir = clone(bare);
  git(workerDir, 'checkout', '-q', VIEW_DOCS);
  const runner = new GitRunner(workerDir, 'git', undefined, undefined, new GitCommandRunner());
  const client = new ClaimClient(new RemoteRefs(runner, 'origin'), newWorkerIdentity('build-box'), 60_000);
  const ref = `refs/heads/${VIEW_DOCS}`;
  return {
    bare,
    items,
    client,
    clone: () => clone(bare),
    async claim(n) {
      const held = await client.claim(String(n).padStart(6, '0'));
      if (!held) throw new Error(`claim of ${n} refused`);
      return held;
    },
    async tick(held, n, item) {
      const file = path.join(workerDir, TASKS_DIR, taskFolderName(n, `task-${n}`), 'tasks.md');
      fs.writeFileSync(file, checklist(n, items, item + 1));
      const before = git(workerDir, 'rev-parse', 'HEAD');
      git(workerDir, 'commit', '-qam', `tick ${n}/${item + 1}`);
      const to = git(workerDir, 'rev-parse', 'HEAD');
      const r = await client.renew([held], [{ ref, expect: before, to }]);
      if (r.kind !== 'renewed') throw new Error(`tick push refused: ${JSON.stringify(r)}`);
    },
    async release(held) {
      await client.release(held);
    },
  };
}
