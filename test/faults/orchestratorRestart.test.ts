import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '../../src/core/agents/processTree';
import { cleanupTemp, git, makeRepo, userState } from '../support/tempRepo';
import { recordFault, recordViolation, tally } from './counters';
import { historyOf, sleep, ticked } from './faultHarness';
import { waitNoStrays } from './procs';

// Issue 10: the orchestrator itself (`spectask run`) SIGKILLed mid-run several times in a row, restarted
// after each kill; then a last run to idle. Extends test/e2e/orchestratorCrash.test.ts.
const CLI = path.resolve('dist/cli.js');
const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
// The fixture agent commits its own work, which the sandbox's read-only git directories refuse: the CLIs this test
// starts run agents outside it until the orchestrator makes the commits itself (issue 18).
process.env.SPECTASK_SANDBOX ??= 'off';
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
      const head = ticked(git(docsWt, 'show', `HEAD:${rel}`));
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
});
