import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '../../src/core/agents/processTree';
import { cleanupTemp, FIND_GIT_SUBCOMMAND, git, makeRepo, tempDir, userState } from '../support/tempRepo';
import { recordFault, recordViolation, tally } from './counters';
import { historyOf, itemCommitProblems, itemStates, sleep, ticked } from './faultHarness';
import { waitNoStrays } from './procs';

// Issue 10: the orchestrator itself (`spectask run`) SIGKILLed mid-run several times in a row, restarted
// after each kill; then a last run to idle. Extends test/e2e/orchestratorCrash.test.ts.
const CLI = path.resolve('dist/cli.js');
const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
const KILLS = Number(process.env.FAULTS_RESTARTS || 5);
const ITEMS = 12;
const AREA = 'orchestrator (CLI) SIGKILL + restart';

interface LedgerEntry {
  kind: string;
  runId: string;
  pid?: number;
  processStartTime?: string;
  outcome?: string;
}

describe(`faults: spectask run SIGKILLed and restarted ${KILLS} times in a row`, function () {
  this.timeout(300_000);
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    cleanupTemp();
  });

  it('every tick survives, each orphaned agent is stopped by the next start, and the task finishes', async () => {
    const repo = makeRepo();
    const before = userState(repo);
    const marker = `spectask-fault-marker-${randomUUID()}`;
    const cmd = JSON.stringify([process.execPath, AGENT, '{prompt}', '300', marker]);
    execFileSync(process.execPath, [CLI, 'create', 'Crash loop', '--prompt', 'Survive crashes'], { cwd: repo });
    const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
    const rel = 'design/tasks/000001_crash-loop/tasks.md';
    const texts = Array.from({ length: ITEMS }, (_, i) => `T${i + 1}: step ${i + 1}`);
    fs.writeFileSync(
      path.join(docsWt, rel),
      `# Implementation Tasks: Crash loop\n\n${texts.map((t) => `- [ ] ${t}`).join('\n')}\n`,
    );
    execFileSync(process.execPath, [CLI, 'skip-planning', '1'], { cwd: repo });
    const ledgerFile = path.join(repo, '.git/spectask/ledger.jsonl');
    const ledger = (): LedgerEntry[] =>
      fs.existsSync(ledgerFile)
        ? fs
            .readFileSync(ledgerFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as LedgerEntry)
        : [];
    let prevHead = new Set<string>();
    let orphan: LedgerEntry | undefined;
    let kills = 0;
    let killsOfOpenRuns = 0;
    for (let k = 1; k <= KILLS; k++) {
      if (ticked(git(docsWt, 'show', `HEAD:${rel}`)).size === ITEMS) break; // finished between kills: nothing left to interrupt
      const attachedBefore = ledger().filter((e) => e.kind === 'run-attached').length;
      const child = spawn(process.execPath, [CLI, 'run', '--backend', 'custom', '--custom-command', cmd], {
        cwd: repo,
        stdio: 'ignore',
      });
      children.push(child);
      const v: string[] = [];
      // Wait for this process to attach a run of its own.
      let attached: LedgerEntry | undefined;
      for (const t0 = Date.now(); Date.now() - t0 < 20_000 && !attached; await sleep(20))
        attached = ledger()
          .filter((e) => e.kind === 'run-attached' && e.pid)
          .slice(attachedBefore)[0];
      if (!attached) v.push('the restarted orchestrator attached no run');
      // The previous process's orphaned agent must be stopped by this start (it would keep writing otherwise).
      if (orphan?.pid && isProcessAlive({ pid: orphan.pid, startTime: orphan.processStartTime ?? '' }))
        v.push(`the orphaned agent ${orphan.pid} is still alive after the restart`);
      await sleep(100 + Math.floor(Math.random() * 900));
      child.kill('SIGKILL');
      kills++;
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
      );
      // A kill that lands after the run ended (its last items were done within the random wait) interrupts
      // nothing: only a run still open at the kill must be ended as interrupted by the next start.
      if (attached && !ledger().some((e) => e.kind === 'run-ended' && e.runId === attached.runId)) killsOfOpenRuns++;
      orphan = attached;
      // Only our items: the creation template's example checklist ("T3: third step (done)") is committed first and
      // replaced by the test's own, which is no lost tick.
      const head = new Set([...ticked(git(docsWt, 'show', `HEAD:${rel}`))].filter((t) => texts.includes(t)));
      for (const t of prevHead) if (!head.has(t)) v.push(`committed tick "${t}" lost`);
      prevHead = head;
      const now = userState(repo);
      if (JSON.stringify(now) !== JSON.stringify(before)) v.push("the user's checkout changed");
      recordFault(AREA, `orchestrator kill #${k} (${head.size}/${ITEMS} ticks committed)`, v);
    }
    // A last run to idle: the task ends in review with every tick.
    const out = execFileSync(
      process.execPath,
      [CLI, 'run', '--until-idle', '--backend', 'custom', '--custom-command', cmd],
      { cwd: repo, encoding: 'utf8', timeout: 120_000 },
    );
    if (!new RegExp(`Code review\\s+${ITEMS}/${ITEMS}`).test(out))
      recordViolation(
        AREA,
        `the final run did not end in review with ${ITEMS}/${ITEMS}: ${out.trim().split('\n').slice(-3).join(' / ')}`,
      );
    const versions = historyOf(docsWt, rel);
    for (let i = 1; i < versions.length; i++) {
      const a = new Set([...ticked(versions[i - 1])].filter((t) => texts.includes(t)));
      const b = ticked(versions[i]);
      for (const t of a) if (!b.has(t)) recordViolation(AREA, `"${t}" un-ticked in design-docs commit ${i}`);
    }
    if (ticked(versions.at(-1) ?? '').size !== ITEMS)
      recordViolation(AREA, `only ${ticked(versions.at(-1) ?? '').size}/${ITEMS} ticks at the end`);
    // Every item has exactly one commit of the orchestrator's, whichever kill fell between a tick and its commit.
    for (const p of itemCommitProblems(repo, 'spectask/000001-crash-loop', texts)) recordViolation(AREA, p);
    const interrupted = ledger().filter((e) => e.kind === 'run-ended' && e.outcome === 'interrupted').length;
    if (interrupted < killsOfOpenRuns)
      recordViolation(
        AREA,
        `${killsOfOpenRuns} orchestrator kills during an open run but only ${interrupted} runs ended as interrupted in the ledger`,
      );
    const left = await waitNoStrays(marker, undefined, 3000);
    if (left.length) recordViolation(AREA, `orphan agents left: ${left.map((p) => p.pid).join(', ')}`);
    if (JSON.stringify(userState(repo)) !== JSON.stringify(before))
      recordViolation(AREA, "the user's checkout changed");
    console.log(
      `    ${kills} orchestrator kills (${killsOfOpenRuns} during an open run), ${ITEMS}/${ITEMS} ticks at the end, ${interrupted} interrupted runs resumed`,
    );
    assert.equal(tally.areas[AREA]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  // Issue 18: the orchestrator owns every commit. Killed after the agent ticked an item and before that item's
  // commit was made, or while the commit was still landing, the next start must commit the item exactly once.
  for (const landing of [false, true])
    it(`an item ticked just before the kill gets exactly one commit (${landing ? 'its commit lands after the kill' : 'its commit never made'})`, async () => {
      const repo = makeRepo();
      const dir = tempDir();
      const block = path.join(dir, 'block');
      const reached = path.join(dir, 'reached');
      const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      // A git in front of the real one that holds the first item commit on a task branch until the test lets
      // it go: the orchestrator is killed meanwhile. Then it either fails (the commit never made) or commits.
      fs.writeFileSync(
        path.join(bin, 'git'),
        `#!/bin/sh
${FIND_GIT_SUBCOMMAND}
case "$('${real}' symbolic-ref -q HEAD)" in refs/heads/spectask/*) task=1 ;; *) task='' ;; esac
if [ "$sub" = commit ] && [ -n "$task" ] && [ -e '${block}' ]; then
  : > '${reached}'
  while [ -e '${block}' ]; do sleep 0.05; done
  ${landing ? '' : 'exit 1'}
fi
exec '${real}' "$@"
`,
        { mode: 0o755 },
      );
      const marker = `spectask-fault-marker-${randomUUID()}`;
      const cmd = JSON.stringify([process.execPath, AGENT, '{prompt}', '300', marker]);
      execFileSync(process.execPath, [CLI, 'create', 'Tick then kill', '--prompt', 'one commit per item'], {
        cwd: repo,
      });
      const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
      const rel = 'design/tasks/000001_tick-then-kill/tasks.md';
      const texts = ['T1: step 1', 'T2: step 2', 'T3: step 3'];
      fs.writeFileSync(
        path.join(docsWt, rel),
        `# Implementation Tasks: Tick then kill\n\n${texts.map((t) => `- [ ] ${t}`).join('\n')}\n`,
      );
      execFileSync(process.execPath, [CLI, 'skip-planning', '1'], { cwd: repo });
      fs.writeFileSync(block, '');
      const child = spawn(process.execPath, [CLI, 'run', '--backend', 'custom', '--custom-command', cmd], {
        cwd: repo,
        stdio: 'ignore',
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      });
      children.push(child);
      for (const t0 = Date.now(); !fs.existsSync(reached); await sleep(10))
        if (Date.now() - t0 > 60_000) throw new Error('the orchestrator never tried to commit an item');
      // The agent rewrites tasks.md (truncate, then write) for its next item at any moment, and item commits now
      // come sooner after a tick than they did: read until the checklist is whole.
      let checklist = '';
      for (const t0 = Date.now(); itemStates(checklist).size < texts.length && Date.now() - t0 < 5000; await sleep(5))
        checklist = fs.readFileSync(path.join(docsWt, rel), 'utf8');
      assert.ok(ticked(checklist).has('T1: step 1'), 'T1 was ticked');
      child.kill('SIGKILL');
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
      );
      fs.rmSync(block);
      const branch = 'spectask/000001-tick-then-kill';
      // The held git finishes by itself after the kill; then the orchestrator is started again, to idle.
      for (const t0 = Date.now(); strayGits(bin).length && Date.now() - t0 < 10_000;) await sleep(20);
      assert.equal(
        git(repo, 'log', '--format=%s', `main..${branch}`).includes('T1: step 1'),
        landing,
        landing ? 'the held commit landed after the kill' : 'no commit of T1 before the restart',
      );
      const out = execFileSync(
        process.execPath,
        [CLI, 'run', '--until-idle', '--backend', 'custom', '--custom-command', cmd],
        {
          cwd: repo,
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      assert.match(out, /Code review\s+3\/3/);
      assert.deepEqual(itemCommitProblems(repo, branch, texts), []);
      assert.equal(git(path.join(repo, '.git-worktrees/000001_tick-then-kill'), 'status', '--porcelain'), '');
      const left = await waitNoStrays(marker, undefined, 3000);
      assert.deepEqual(
        left.map((p) => p.pid),
        [],
        'no orphan agent',
      );
    });
});

/** Processes running the fake git of `bin` (a held commit). */
function strayGits(bin: string): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(bin, 'git'))) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
