import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RECORD_RESTORED } from '../../../src/core/orchestrator/recordGuard';
import { replay, type ReplayContext } from '../../support/replayBackend';
import { git } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

/** Subjects and trailers of the task branch's commits, oldest first. */
function branchCommits(h: Harness, id: string): { subject: string; trailers: string }[] {
  const wt = h.orchestrator.worktreeOf(id)!;
  return git(h.repo, 'log', '--reverse', '--format=%s%x1f%(trailers:only,unfold)%x1e', `main..${wt.branch}`)
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [subject, trailers] = r.split('\x1f');
      return { subject, trailers: trailers.trim() };
    });
}

/** A task with a three-item checklist, planning skipped: its implementation run starts at once. */
async function implementTask(h: Harness, checklist = '- [ ] T1: one\n- [ ] T2: two\n- [ ] T3: three'): Promise<string> {
  const id = await h.orchestrator.create({ title: 'Commits' });
  const tasksFile = path.join(h.orchestrator.task(id)!.path, 'tasks.md');
  fs.writeFileSync(tasksFile, `# Implementation Tasks: Commits\n\n${checklist}\n`);
  await h.docs.store.commitFolder(id, 'checklist');
  await h.orchestrator.skipPlanning(id);
  return id;
}

async function until(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const t0 = Date.now(); !test(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
}

describe('Orchestrator: it commits the code, agents only write and tick', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('commits each item the agent ticks, then what is left at the end; the task is then done', async () => {
    h = await makeHarness(async (ctx) => {
      await replay.implement(ctx, '000001');
      // Written once T3's commit is made, so that only the end-of-run commit can take it.
      for (const t0 = Date.now(); !(await ctx.git('log', '-1', '--format=%s')).startsWith('T3:');)
        if (Date.now() - t0 > 20_000) throw new Error('T3 was never committed');
        else await new Promise((r) => setTimeout(r, 10));
      fs.writeFileSync(path.join(ctx.req.worktree, 'NOTES.md'), 'written after the last tick\n');
      return { text: 'done' };
    });
    const id = await implementTask(h);
    await waitForStatus(h, id, 'implementation_review');
    assert.deepEqual(branchCommits(h, id), [
      { subject: 'T1: one', trailers: 'SpecTask: 000001' },
      { subject: 'T2: two', trailers: 'SpecTask: 000001' },
      { subject: 'T3: three', trailers: 'SpecTask: 000001' },
      { subject: '000001: changes left when the implementation run ended (success)', trailers: 'SpecTask: 000001' },
    ]);
    const wt = h.orchestrator.worktreeOf(id)!;
    assert.equal(git(wt.path, 'status', '--porcelain'), '');
    for (const f of ['src/step-000001-2.txt', 'src/step-000001-3.txt', 'src/step-000001-4.txt', 'NOTES.md'])
      assert.ok(git(h.repo, 'ls-tree', '-r', '--name-only', wt.branch).split('\n').includes(f), f);
    assert.equal(h.notices.filter((n) => n.kind === 'error').length, 0, h.logs.join('\n'));
  });

  // The orchestrator killed between an agent's tick and its commit: at the next start the tick has no commit.
  it('before a run, commits the items ticked earlier that have no commit yet, once', async () => {
    const seenAtStart: string[] = [];
    h = await makeHarness(async (ctx: ReplayContext) => {
      seenAtStart.push(await ctx.git('log', '--format=%s', 'main..HEAD'));
      await replay.implement(ctx, '000001');
      return { text: 'done' };
    });
    const id = await implementTask(h, '- [x] T1: one\n- [ ] T2: two');
    await waitForStatus(h, id, 'implementation_review');
    assert.equal(seenAtStart[0]?.trim(), 'T1: one', 'T1 was committed before the agent started');
    assert.deepEqual(
      branchCommits(h, id).map((c) => c.subject),
      ['T1: one', 'T2: two'],
    );
  });

  it('does not fail a task whose agent committed by itself with a Co-Authored-By paragraph', async () => {
    h = await makeHarness(async (ctx) => {
      await replay.implement(ctx, '000001');
      fs.writeFileSync(path.join(ctx.req.worktree, 'extra.txt'), 'x\n');
      await ctx.git('add', '-A');
      await ctx.git(
        '-c',
        'user.name=agent',
        '-c',
        'user.email=agent@example.invalid',
        'commit',
        '-qm',
        'Add extra\n\nSpecTask: 000001\n\nCo-Authored-By: Claude <noreply@anthropic.com>',
      );
      return { text: 'done' };
    });
    const id = await implementTask(h, '- [ ] T1: one');
    await waitForStatus(h, id, 'implementation_review');
    // In whichever order the agent's commit and the tick's landed.
    assert.deepEqual(
      branchCommits(h, id)
        .map((c) => c.subject)
        .sort(),
      ['Add extra', 'T1: one'],
    );
  });

  // Issue 18 finding 9: an agent rewrote its own spectask.json (the record the orchestrator owns).
  it("puts back a spectask.json the agent changed, notes it, and never commits the agent's version", async () => {
    h = await makeHarness(async (ctx) => {
      const file = path.join(ctx.taskFolder, 'spectask.json');
      const record = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...record, status: 'done', prompt: 'AGENT-WAS-HERE' }, null, 2));
      await until('the record to be restored', () => !fs.readFileSync(file, 'utf8').includes('AGENT-WAS-HERE'));
      await replay.implement(ctx, '000001');
      return { text: 'done' };
    });
    const id = await implementTask(h, '- [ ] T1: one');
    await waitForStatus(h, id, 'implementation_review');
    await h.idle();
    const t = h.orchestrator.task(id)!;
    const file = path.join(t.path, 'spectask.json');
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /AGENT-WAS-HERE/);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).status, 'implementation_review');
    assert.doesNotMatch(git(h.docsWorktree, 'log', '-p', '--', path.relative(h.docsWorktree, file)), /AGENT-WAS-HERE/);
    assert.ok(
      h.logs.some((l) => l.includes(`SpecTask 000001: ${RECORD_RESTORED}`)),
      h.logs.join('\n'),
    );
  });
});
