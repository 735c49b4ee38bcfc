import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitProcessesIn, removeLockIfStale } from '../../../src/core/git/staleLock';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

/** A fake process table: pid → { comm, cwd, args }. */
function fakeProc(procs: Record<number, { comm: string; cwd: string; args: string[] }>): string {
  const dir = tempDir('spectask-proc-');
  for (const [pid, p] of Object.entries(procs)) {
    fs.mkdirSync(path.join(dir, pid));
    fs.writeFileSync(path.join(dir, pid, 'comm'), `${p.comm}\n`);
    fs.symlinkSync(p.cwd, path.join(dir, pid, 'cwd'));
    fs.writeFileSync(path.join(dir, pid, 'cmdline'), `${p.args.join('\0')}\0`);
  }
  return dir;
}

function oldLock(dir: string, ageMs: number): string {
  const lock = path.join(dir, 'index.lock');
  fs.writeFileSync(lock, '');
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(lock, t, t);
  return lock;
}

describe('stale lock detection', () => {
  after(cleanupTemp);

  it('finds git processes working in the repository by cwd or by an absolute argument', async () => {
    const repo = tempDir();
    const elsewhere = tempDir();
    const proc = fakeProc({
      10: { comm: 'git', cwd: path.join(repo), args: ['git', 'status'] },
      11: { comm: 'git', cwd: elsewhere, args: ['git', '-C', repo, 'fetch'] },
      12: { comm: 'git', cwd: elsewhere, args: ['git', 'status'] },
      13: { comm: 'node', cwd: repo, args: ['node'] },
      14: { comm: 'git-remote-http', cwd: repo, args: ['git-remote-http'] },
    });
    assert.deepEqual(await gitProcessesIn([repo], proc), [10, 11, 14]);
    assert.equal(await gitProcessesIn([repo], path.join(elsewhere, 'no-proc')), undefined);
  });

  it('removes an old lock only when no git works in the repository', async () => {
    const repo = tempDir();
    const lock = oldLock(repo, 60_000);
    const busy = fakeProc({ 20: { comm: 'git', cwd: repo, args: ['git', 'commit'] } });
    const held = await removeLockIfStale(lock, [repo], { procDir: busy });
    assert.equal(held.removed, false);
    assert.match(held.reason, /pid 20/);
    assert.ok(fs.existsSync(lock));
    const idle = fakeProc({});
    assert.equal((await removeLockIfStale(lock, [repo], { procDir: idle })).removed, true);
    assert.equal(fs.existsSync(lock), false);
  });

  it('never removes a young lock, and without a process table only a very old one', async () => {
    const repo = tempDir();
    const young = oldLock(repo, 100);
    assert.equal((await removeLockIfStale(young, [repo], { procDir: fakeProc({}) })).removed, false);
    const lock = oldLock(repo, 60_000);
    const noProc = path.join(repo, 'nope');
    assert.equal((await removeLockIfStale(lock, [repo], { procDir: noProc })).removed, false);
    assert.equal(
      (await removeLockIfStale(lock, [repo], { procDir: noProc, ageOnlyThresholdMs: 30_000 })).removed,
      true,
    );
  });
});
