import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, git, makeRepo } from '../support/tempRepo';
import { recordFault, recordViolation } from './counters';
import { itemStates, sleep } from './faultHarness';
import { waitNoStrays } from './procs';

// Issue 24: a mark writes its marker's byte into tasks.md in place (markerWrite.ts). Here `spectask mark` (the
// path agents and people use) is SIGKILLed at random points, N times (MARK_KILL_N), while an agent-like writer
// rewrites the same tasks.md the way agents do (truncate, then write, a millisecond apart) and the test reads
// it all the time. Invariants: after each kill, once the writer is between writes, the checklist is whole (no
// zero byte either: the one torn state a byte written past a truncate makes, which the write's own check
// replaces at once); every version of it committed on the branch is whole and not empty; and,
// without the writer, every acknowledged mark is in HEAD.
const N = Number(process.env.MARK_KILL_N || 40);
const ITEMS = 30;
const CLI = path.resolve('dist/cli.js');
const AREA = 'spectask mark SIGKILLed beside a truncating writer';
const STATES = ['todo', 'doing', 'done'] as const;

/** The agent-like writer: rewrites the file with what it read (truncate, pause, write) until told to stop. */
const WRITER = `
const fs = require('node:fs');
const [file, pause, ack, seen] = process.argv.slice(1);
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (;;) {
  if (fs.existsSync(pause)) { fs.writeFileSync(ack, ''); nap(5); continue; }
  const text = fs.readFileSync(file);
  if (text.includes(0)) fs.appendFileSync(seen, 'writer read a zero byte\\n');
  else if (text.length > 0) {
    const fd = fs.openSync(file, 'w'); // O_TRUNC: the file is empty until the write below
    nap(1);
    fs.writeSync(fd, text);
    fs.closeSync(fd);
  }
  nap(3);
}`;

describe(`faults: spectask mark SIGKILLed at random points beside a truncating writer, ${N} times`, function () {
  this.timeout(600_000);
  let repo: string;
  let writer: ChildProcess | undefined;
  const children: ChildProcess[] = [];

  after(() => {
    writer?.kill('SIGKILL');
    for (const c of children) c.kill('SIGKILL');
    cleanupTemp();
  });

  it('leaves no torn checklist on disk or in the branch, and loses no acknowledged mark', async () => {
    repo = makeRepo();
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: 'utf8' });
    assert.equal(cli('create', 'Mark kill').status, 0);
    const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
    const rel = 'design/tasks/000001_mark-kill/tasks.md';
    const file = path.join(docsWt, rel);
    const texts = Array.from({ length: ITEMS }, (_, i) => `T${i + 1}: step ${i + 1}`);
    fs.writeFileSync(file, `# Implementation Tasks: Mark kill\n\n${texts.map((t) => `- [ ] ${t}`).join('\n')}\n`);
    git(docsWt, 'add', rel);
    git(docsWt, 'commit', '-q', '-m', 'checklist');
    const start = git(docsWt, 'rev-parse', 'HEAD');
    const whole = (text: string): string | undefined => {
      if (text.includes('\0')) return 'a zero byte';
      const states = itemStates(text);
      if (!text.startsWith('# Implementation Tasks: Mark kill\n') || states.size !== ITEMS)
        return `${states.size}/${ITEMS} items`;
      return texts.every((t) => states.has(t)) ? undefined : 'an item text changed';
    };

    const ctl = fs.mkdtempSync(path.join(path.dirname(repo), 'mark-kill-ctl-'));
    const [pause, ack, seen] = ['pause', 'ack', 'seen'].map((n) => path.join(ctl, n));
    fs.writeFileSync(seen, '');
    writer = spawn(process.execPath, ['-e', WRITER, file, pause, ack, seen], { stdio: 'ignore' });
    let zeroReads = 0;
    const reader = setInterval(() => {
      if (fs.readFileSync(file).includes(0)) zeroReads++;
    }, 1);
    /** The checklist as it is between two of the writer's rewrites. */
    const settled = async (): Promise<string> => {
      fs.rmSync(ack, { force: true });
      fs.writeFileSync(pause, '');
      for (const t0 = Date.now(); !fs.existsSync(ack) && Date.now() - t0 < 5000;) await sleep(2);
      const text = fs.readFileSync(file, 'utf8');
      fs.rmSync(pause);
      return text;
    };
    const gitDir = git(docsWt, 'rev-parse', '--absolute-git-dir');
    /**
     * What the killed CLI started finishes by itself: the git it runs (a commit it started just before the kill
     * ends after it; with the git helper process, the helper and its git). Waited for (no process left working in
     * the repository), so that the next mark's commit never races the last one's, and then for git's index lock.
     */
    const gitsDone = async () => {
      await waitNoStrays(`never-${process.pid}-${Date.now()}`, repo, 5000);
      for (const t0 = Date.now(); fs.existsSync(path.join(gitDir, 'index.lock')) && Date.now() - t0 < 5000;)
        await sleep(5);
    };
    const runMark = (item: number, state: string) => {
      const child = spawn(process.execPath, [CLI, 'mark', '1', String(item), state], { cwd: repo, stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const exited = (c: ChildProcess) =>
      new Promise<number | null>((r) =>
        c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.once('exit', r),
      );

    try {
      // How long one mark takes here, so the kills spread over all of it (start, read, write, commit).
      const took: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        await exited(runMark(i + 1, 'doing'));
        took.push(Date.now() - t0);
      }
      const span = Math.max(...took) * 1.2;
      let completed = 0;
      for (let k = 0; k < N; k++) {
        const child = runMark(1 + Math.floor(Math.random() * ITEMS), STATES[k % 3]);
        await sleep(Math.random() * span);
        child.kill('SIGKILL');
        if ((await exited(child)) === 0) completed++;
        await gitsDone();
        const problem = whole(await settled());
        recordFault(AREA, `kill ${k + 1}`, problem ? [`tasks.md after the kill: ${problem}`] : []);
      }
      console.log(`    ${N} kills (${completed} marks had finished first), kill window ${Math.round(span)} ms`);
    } finally {
      clearInterval(reader);
      writer.kill('SIGKILL');
      await exited(writer);
    }
    // Not a violation, and printed so that it is seen: the byte landing right after the writer's truncate makes
    // the file zero bytes up to the marker for the microseconds until the check after the write replaces it.
    const writerZeroReads = fs.readFileSync(seen, 'utf8').split('\n').filter(Boolean).length;
    console.log(`    transient zero bytes seen: ${zeroReads} by the 1 ms poller, ${writerZeroReads} by the writer`);

    // The writer rewrote what it read, so it may have undone marks on disk; it may also have left the file
    // mid-rewrite when it was killed. Put it back whole, as an agent's next write would, before the last checks.
    await gitsDone();
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes('\0'), 'no zero byte left in tasks.md');
    if (whole(text)) {
      // The last whole version on the branch (HEAD itself may be a killed mark's emptied commit, still to amend).
      const shas = git(docsWt, 'log', '--format=%H', `${start}..HEAD`, '--', rel).split('\n').filter(Boolean);
      const last = [...shas, start].map((sha) => git(docsWt, 'show', `${sha}:${rel}`) + '\n').find((t) => !whole(t));
      fs.writeFileSync(file, last ?? fs.readFileSync(file));
    }

    // Without the writer, every acknowledged mark is committed.
    for (let i = 1; i <= ITEMS; i++) {
      const state = STATES[i % 3];
      assert.equal(await exited(runMark(i, state)), 0, `mark ${i} ${state}`);
      const committed = itemStates(git(docsWt, 'show', `HEAD:${rel}`));
      assert.equal(committed.get(texts[i - 1]), { todo: ' ', doing: '~', done: 'x' }[state], `item ${i} in HEAD`);
    }
    assert.equal(git(docsWt, 'status', '--porcelain', '--', rel), '', 'the file is what HEAD holds');

    const versions = [start, ...git(docsWt, 'log', '--format=%H', `${start}..HEAD`, '--', rel).split('\n')];
    const committed = versions.map((sha) => ({ sha, text: git(docsWt, 'show', `${sha}:${rel}`) }));
    // A mark SIGKILLed after its `commit --only` read the writer's truncated file and before it put the content
    // back leaves the checklist emptied at HEAD; the next write job amends that commit with the content it read
    // back and checked (emptiedHead.ts, contentAmend.ts). No emptied version may stay in the history: before the
    // repair 1–3 per 40 kills stayed, and with a repair that let git read the file again, 1 in one CI run.
    const emptied = committed.filter((c) => c.text === '').map((c) => c.sha);
    if (emptied.length) {
      const log = git(docsWt, 'log', '--format=%H %ct %s', `${start}..HEAD`);
      console.log(`    ${emptied.length} emptied tasks.md committed and left:`);
      console.log(
        log.replace(/^([0-9a-f]{40})/gm, (sha) =>
          emptied.includes(sha) ? `EMPTY ${sha.slice(0, 8)}` : sha.slice(0, 8),
        ),
      );
      recordViolation(AREA, `${emptied.length} emptied versions of tasks.md left on the branch`);
    }
    assert.deepEqual(emptied, [], 'no committed tasks.md is empty');
    const torn = committed.filter((c) => c.text !== '' && whole(c.text + '\n')).map((c) => c.sha);
    for (const sha of torn) console.log(`    torn ${sha}:\n${git(docsWt, 'show', `${sha}:${rel}`)}`);
    if (torn.length) recordViolation(AREA, `${torn.length} torn versions of tasks.md committed`);
    assert.deepEqual(torn, [], `every committed tasks.md is whole (${versions.length} versions)`);
  });
});
