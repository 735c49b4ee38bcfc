import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { replay, type ReplayScript } from '../../support/replayBackend';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// What a dashboard card says about the run of its SpecTask: what the agent did last (paths relative to the
// run's folders) and why the run is not the task's first. Real orchestrator, repository and git; the agent
// is a scripted replay.
describe('Orchestrator: the run as its card shows it', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  /** A SpecTask straight to implementation, with a checklist of `items` items. */
  async function implementTask(harness: Harness, items = 3): Promise<string> {
    const id = await harness.orchestrator.create({ title: 'Reasons' });
    const list = Array.from({ length: items }, (_, i) => `- [ ] T${i + 1}: step ${i + 1}`).join('\n');
    fs.writeFileSync(
      path.join(harness.orchestrator.task(id)!.path, 'tasks.md'),
      `# Implementation Tasks: Reasons\n\n${list}\n`,
    );
    await harness.orchestrator.skipPlanning(id);
    return id;
  }

  /** The script, with the card's restart reason recorded as each run starts (the card shows it while the run lasts). */
  function recording(reasons: (string | undefined)[], script: ReplayScript): ReplayScript {
    return async (ctx) => {
      // A run resumed as the orchestrator starts begins before makeHarness has returned it.
      for (let t0 = Date.now(); !h && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 10));
      reasons.push(h!.orchestrator.fleetSnapshot().cards[0]?.restartReason);
      return script(ctx);
    };
  }

  /** Until the orchestrator let go of the task's run: the status can change (the watcher reads it) a little before. */
  async function runWoundUp(harness: Harness, id: string): Promise<void> {
    for (let t0 = Date.now(); harness.orchestrator.taskViews().find((t) => t.id === id)?.agentWorking;) {
      if (Date.now() - t0 > 10_000) throw new Error('the run was never wound up');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("names files relative to the run's worktree or the design-docs worktree, others in full", async () => {
    const seen = new Set<string>();
    const edit = (p: string, kind = 'edit') =>
      ({ t: 'tool_call', callId: p, name: 'Edit', kind, input: {}, paths: [p] }) as Omit<AgentEvent, 'runId'>;
    // One tool call per turn of the event loop: calls made in one go reach the views as one change (the store
    // coalesces them), which would show only the last.
    const turn = () => new Promise((r) => setImmediate(r));
    h = await makeHarness(async (ctx) => {
      for (const call of [
        edit(path.join(ctx.req.worktree, 'src', 'auth.ts')),
        edit(path.join(ctx.taskFolder, 'tasks.md')),
        edit('/etc/hosts', 'read'),
        edit(path.join(ctx.req.worktree, '..', 'elsewhere.ts')),
      ]) {
        ctx.emit(call);
        await turn();
      }
      await replay.implement(ctx, '000001');
    });
    h.orchestrator.onDidChange(() => {
      const a = h!.orchestrator.fleetSnapshot().cards[0]?.lastActivity;
      if (a) seen.add(a);
    });
    const id = await implementTask(h);
    await waitForStatus(h, id, 'implementation_review');
    const wt = h.orchestrator.worktreeOf(id)!.path;
    const all = [...seen].join('\n');
    assert.ok(seen.has('Edit src/auth.ts'), all);
    assert.ok(
      [...seen].some((a) => /^Edit design\/tasks\/000001_[^/]+\/tasks\.md$/.test(a)),
      all,
    );
    assert.ok(seen.has('Read /etc/hosts'), all);
    assert.ok(seen.has(`Edit ${path.join(path.dirname(wt), 'elsewhere.ts')}`), all);
    assert.ok(![...seen].some((a) => a.includes(wt)), `no line names the worktree in full:\n${all}`);
  });

  it('says why a run is not the first: a nudge names the items left; the reason goes when the run ends', async () => {
    const reasons: (string | undefined)[] = [];
    h = await makeHarness(
      recording(reasons, (ctx) => replay.implement(ctx, '000001', { stopAfter: ctx.call === 0 ? 1 : undefined })),
    );
    const id = await implementTask(h, 3);
    await waitForStatus(h, id, 'implementation_review');
    assert.deepEqual(reasons, [undefined, 'nudged (1 of 1): 2 items left']);
    await runWoundUp(h, id);
    assert.equal(h.orchestrator.fleetSnapshot().cards[0].restartReason, undefined, 'the run ended; its reason with it');
  });

  it('says which retry a run is and how the last one ended, and when a person retried the failed task', async () => {
    const reasons: (string | undefined)[] = [];
    h = await makeHarness(
      recording(reasons, async (ctx) => {
        if (ctx.call < 2) throw new Error('the model went away');
        await replay.implement(ctx, '000001');
      }),
      { maxRetries: 1 },
    );
    const id = await implementTask(h, 1);
    await waitForStatus(h, id, 'implementation_failed');
    await runWoundUp(h, id);
    assert.equal(
      h.orchestrator.fleetSnapshot().cards[0].restartReason,
      undefined,
      'a failed card shows its error, not the reason of its last run',
    );
    await h.orchestrator.retry(id);
    await waitForStatus(h, id, 'implementation_review');
    assert.deepEqual(reasons, [undefined, 'retry 1 of 1 after the agent crashed', 'retried after it failed']);
  });

  it('fails at once, with the cause, when the agent reports an error no retry can fix (a refused login)', async () => {
    h = await makeHarness(
      async () => ({ status: 'error', errorKind: 'auth', errorMessage: 'API error 401: invalid x-api-key' }),
      { maxRetries: 2, maxNudges: 1 },
    );
    const id = await implementTask(h, 1);
    await waitForStatus(h, id, 'implementation_failed');
    await runWoundUp(h, id);
    assert.equal(h.backend.calls.length, 1, 'no nudge and no retry');
    assert.match(h.orchestrator.task(id)?.record?.error ?? '', /401: invalid x-api-key/);
  });

  it('drops the old error when the task runs again after Retry (issue 22: a restart clears old errors)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = await makeHarness(async (ctx) => {
      if (ctx.call === 0)
        return { status: 'error', errorKind: 'auth', errorMessage: 'API error 401: invalid x-api-key' };
      await gate;
      await replay.implement(ctx, '000001');
    });
    const id = await implementTask(h, 1);
    await waitForStatus(h, id, 'implementation_failed');
    await runWoundUp(h, id);
    assert.match(h.orchestrator.fleetSnapshot().cards[0].lastError ?? '', /401/, 'a failed card shows why');
    await h.orchestrator.retry(id);
    await waitForStatus(h, id, 'implementation');
    for (let t0 = Date.now(); h.backend.calls.length < 2 && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.orchestrator.fleetSnapshot().cards[0].lastError, undefined, 'the new run shows no old error');
    assert.equal(h.orchestrator.task(id)?.record?.error, undefined, 'and the record no longer carries it');
    release();
    await waitForStatus(h, id, 'implementation_review');
  });

  it('says a run was resumed after the orchestrator restarted in the middle of it', async () => {
    const first = await makeHarness(async (ctx) => {
      await new Promise((r) => ctx.signal.addEventListener('abort', r));
    });
    const repo = first.repo;
    let id: string;
    try {
      id = await implementTask(first, 1);
      for (let t0 = Date.now(); first.backend.calls.length < 1 && Date.now() - t0 < 10_000;)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(first.backend.calls.length, 1, 'the first run started');
    } finally {
      await first.dispose(); // as a Reload Window does: the run stays open in the ledger
    }
    const reasons: (string | undefined)[] = [];
    h = await makeHarness(
      recording(reasons, (ctx) => replay.implement(ctx, '000001')),
      {},
      repo,
    );
    await waitForStatus(h, id, 'implementation_review').catch((e) => {
      throw new Error(
        `${(e as Error).message}\nerror: ${h!.orchestrator.task(id)!.error}\nreasons: ${JSON.stringify(reasons)}\n${h!.logs.join('\n')}`,
      );
    });
    assert.deepEqual(reasons, ['resumed after the editor or orchestrator restarted']);
  });
});
