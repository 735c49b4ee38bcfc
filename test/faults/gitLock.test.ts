import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { disposeAfterEach } from '../support/disposeAfterEach';
import { cleanupTemp, git, GIT_ENV, makeRepo, userState } from '../support/tempRepo';
import { recordFault, tally } from './counters';
import { ticked } from './faultHarness';

// Issue 10: a git index.lock held by another process on the design-docs worktree while ticks are committed,
// and the design-docs worktree folder deleted while idle.
const AREA = 'git index.lock / deleted worktree';

async function setup() {
  const repo = makeRepo();
  const before = userState(repo);
  const registry = new GitQueueRegistry();
  const docs = await openDesignDocs(repo, { registry });
  const s = await docs.store.create({ title: 'Locked' });
  const d = await docs.store.get(s.id);
  const file = path.join(d.path, 'tasks.md');
  const rel = path.relative(docs.location.worktreePath, file);
  const items = ['T1: a', 'T2: b', 'T3: c', 'T4: d'];
  const write = (n: number) =>
    fs.writeFileSync(file, `# Tasks\n\n${items.map((t, i) => `- [${i < n ? 'x' : ' '}] ${t}`).join('\n')}\n`);
  write(0);
  await docs.store.commitFolder(s.id, 'checklist');
  const lock = path.join(git(docs.location.worktreePath, 'rev-parse', '--absolute-git-dir'), 'index.lock');
  const head = () => ticked(git(docs.location.worktreePath, 'show', `HEAD:${rel}`));
  const dispose = async () => {
    docs.store.dispose();
    await registry.forRepo(docs.repo.root).whenIdle();
    registry.dispose();
  };
  return { repo, before, docs, id: s.id, write, lock, head, dispose };
}

describe('faults: git index.lock held by another process, design-docs worktree deleted', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(() => cleanupTemp());

  it('a lock held for less than the retry window: the tick waits, then commits', async () => {
    const f = track(await setup());
    const v: string[] = [];
    fs.writeFileSync(f.lock, '');
    setTimeout(() => fs.rmSync(f.lock, { force: true }), 1000);
    f.write(1);
    const t0 = Date.now();
    await f.docs.store.commitFolder(f.id, 'tick T1').catch((e) => v.push(`the commit failed: ${(e as Error).message}`));
    if (Date.now() - t0 < 900)
      v.push(`committed in ${Date.now() - t0} ms while the lock was held (lock not honoured?)`);
    if (!f.head().has('T1: a')) v.push('the tick is not on the branch');
    if (JSON.stringify(userState(f.repo)) !== JSON.stringify(f.before)) v.push("the user's checkout changed");
    recordFault(AREA, 'index.lock held 1 s during a tick', v);
    assert.deepEqual(v, []);
  });

  it('a lock held long by a live git: a clear error, and the tick is committed once the lock is gone', async () => {
    const f = track(await setup());
    const v: string[] = [];
    // A real git working in the repository holds the lock (so it is not stale): `hash-object --stdin` waits on stdin.
    const holder = spawn('git', ['hash-object', '--stdin'], {
      cwd: f.docs.location.worktreePath,
      env: GIT_ENV,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    track({ dispose: () => void holder.kill('SIGKILL') });
    fs.writeFileSync(f.lock, '');
    f.write(2);
    let err: Error | undefined;
    await f.docs.store.commitFolder(f.id, 'tick T1 T2').catch((e: Error) => (err = e));
    if (!err) v.push('the commit claimed success while the index was locked');
    else if (!/index\.lock|lock/i.test(err.message)) v.push(`the error does not name the lock: ${err.message}`);
    holder.kill('SIGKILL');
    fs.rmSync(f.lock, { force: true });
    f.write(3);
    await f.docs.store
      .commitFolder(f.id, 'tick T3')
      .catch((e) => v.push(`the commit after the lock was gone failed: ${(e as Error).message}`));
    const h = f.head();
    for (const t of ['T1: a', 'T2: b', 'T3: c']) if (!h.has(t)) v.push(`tick "${t}" lost`);
    if (JSON.stringify(userState(f.repo)) !== JSON.stringify(f.before)) v.push("the user's checkout changed");
    console.log(`    long lock: ${err ? `refused with "${err.message.split('\n')[0].slice(0, 140)}"` : 'not refused'}`);
    recordFault(AREA, 'index.lock held by a live git beyond the retry window', v);
    assert.deepEqual(v, []);
  });

  it('a stale lock left by a crashed git (no git running): removed, the tick commits', async () => {
    const f = track(await setup());
    const v: string[] = [];
    fs.writeFileSync(f.lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(f.lock, old, old);
    f.write(1);
    await f.docs.store.commitFolder(f.id, 'tick T1').catch((e) => v.push(`the commit failed: ${(e as Error).message}`));
    if (!f.head().has('T1: a')) v.push('the tick is not on the branch');
    if (fs.existsSync(f.lock)) v.push('the stale lock is still there');
    recordFault(AREA, 'stale index.lock from a crashed git', v);
    assert.deepEqual(v, []);
  });

  it('the design-docs worktree folder deleted while idle: repaired on the next open, nothing lost', async () => {
    const f = track(await setup());
    const v: string[] = [];
    f.write(2);
    await f.docs.store.commitFolder(f.id, 'ticks');
    const wt = f.docs.location.worktreePath;
    await f.dispose();
    fs.rmSync(wt, { recursive: true, force: true });
    const registry = track(new GitQueueRegistry());
    try {
      const again = await openDesignDocs(f.repo, { registry });
      track({
        dispose: async () => {
          again.store.dispose();
          await registry.forRepo(again.repo.root).whenIdle();
        },
      });
      if (!again.location.repairs.length) v.push('no repair was reported');
      const d = await again.store.get(f.id);
      const items = d.checklist?.items ?? [];
      if (items.filter((i) => i.state === 'done').length !== 2)
        v.push(`ticks after the repair: ${JSON.stringify(items.map((i) => i.state))}`);
      if (d.record?.title !== 'Locked') v.push('spectask.json lost');
      console.log(`    repairs: ${again.location.repairs.join('; ')}`);
    } catch (e) {
      v.push(`the reopen failed: ${(e as Error).message}`);
    }
    if (JSON.stringify(userState(f.repo)) !== JSON.stringify(f.before)) v.push("the user's checkout changed");
    recordFault(AREA, 'design-docs worktree folder deleted', v);
    assert.deepEqual(v, [], tally.violations.join('\n'));
  });
});
