import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTaskNumber, taskFolderName } from '../../src/core/docs/designDocsLayout';
import { newSpecTaskRecord, type SpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import type { SpecTaskStatus } from '../../src/core/orchestrator/statusMachine';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../support/tempRepo';
import { recordFault, recordViolation, tally } from './counters';
import {
  createImplementationTask,
  historyOf,
  itemStates,
  makeFaultHarness,
  sleep,
  ticked,
  type FaultHarness,
} from './faultHarness';

// Issue 10: a teammate's pull moves the design-docs branch while our agents tick. A real orchestrator with
// real agent processes (the fixture agent through the custom-command back-end) and push on; a teammate's
// clone of the same bare remote pushes to the design-docs branch at random moments, TEAMMATE_N times
// (default 10, about 2 minutes on the 2-core machine): a new SpecTask, an edited design.md, a review
// comment, ticks in another task's checklist, and status changes (archiving one of our backlog tasks,
// queueing one of theirs for implementation). Our side integrates through a rejected push (sync, push
// again) or, when no agent happens to commit, an explicit sync. Invariants are checked after each push and
// at the end: every teammate commit is an ancestor of our branch, the remote only fast-forwards (its
// reflog), no tick is lost or duplicated, the teammate's changes reach our worktree and orchestrator, and
// the user's branch, index and files are untouched.
const N = Number(process.env.TEAMMATE_N || 10);
const ITEMS = 8;
const PAUSE_MS = 1000;
const BRANCH = 'helix-design-docs';
const AREA = 'design-docs branch moved by a teammate';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isAncestor = (cwd: string, a: string, b: string) => {
  try {
    git(cwd, 'merge-base', '--is-ancestor', a, b);
    return true;
  } catch {
    return false;
  }
};

/** A teammate working on the shared branch in their own clone, writing files the way SpecTask would. */
class Teammate {
  readonly commits: string[] = [];
  readonly comments: { taskRel: string; id: string }[] = [];
  readonly ticks = new Map<string, Set<string>>(); // tasks.md rel → items the teammate ticked
  readonly ownTasks: { id: string; rel: string; items: string[] }[] = [];
  constructor(readonly dir: string) {}

  /**
   * Applies `change` on top of the remote's latest commit, commits and pushes; when our side pushed first,
   * starts over from the new remote head (a teammate's fetch and retry; `change` reads the files afresh).
   */
  private edit(message: string, change: () => void): string {
    for (let attempt = 1; ; attempt++) {
      git(this.dir, 'fetch', '-q', 'origin', BRANCH);
      git(this.dir, 'reset', '-q', '--hard', `origin/${BRANCH}`);
      change();
      git(this.dir, 'add', '-A');
      git(this.dir, 'commit', '-qm', message);
      try {
        git(this.dir, 'push', '-q', 'origin', BRANCH);
      } catch (e) {
        if (attempt < 20 && /rejected/.test(String((e as { stderr?: string }).stderr ?? e))) continue;
        throw e;
      }
      const sha = git(this.dir, 'rev-parse', 'HEAD');
      this.commits.push(sha);
      return sha;
    }
  }

  private readRecord(folderRel: string): SpecTaskRecord {
    return JSON.parse(fs.readFileSync(path.join(this.dir, folderRel, 'spectask.json'), 'utf8')) as SpecTaskRecord;
  }

  private writeRecord(folderRel: string, r: SpecTaskRecord): void {
    r.updatedAt = new Date().toISOString();
    fs.writeFileSync(path.join(this.dir, folderRel, 'spectask.json'), `${JSON.stringify(r, null, 2)}\n`);
  }

  async newTask(k: number): Promise<{ sha: string; id: string }> {
    const items = [1, 2, 3, 4].map((i) => `T${i}: teammate step ${i}`);
    let id = '';
    let rel = '';
    const title = `Teammate ${k}`;
    const sha = this.edit(`teammate: create "${title}"`, () => {
      // Numbered from the teammate's own view of the branch, as SpecTask would in their clone.
      const names = fs.readdirSync(path.join(this.dir, 'design/tasks'));
      const n = Math.max(0, ...names.map((x) => Number(/^(\d{6})_/.exec(x)?.[1] ?? 0)), this.counter()) + 1;
      id = formatTaskNumber(n);
      rel = `design/tasks/${taskFolderName(n, `teammate-${k}`)}`;
      fs.mkdirSync(path.join(this.dir, rel), { recursive: true });
      fs.writeFileSync(
        path.join(this.dir, rel, 'requirements.md'),
        `# Requirements: ${title}\n\n- WHEN asked THE SYSTEM SHALL do it.\n`,
      );
      fs.writeFileSync(path.join(this.dir, rel, 'design.md'), `# Design: ${title}\n\nWritten by a teammate.\n`);
      fs.writeFileSync(
        path.join(this.dir, rel, 'tasks.md'),
        `# Implementation Tasks: ${title}\n\n${items.map((x) => `- [ ] ${x}`).join('\n')}\n`,
      );
      this.writeRecord(rel, newSpecTaskRecord({ number: n, title, prompt: 'from a teammate', backend: 'custom' }));
      fs.writeFileSync(
        path.join(this.dir, 'design/spectask-counter.json'),
        `${JSON.stringify({ about: 'Last SpecTask number handed out; numbers are never reused.', lastNumber: n }, null, 2)}\n`,
      );
    });
    this.ownTasks.push({ id, rel, items });
    return { sha, id };
  }

  private counter(): number {
    try {
      return (
        Number(JSON.parse(fs.readFileSync(path.join(this.dir, 'design/spectask-counter.json'), 'utf8')).lastNumber) || 0
      );
    } catch {
      return 0;
    }
  }

  editDesign(folderRel: string, note: string): string {
    return this.edit(`teammate: design note`, () =>
      fs.appendFileSync(path.join(this.dir, folderRel, 'design.md'), `\n${note}\n`),
    );
  }

  comment(folderRel: string, id: string): string {
    this.comments.push({ taskRel: folderRel, id });
    return this.edit(`teammate: review comment ${id}`, () => {
      const r = this.readRecord(folderRel);
      r.reviewComments.push({
        id,
        document: 'design.md',
        line: 1,
        comment: `comment ${id} from a teammate`,
        author: 'teammate',
        createdAt: new Date().toISOString(),
      });
      this.writeRecord(folderRel, r);
    });
  }

  tick(task: { rel: string; items: string[] }): string | undefined {
    const file = path.join(this.dir, task.rel, 'tasks.md');
    git(this.dir, 'fetch', '-q', 'origin', BRANCH);
    if (
      task.items.every((t) => itemStates(git(this.dir, 'show', `origin/${BRANCH}:${task.rel}/tasks.md`)).get(t) === 'x')
    )
      return undefined;
    let next = '';
    const sha = this.edit(`teammate: tick`, () => {
      const text = fs.readFileSync(file, 'utf8');
      next = task.items.find((t) => itemStates(text).get(t) !== 'x')!;
      fs.writeFileSync(file, text.replace(`- [ ] ${next}`, `- [x] ${next}`));
    });
    const set = this.ticks.get(`${task.rel}/tasks.md`) ?? new Set<string>();
    set.add(next);
    this.ticks.set(`${task.rel}/tasks.md`, set);
    return sha;
  }

  transition(folderRel: string, to: SpecTaskStatus, trigger: string): string {
    return this.edit(`teammate: ${trigger}`, () => {
      const r = this.readRecord(folderRel);
      r.history.push({ at: new Date().toISOString(), from: r.status, to, trigger });
      r.status = to;
      this.writeRecord(folderRel, r);
    });
  }
}

describe(`faults: a teammate pushes to the design-docs branch while agents tick, ${N} times`, function () {
  this.timeout(600_000);
  let h: FaultHarness;
  let repo: string;
  let bare: string;
  const seed = Number(process.env.FAULTS_SEED || Date.now() % 100000);
  const random = rng(seed);

  before(async () => {
    repo = makeRepo();
    bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    // The remote's reflog lets the end check prove its branch only ever moved forward.
    git(bare, 'config', 'core.logAllRefUpdates', 'always');
    git(repo, 'remote', 'add', 'origin', bare);
    h = await makeFaultHarness(repo, {
      pauseMs: PAUSE_MS,
      push: true,
      overrides: { caps: { planning: 1, implementation: 3 } },
    });
  });
  after(async () => {
    await h?.dispose();
    cleanupTemp();
  });

  it('integrates every teammate commit without rewriting it, losing a tick or touching the user checkout', async () => {
    console.log(`    seed ${seed} (FAULTS_SEED to replay), ${ITEMS} items per task, ${PAUSE_MS} ms per item`);
    const t0 = Date.now();
    // TEAMMATE_DEBUG=1 prints what happened around each push.
    const events: string[] = [];
    if (process.env.TEAMMATE_DEBUG) {
      h.docs.store.onDidFailPush((f) => events.push(`push failed: ${f.message.split('\n')[0]}`));
      h.docs.store.onDidCommit((c) =>
        events.push(`${Date.now() - t0}ms commit ${c.sha.slice(0, 8)} ${c.message.split('\n')[0]}`),
      );
      h.docs.sync.onDidSync((r) =>
        events.push(
          `${Date.now() - t0}ms sync ${r.outcome} attempts=${r.attempts} ${r.before.slice(0, 7)}→${r.after.slice(0, 7)} remote ${r.remoteBefore?.slice(0, 7)}→${r.remoteAfter?.slice(0, 7)}`,
        ),
      );
    }
    const user = userState(repo);
    const wt = h.docsWorktree;
    // Our SpecTasks: two implemented at any time (a new one created as one finishes), and one waiting in the
    // backlog for the teammate to archive.
    const ours: Awaited<ReturnType<typeof createImplementationTask>>[] = [];
    const archiveMe = await h.orchestrator.create({ title: 'Waiting for the teammate to archive it' });
    await h.idle();
    await h.docs.sync.sync();
    const peer = tempDir('spectask-peer-');
    git(peer, 'clone', '-q', '--branch', BRANCH, bare, '.');
    git(peer, 'config', 'user.name', 'Teammate');
    git(peer, 'config', 'user.email', 'teammate@example.com');
    const mate = new Teammate(peer);
    await mate.newTask(0);
    let made = 0;
    const keepTwoWorking = async () => {
      const working = () =>
        ours.filter((t) =>
          ['queued_implementation', 'implementation'].includes(h.orchestrator.task(t.id)?.status ?? ''),
        ).length;
      while (working() < 2) {
        ours.push(await createImplementationTask(h, `Ours ${++made}`, ITEMS));
        // Our create is pushed before the teammate numbers a SpecTask: two clones creating one in the same
        // moment would both pick the next free number (a known limitation, see the report), not this test.
        await h.idle();
      }
    };
    await keepTwoWorking();
    console.log(`    set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const prevTicks = new Map<string, Set<string>>();
    let prevRemote = git(bare, 'rev-parse', BRANCH);
    let viaRejectedPush = 0;
    let viaExplicitSync = 0;
    const folderOf = (id: string) => path.relative(wt, h.orchestrator.task(id)!.path);
    const expectations: { what: string; check: () => string | undefined }[] = [];

    for (let i = 1; i <= N; i++) {
      await sleep(Math.floor(random() * 1500));
      await keepTwoWorking();
      const running = ours.filter((t) => h.orchestrator.task(t.id)?.status === 'implementation');
      const target = running[Math.floor(random() * running.length)] ?? ours[0];
      const kind = i % 5;
      let sha: string | undefined;
      let what = '';
      if (kind === 1) {
        const made = await mate.newTask(i);
        sha = made.sha;
        what = `new SpecTask ${made.id}`;
        expectations.push({
          what,
          check: () =>
            h.orchestrator.task(made.id)
              ? undefined
              : `the teammate's SpecTask ${made.id} never appeared in the orchestrator`,
        });
      } else if (kind === 2) {
        const note = `Teammate note ${i}.`;
        sha = mate.editDesign(folderOf(target.id), note);
        what = `design.md of ${target.id} edited`;
        const file = path.join(wt, folderOf(target.id), 'design.md');
        expectations.push({
          what,
          check: () => (fs.readFileSync(file, 'utf8').includes(note) ? undefined : `"${note}" missing from ${file}`),
        });
      } else if (kind === 3) {
        const cid = `teammate-${i}`;
        sha = mate.comment(folderOf(target.id), cid);
        what = `review comment ${cid} on ${target.id} (${h.orchestrator.task(target.id)?.status})`;
        expectations.push({
          what,
          check: () =>
            h.orchestrator.task(target.id)?.record?.reviewComments.some((c) => c.id === cid)
              ? undefined
              : `comment ${cid} missing from ${target.id}'s record`,
        });
      } else if (kind === 4) {
        const own = mate.ownTasks.find((t) => (sha = mate.tick(t)) !== undefined);
        what = own ? `tick in the teammate's task ${own.id}` : 'nothing left to tick';
      } else {
        // A status change: archive our waiting task once, then queue one of the teammate's tasks for
        // implementation (our scheduler must start it rather than overwrite the status).
        if (h.orchestrator.task(archiveMe)?.status === 'backlog') {
          sha = mate.transition(folderOf(archiveMe), 'archived', 'archive');
          what = `teammate archived our ${archiveMe}`;
          expectations.push({
            what,
            check: () =>
              h.orchestrator.task(archiveMe)?.status === 'archived'
                ? undefined
                : `${archiveMe} is ${h.orchestrator.task(archiveMe)?.status}, not archived as the teammate set it`,
          });
        } else {
          const theirs = mate.ownTasks.find((t) => h.orchestrator.task(t.id)?.status === 'backlog');
          if (theirs) {
            mate.ownTasks.splice(mate.ownTasks.indexOf(theirs), 1); // no more teammate ticks there: our agent works on it
            sha = mate.transition(theirs.rel, 'queued_implementation', 'skip_planning');
            what = `teammate queued ${theirs.id} for implementation`;
            ours.push({
              id: theirs.id,
              tasksFile: path.join(wt, theirs.rel, 'tasks.md'),
              rel: `${theirs.rel}/tasks.md`,
              itemTexts: theirs.items,
            });
          } else {
            sha = mate.editDesign(folderOf(target.id), `Teammate note ${i}.`);
            what = `design.md of ${target.id} edited`;
          }
        }
      }
      if (!sha) continue;
      // Integration: a tick commit's push is rejected, which syncs and pushes again. With no agent
      // committing for a while, an explicit sync does it.
      let integrated = false;
      const agentsAtPush = ours.filter((t) => h.orchestrator.task(t.id)?.status === 'implementation').length;
      for (const t1 = Date.now(); Date.now() - t1 < 10_000; await sleep(20)) {
        if (isAncestor(wt, sha, git(wt, 'rev-parse', BRANCH))) {
          integrated = true;
          break;
        }
        // No agent left to commit a tick (and so to meet the rejected push): sync explicitly.
        if (!ours.some((t) => h.orchestrator.task(t.id)?.status === 'implementation')) break;
      }
      if (process.env.TEAMMATE_DEBUG)
        console.log(
          `      #${i} at ${Date.now() - t0}ms teammate ${sha.slice(0, 7)} ours ${git(wt, 'rev-parse', BRANCH).slice(0, 7)} ${what}: ${agentsAtPush} agents working; ${integrated ? 'integrated by a rejected push' : 'explicit sync'}; ${events.splice(0).join('\n        ')}`,
        );
      const v: string[] = [];
      if (integrated) viaRejectedPush++;
      else {
        try {
          await h.docs.sync.sync();
          viaExplicitSync++;
        } catch (e) {
          v.push(`explicit sync failed: ${(e as Error).message}`);
        }
      }
      await h.idle();
      await sleep(150); // the watcher's debounce, so the orchestrator has seen the new files
      const head = git(wt, 'rev-parse', BRANCH);
      const remote = git(bare, 'rev-parse', BRANCH);
      for (const c of mate.commits)
        if (!isAncestor(wt, c, head))
          v.push(`teammate commit ${c.slice(0, 10)} is not an ancestor of our branch (lost or rewritten)`);
      if (!isAncestor(bare, prevRemote, remote))
        v.push(`the remote branch moved backwards or sideways: ${prevRemote.slice(0, 10)} → ${remote.slice(0, 10)}`);
      prevRemote = remote;
      for (const e of expectations) {
        const problem = e.check();
        if (problem) v.push(problem);
      }
      for (const t of ours) {
        const text = settledChecklist(t.tasksFile, t.itemTexts);
        const states = itemStates(text);
        if (states.size !== t.itemTexts.length || !t.itemTexts.every((x) => states.has(x)))
          v.push(`${t.rel}: items lost or duplicated: ${[...states.keys()].join(' | ')}`);
        const now = ticked(text);
        for (const x of prevTicks.get(t.rel) ?? []) if (!now.has(x)) v.push(`${t.rel}: tick "${x}" lost`);
        prevTicks.set(t.rel, now);
      }
      for (const [rel, set] of mate.ticks) {
        const text = fs.readFileSync(path.join(wt, rel), 'utf8');
        for (const x of set)
          if (!ticked(text).has(x)) v.push(`the teammate's tick "${x}" in ${rel} is missing from our worktree`);
      }
      const nowUser = userState(repo);
      if (JSON.stringify(nowUser) !== JSON.stringify(user))
        v.push(
          `the user's checkout changed: ${Object.keys(nowUser)
            .filter((k) => nowUser[k] !== user[k])
            .join(', ')}`,
        );
      recordFault(AREA, `push #${i}: ${what}${integrated ? ' (via a rejected push)' : ' (via an explicit sync)'}`, v);
    }

    // Let every started task finish, then a last sync.
    for (const t0 = Date.now(); Date.now() - t0 < 120_000; await sleep(100)) {
      const busy = ours.filter((t) =>
        ['queued_implementation', 'implementation'].includes(h.orchestrator.task(t.id)?.status ?? ''),
      );
      if (!busy.length) break;
    }
    await h.idle();
    const last = await h.docs.sync.sync();
    const head = git(wt, 'rev-parse', BRANCH);
    if (git(bare, 'rev-parse', BRANCH) !== head)
      recordViolation(AREA, `after the last sync (${last.outcome}) the remote is not at our head`);
    for (const c of mate.commits)
      if (!isAncestor(wt, c, head))
        recordViolation(AREA, `teammate commit ${c.slice(0, 10)} is not in our final branch`);
    // The remote's own reflog: every update moved forward.
    const updates = git(bare, 'reflog', 'show', '--format=%H', `refs/heads/${BRANCH}`)
      .split('\n')
      .filter(Boolean)
      .reverse();
    for (let i = 1; i < updates.length; i++)
      if (!isAncestor(bare, updates[i - 1], updates[i]))
        recordViolation(
          AREA,
          `remote update ${i} of ${updates.length} was not a fast-forward (${updates[i - 1].slice(0, 10)} → ${updates[i].slice(0, 10)})`,
        );
    for (const e of expectations) {
      const problem = e.check();
      if (problem) recordViolation(AREA, `at the end: ${e.what}: ${problem}`);
    }
    for (const t of ours) {
      const st = h.orchestrator.task(t.id)?.status;
      const versions = historyOf(wt, t.rel);
      for (let i = 1; i < versions.length; i++) {
        const a = new Set([...ticked(versions[i - 1])].filter((x) => t.itemTexts.includes(x)));
        const b = ticked(versions[i]);
        for (const x of a)
          if (!b.has(x))
            recordViolation(AREA, `${t.rel}: "${x}" un-ticked in design-docs commit ${i} of ${versions.length}`);
      }
      if (st === 'implementation_review' || st === 'done') {
        const remoteTicks = ticked(git(bare, 'show', `${BRANCH}:${t.rel}`));
        if (t.itemTexts.some((x) => !remoteTicks.has(x)))
          recordViolation(
            AREA,
            `${t.id} is in review but the remote has ${remoteTicks.size}/${t.itemTexts.length} ticks`,
          );
      }
    }
    for (const c of mate.comments) {
      const rec = JSON.parse(git(bare, 'show', `${BRANCH}:${c.taskRel}/spectask.json`)) as SpecTaskRecord;
      if (!rec.reviewComments.some((x) => x.id === c.id))
        recordViolation(AREA, `comment ${c.id} missing on the remote at the end`);
    }
    const reviewed = ours.filter((t) => h.orchestrator.task(t.id)?.status === 'implementation_review').length;
    console.log(
      `    ${N} teammate pushes: ${viaRejectedPush} integrated through a rejected push, ${viaExplicitSync} by an explicit sync; ${reviewed}/${ours.length} tasks reached review; ${tally.areas[AREA]?.survived ?? 0} survived`,
    );
    if (h.logs.some((l) => /^error/.test(l)))
      console.log(
        h.logs
          .filter((l) => /^error|^warn/.test(l))
          .slice(-10)
          .join('\n'),
      );
    assert.equal(tally.areas[AREA]?.violations ?? 0, 0, tally.violations.join('\n'));
  });
});

/**
 * The checklist as it stands, not as one instant of an agent's rewrite shows it: the agents keep ticking while the
 * check runs, and their truncate-then-write can be read empty (CI, seed 39725). A file that does not hold exactly
 * `items` is read again a few times, 30 ms apart; what is still wrong then is reported.
 */
function settledChecklist(file: string, items: readonly string[]): string {
  let text = fs.readFileSync(file, 'utf8');
  for (let i = 0; i < 5; i++) {
    const states = itemStates(text);
    if (states.size === items.length && items.every((x) => states.has(x))) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    text = fs.readFileSync(file, 'utf8');
  }
  return text;
}
