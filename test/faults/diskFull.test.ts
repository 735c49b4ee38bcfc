import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateSpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { RunLedger } from '../../src/core/orchestrator/ledger';
import { cleanupTemp, git, GIT_ENV, makeRepo, userState } from '../support/tempRepo';
import { recordFault, recordViolation } from './counters';
import {
  createImplementationTask,
  itemStates,
  makeFaultHarness,
  sleep,
  ticked,
  waitForStatus,
  type FaultHarness,
} from './faultHarness';
import { waitNoStrays } from './procs';

// Issue 10: the disk fills up while agents tick. The test repository (its .git, the design-docs worktree,
// the code worktrees, the ledger and the transcripts) lives on a small tmpfs of its own, which the test fills
// to the last byte while agents work, holds full, then frees. FAULTS_DISKFULL_ROUNDS sets the rounds (default 1).
const ROUNDS = Number(process.env.FAULTS_DISKFULL_ROUNDS || 1);
const SIZE_MB = 64;
const ITEMS = 6;
const PAUSE_MS = 250;
const HOLD_MS = 4000;
const AREA = 'disk full while committing';

/** Mounts a tmpfs of `mb` MB at a new folder; returns why not when this machine does not allow it. */
function mountTmpfs(mb: number): { dir?: string; why?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { dir };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    return {
      why: `cannot mount a tmpfs here (${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}); needs root or CAP_SYS_ADMIN`,
    };
  }
}

/** Fills the file system holding `dir` to the last byte (big writes, then small ones); returns the filler's path. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(size, 0xa5);
      for (;;) {
        try {
          fs.writeSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Problems with the files that must never be torn: every spectask.json, every tasks.md, the ledger. */
function tornFiles(h: FaultHarness, tasks: { id: string; tasksFile: string; itemTexts: string[] }[]): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    const folder = path.dirname(t.tasksFile);
    try {
      const v = validateSpecTaskRecord(JSON.parse(fs.readFileSync(path.join(folder, 'spectask.json'), 'utf8')));
      if (!v.ok) out.push(`${t.id}/spectask.json is invalid: ${v.message}`);
    } catch (e) {
      out.push(`${t.id}/spectask.json is torn: ${(e as Error).message}`);
    }
    const states = itemStates(fs.readFileSync(t.tasksFile, 'utf8'));
    if (!t.itemTexts.every((x) => states.has(x)))
      out.push(`${t.id}/tasks.md lost items: it has ${states.size} of ${t.itemTexts.length}`);
  }
  const ledger = path.join(h.repo, '.git', 'spectask', 'ledger.jsonl');
  if (fs.existsSync(ledger)) {
    const lines = fs
      .readFileSync(ledger, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    for (const [i, l] of lines.entries()) {
      try {
        JSON.parse(l);
      } catch {
        out.push(`ledger line ${i + 1} is torn: ${l.slice(0, 80)}`);
      }
    }
  }
  return out;
}

describe('faults: the disk fills up while agents tick', function () {
  this.timeout(600_000);
  let mount: string | undefined;
  let h: FaultHarness | undefined;

  before(function () {
    const m = mountTmpfs(SIZE_MB);
    if (!m.dir) {
      console.log(`    skipped: ${m.why}`);
      this.skip();
    }
    mount = m.dir;
  });
  after(async () => {
    await h?.dispose();
    cleanupTemp();
    if (mount) {
      // A read still in flight when the orchestrator was disposed keeps a file open for a moment: retry a while.
      let unmounted = false;
      for (let i = 0; i < 40 && !unmounted; i++) {
        try {
          execFileSync('umount', [mount], { stdio: ['ignore', 'pipe', 'pipe'] });
          unmounted = true;
        } catch {
          await sleep(50);
        }
      }
      if (!unmounted) {
        // Still busy: say what holds it, and detach it now (freed once unused).
        const held = fs
          .readdirSync('/proc/self/fd')
          .map((fd) => {
            try {
              return fs.readlinkSync(`/proc/self/fd/${fd}`);
            } catch {
              return '';
            }
          })
          .filter((l) => l.startsWith(mount!));
        console.log(`    ${mount} busy (${held.join(', ') || 'no open file of this process'}); detached lazily`);
        execFileSync('umount', ['-l', mount]);
      }
      fs.rmSync(mount, { recursive: true, force: true });
    }
  });

  // Found by this suite: on a full disk a write can land in part (the file's last page had room) without any
  // error, so the ledger kept a torn line and lost the entry silently.
  it('the run ledger appends a whole line or nothing when the disk is full', async () => {
    const dir = path.join(mount!, 'ledger-test');
    fs.mkdirSync(dir);
    const ledger = new RunLedger(dir);
    await ledger.append({ kind: 'run-ended', runId: 'r0', outcome: 'success', at: 1 });
    const before = fs.readFileSync(ledger.file);
    const filler = fill(mount!);
    const v: string[] = [];
    try {
      // A line far longer than what is left in the file's last page.
      const big = {
        kind: 'run-started' as const,
        runId: 'r1',
        taskId: '000001',
        phase: 'implementation' as const,
        backend: 'custom',
        cwd: `/x/${'y'.repeat(20_000)}`,
        at: 2,
      };
      const outcome = await ledger.append(big).then(
        () => 'appended',
        (e: Error) => `refused: ${e.message}`,
      );
      const after = fs.readFileSync(ledger.file);
      if (
        outcome === 'appended' &&
        !after
          .toString('utf8')
          .trimEnd()
          .split('\n')
          .every((l) => {
            try {
              JSON.parse(l);
              return true;
            } catch {
              return false;
            }
          })
      )
        v.push('the append reported success but left a torn line');
      if (outcome !== 'appended' && !after.equals(before))
        v.push(`the refused append left ${after.length - before.length} bytes of a torn line`);
      if (outcome !== 'appended' && !/ENOSPC|no space/i.test(outcome))
        v.push(`the refusal does not say the disk is full: ${outcome}`);
      console.log(`    ledger on a full disk: ${outcome.slice(0, 120)}`);
    } finally {
      fs.rmSync(filler);
    }
    await ledger.append({ kind: 'run-ended', runId: 'r2', outcome: 'success', at: 3 });
    const runs = await ledger.runs();
    if (!runs.length && !fs.readFileSync(ledger.file, 'utf8').includes('"r2"'))
      recordViolation(AREA, 'the ledger takes no entry once space is back');
    recordFault(AREA, 'ledger append on a full disk', v);
    assert.deepEqual(v, []);
  });

  it('tells the user, tears no file, commits every pending tick once space is back, and git fsck passes', async () => {
    // The repository on the tmpfs: makeRepo's folders come from os.tmpdir(), which reads TMPDIR.
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = mount!;
    let repo: string;
    try {
      repo = makeRepo();
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    const userBefore = userState(repo);
    h = await makeFaultHarness(repo, { pauseMs: PAUSE_MS });
    for (let round = 1; round <= ROUNDS; round++) {
      const v: string[] = [];
      const noticesBefore = h.notices.length;
      const logsBefore = h.logs.length;
      const tasks = [
        await createImplementationTask(h, `Full ${round}a`, ITEMS),
        await createImplementationTask(h, `Full ${round}b`, ITEMS),
      ];
      // Fill once both agents have a tick committed: they are mid-work.
      for (const t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(20)) {
        if (tasks.every((t) => ticked(git(h!.docsWorktree, 'show', `HEAD:${t.rel}`)).size >= 1)) break;
      }
      const filler = fill(mount!);
      const fullAt = Date.now();
      await sleep(HOLD_MS);
      v.push(...tornFiles(h, tasks).map((p) => `while full: ${p}`));
      fs.rmSync(filler);
      const freedAt = Date.now();
      // What the user was told while the disk was full.
      const told = h.notices
        .slice(noticesBefore)
        .filter((n) => /ENOSPC|no space|out of diskspace|disk (is )?full/i.test(n.message));
      if (!told.length)
        v.push(
          `no notice told the user the disk was full (notices: ${
            h.notices
              .slice(noticesBefore)
              .map((n) => n.message)
              .join(' | ') || 'none'
          })`,
        );
      // Space is back: the next reconcile tick (every 10 s in the product) commits every tick the files hold
      // that a failed commit left behind, before any Retry; relaunched agents and Retry finish the work.
      const pending = new Map(tasks.map((t) => [t.id, ticked(fs.readFileSync(t.tasksFile, 'utf8'))]));
      await h.orchestrator.reconcile();
      await h.idle();
      for (const t of tasks) {
        const head = ticked(git(h.docsWorktree, 'show', `HEAD:${t.rel}`));
        const missing = [...pending.get(t.id)!].filter((x) => !head.has(x));
        if (missing.length)
          v.push(
            `${t.id}: ticks written while the disk was full are not committed once space is back: ${missing.join(', ')}`,
          );
      }
      for (const t of tasks) {
        for (let attempt = 0; attempt < 4; attempt++) {
          const st = await waitForStatus(h, t.id, ['implementation_review', 'implementation_failed'], 90_000);
          if (st === 'implementation_review') break;
          await h.orchestrator.retry(t.id);
        }
      }
      await h.idle();
      v.push(...tornFiles(h, tasks));
      for (const t of tasks) {
        const st = h.orchestrator.task(t.id)?.status;
        if (st !== 'implementation_review')
          v.push(`${t.id} is ${st} after space came back: ${h.orchestrator.task(t.id)?.error}`);
        const file = ticked(fs.readFileSync(t.tasksFile, 'utf8'));
        const head = ticked(git(h.docsWorktree, 'show', `HEAD:${t.rel}`));
        if (file.size !== ITEMS) v.push(`${t.id}: ${file.size}/${ITEMS} items ticked`);
        for (const x of file) if (!head.has(x)) v.push(`${t.id}: tick "${x}" never committed`);
      }
      try {
        execFileSync('git', ['fsck', '--full', '--no-progress'], {
          cwd: repo,
          env: GIT_ENV,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        v.push(`git fsck failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim().slice(0, 300)}`);
      }
      const left = await waitNoStrays(h.marker, path.join(repo, '.git-worktrees'), 3000);
      if (left.length) v.push(`processes left: ${left.map((p) => p.pid).join(', ')}`);
      const now = userState(repo);
      if (JSON.stringify(now) !== JSON.stringify(userBefore)) v.push("the user's checkout changed");
      console.log(
        `    round ${round}: full for ${freedAt - fullAt} ms; ${told.length} notice(s) about the full disk: ${told.map((n) => `"${n.message.slice(0, 160)}"`).join(', ') || '-'}`,
      );
      if (process.env.FAULTS_VERBOSE)
        console.log(
          h.logs
            .slice(logsBefore)
            .map((l) => `      ${l.slice(0, 240)}`)
            .join('\n'),
        );
      recordFault(AREA, `round ${round}`, v);
      assert.deepEqual(v, []);
    }
  });
});
