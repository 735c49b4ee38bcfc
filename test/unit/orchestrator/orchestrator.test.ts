import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClaudeBackend } from '../../../src/core/agents/claudeBackend';
import { replay } from '../../support/replayBackend';
import { git, makeCleanRepo as cleanRepo, makeRepo } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

/** A replay agent that plans (writes the three documents) and implements (ticks and commits) honestly. */
const honest =
  (items = 3) =>
  async (ctx: Parameters<Parameters<typeof makeHarness>[0]>[0]) => {
    const number = /SpecTask #(\d{6})/.exec(ctx.req.prompt)?.[1] ?? '000000';
    if (ctx.req.prompt.includes('planning agent') || ctx.req.prompt.includes('requested changes to the spec'))
      await replay.writeSpec(ctx, `Task ${number}`, items);
    else await replay.implement(ctx, number);
    return { text: 'done' };
  };

describe('Orchestrator', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('runs create → plan → request changes → revise → approve → implement → accept → done', async () => {
    h = await makeHarness(honest());
    const id = await h.orchestrator.create(
      { title: 'Add login endpoint', prompt: 'Users log in with email.' },
      { startPlanning: true },
    );
    await waitForStatus(h, id, 'spec_review');
    const planCall = h.backend.calls[0];
    assert.match(planCall.prompt, /planning agent for SpecTask #000001/);
    assert.ok(planCall.prompt.includes('Users log in with email.'));

    await h.orchestrator.requestSpecChanges(id, [
      { document: 'design.md', line: 3, quote: 'One module.', comment: 'Split it in two.' },
    ]);
    await waitForStatus(h, id, 'spec_review');
    const revision = h.backend.calls[1];
    assert.match(revision.prompt, /Split it in two\./);
    assert.equal(revision.resumeSessionId, 'replay-session-1', 'the revision resumes the same agent session');
    assert.equal(h.orchestrator.task(id)!.record!.revisionCount, 1);

    await h.orchestrator.approve(id);
    await waitForStatus(h, id, 'implementation_review');
    const impl = h.backend.calls[2];
    assert.equal(impl.resumeSessionId, 'replay-session-1', 'implementation reuses the session across phases');
    const wt = h.orchestrator.worktreeOf(id)!;
    assert.equal(impl.worktree, wt.path);
    assert.match(git(h.repo, 'log', '--format=%B', `main..${wt.branch}`), /SpecTask: 000001/);
    // Every tick the agent made is in the design-docs branch history.
    const docsLog = git(h.docs.location.worktreePath, 'log', '-p', '--format=%s', '--', 'design/tasks');
    for (const n of [1, 2, 3]) assert.match(docsLog, new RegExp(`^\\+- \\[x\\] T${n}: step ${n}`, 'm'));

    await h.orchestrator.accept(id);
    assert.equal(h.orchestrator.task(id)!.status, 'done');
    assert.ok(fs.existsSync(path.join(h.repo, 'src')), 'the merge brought the code into the user checkout on main');
    assert.equal(fs.existsSync(wt.path), false, 'the worktree was cleaned up');
    assert.ok(git(h.repo, 'branch', '--list', wt.branch), 'the branch is kept');
    const history = h.orchestrator.task(id)!.record!.history.map((x) => x.to);
    assert.deepEqual(history, [
      'backlog',
      'queued_spec_generation',
      'spec_generation',
      'spec_review',
      'spec_revision',
      'spec_generation',
      'spec_review',
      'spec_approved',
      'queued_implementation',
      'implementation',
      'implementation_review',
      'queued_integration',
      'integrating',
      'done',
    ]);
  });

  it('shows live progress in the fleet snapshot as the agent ticks', async () => {
    const seen: string[] = [];
    h = await makeHarness(async (ctx) => {
      if (ctx.req.prompt.includes('planning agent')) await replay.writeSpec(ctx, 'Live', 4);
      else await replay.implement(ctx, '000001', { pauseMs: 120 });
    });
    h.orchestrator.onDidChange(() => {
      const c = h!.orchestrator.fleetSnapshot().cards[0];
      if (c) seen.push(`${c.phase}:${c.progress.done}/${c.progress.total}`);
    });
    const id = await h.orchestrator.create({ title: 'Live' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_review');
    await h.orchestrator.approve(id);
    await waitForStatus(h, id, 'implementation_review');
    for (const p of ['implementing:1/4', 'implementing:2/4', 'implementing:3/4'])
      assert.ok(seen.includes(p), `saw ${p} in ${[...new Set(seen)].join(' ')}`);
    const card = h.orchestrator.fleetSnapshot().cards[0];
    assert.equal(card.phase, 'implementation_review');
    assert.match(card.lastActivity ?? '', /^Edit src\/step-000001-/);
  });

  it('never trusts a claim of success: no ticks → nudge on the same session → failed with the reason', async () => {
    h = await makeHarness(async (ctx) => {
      if (ctx.req.prompt.includes('planning agent')) await replay.writeSpec(ctx, 'Liar', 2);
      return { status: 'success', text: 'All done, everything committed!' };
    });
    const id = await h.orchestrator.create({ title: 'Liar' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_review');
    await h.orchestrator.approve(id);
    await waitForStatus(h, id, 'implementation_failed');
    const nudge = h.backend.calls.at(-1)!;
    assert.match(nudge.prompt, /is not finished yet/);
    assert.match(nudge.prompt, /2 checklist items are not \[x\]/);
    assert.equal(nudge.resumeSessionId, 'replay-session-1');
    const t = h.orchestrator.task(id)!;
    assert.match(t.error ?? '', /2 checklist items are not \[x\]/);
  });

  it('fails planning that writes nothing, after one nudge, with the missing pieces named', async () => {
    h = await makeHarness(async () => ({ text: 'Here is my plan: …' }));
    const id = await h.orchestrator.create({ title: 'Silent planner' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_failed');
    assert.equal(h.backend.calls.length, 2);
    assert.match(h.orchestrator.task(id)!.error ?? '', /still the empty template.*no checklist items/);
  });

  it('runs four SpecTasks with an implementation cap of two and respects a dependency', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    h = await makeHarness(
      async (ctx) => {
        const number = /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1];
        await gate; // hold the agents until the test has seen the cap at work
        await replay.implement(ctx, number);
      },
      { caps: { planning: 3, implementation: 2 } },
    );
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push(await h.orchestrator.create({ title: `Parallel ${n}` }));
    // Skip planning needs a checklist: write one per task, as a person would.
    for (const id of ids) {
      const t = h.orchestrator.task(id)!;
      fs.writeFileSync(
        path.join(t.path, 'tasks.md'),
        `# Implementation Tasks: ${t.title}\n\n- [ ] T1: one\n- [ ] T2: two\n`,
      );
    }
    await h.docs.store.update(ids[3], 'depend on 000001', (r) => {
      r.dependsOn = [ids[0]];
    });
    for (const id of ids) await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, ids[1], 'implementation');
    for (let t0 = Date.now(); h.backend.calls.length < 2 && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.orchestrator.task(ids[2])!.status, 'queued_implementation');
    // The scheduler's reasons are set by its tick, which may come just after the second agent started.
    const reasonOf = () => h!.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === ids[2])!.queueReason;
    for (let t0 = Date.now(); !reasonOf() && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 20));
    assert.match(reasonOf() ?? '', /waiting for an implementation slot \(2 of 2 in use\)/);
    assert.equal(h.backend.maxLive, 2);
    open();
    for (const id of ids.slice(0, 3)) await waitForStatus(h, id, 'implementation_review');
    // 000004 depends on 000001, which is implemented but not done: it still waits, and says why.
    assert.equal(h.orchestrator.task(ids[3])!.status, 'queued_implementation');
    assert.equal(
      h.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === ids[3])!.queueReason,
      'waiting for #000001 (code review)',
    );
    await h.orchestrator.accept(ids[0]);
    await waitForStatus(h, ids[3], 'implementation_review');
    assert.equal(h.backend.maxLive, 2, 'never more than two implementation agents at once');
    const order = h.backend.calls.map((c) => /SpecTask #(\d{6})/.exec(c.prompt)![1]);
    assert.ok(order.indexOf('000004') > order.indexOf('000001'), `000004 waited for 000001: ${order}`);
  });

  it('stops an integration on a conflict: the base is untouched and the task goes back to its agent', async () => {
    h = await makeHarness(async (ctx) => {
      await fs.promises.writeFile(path.join(ctx.req.worktree, 'README.md'), '# agent version\n');
      await replay.implement(ctx, '000001');
    });
    const id = await h.orchestrator.create({ title: 'Conflict' });
    const t = h.orchestrator.task(id)!;
    fs.writeFileSync(path.join(t.path, 'tasks.md'), '# Implementation Tasks: Conflict\n\n- [ ] T1: edit readme\n');
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    fs.writeFileSync(path.join(h.repo, 'README.md'), '# user version\n');
    git(h.repo, 'commit', '-qam', 'user edits readme');
    const mainBefore = git(h.repo, 'rev-parse', 'main');
    // The user's commit has no SpecTask trailer: the reason names the base.
    await assert.rejects(h.orchestrator.accept(id), /was not merged: conflicts with main in README\.md/);
    assert.equal(git(h.repo, 'rev-parse', 'main'), mainBefore);
    assert.equal(git(h.repo, 'status', '--porcelain'), '');
    for (let t0 = Date.now(); h.backend.calls.length < 2 && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.match(h.backend.calls[1]!.prompt, /Conflicting files:\n- README\.md/);
  });

  it('holds the integration while the checkout of the base has uncommitted changes', async () => {
    h = await makeHarness(async (ctx) => replay.implement(ctx, '000001'), {}, makeRepo());
    const id = await h.orchestrator.create({ title: 'Dirty base' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: Dirty base\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    await assert.rejects(h.orchestrator.accept(id), /has uncommitted changes on main/);
  });

  it('stops an agent on request and lets Retry resume the same session', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = await makeHarness(async (ctx) => {
      if (ctx.call === 0) {
        await new Promise((r) => ctx.signal.addEventListener('abort', r));
        return;
      }
      await gate;
      await replay.implement(ctx, '000001');
    });
    const id = await h.orchestrator.create({ title: 'Stoppable' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: Stoppable\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation');
    for (let t0 = Date.now(); h.backend.calls.length < 1 && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    await h.orchestrator.stop(id);
    // Stopped is the user's choice, not a failure (issue 22): its own status, no error, no "failed" notice.
    await waitForStatus(h, id, 'implementation_stopped');
    assert.equal(h.orchestrator.task(id)!.error, undefined);
    assert.deepEqual(
      h.notices.filter((n) => n.kind === 'failed' || n.kind === 'error'),
      [],
    );
    assert.equal(h.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id)?.phase, 'stopped');
    await h.orchestrator.retry(id);
    release();
    await waitForStatus(h, id, 'implementation_review');
    assert.equal(h.backend.calls[1].resumeSessionId, 'replay-session-1');
  });

  it('honours a Stop that arrives while the worktree is still being prepared', async () => {
    h = await makeHarness(async (ctx) => replay.implement(ctx, '000001'));
    const id = await h.orchestrator.create({ title: 'Early stop' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: Early stop\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation');
    await h.orchestrator.stop(id);
    await waitForStatus(h, id, ['implementation_stopped', 'implementation_review']);
    // Either the stop won (no agent ever ran) or the run had already finished honestly; never a hang.
    if (h.orchestrator.task(id)!.status === 'implementation_stopped')
      assert.equal(h.orchestrator.task(id)!.error, undefined);
  });

  it('fails a task clearly when its agent back-end is not installed', async () => {
    const missing = createClaudeBackend({ binary: '/nonexistent/bin/claude' });
    h = await makeHarness(async () => undefined, { planning: { backend: 'claude-cli' } }, undefined, [missing]);
    const id = await h.orchestrator.create({ title: 'No agent here' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_failed');
    assert.match(h.orchestrator.task(id)!.error ?? '', /\/nonexistent\/bin\/claude|not found|ENOENT/i);
    assert.equal(h.backend.calls.length, 0);
  });

  it('fails a task whose configured back-end does not exist, and says which', async () => {
    h = await makeHarness(async () => undefined, { implementation: { backend: 'codex' } });
    const id = await h.orchestrator.create({ title: 'Wrong back-end' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: x\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_failed');
    assert.match(h.orchestrator.task(id)!.error ?? '', /unknown agent back-end 'codex'/);
  });

  it('accepts with the pull-request strategy: pushes the branch (never forced) and opens a PR with gh', async () => {
    const repo = cleanRepo();
    const remote = path.join(path.dirname(repo), `${path.basename(repo)}-remote.git`);
    git(path.dirname(repo), 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    // A stand-in for the GitHub CLI on PATH: records its arguments and the body it was given.
    const bin = fs.mkdtempSync(path.join(path.dirname(repo), 'gh-bin-'));
    const record = path.join(bin, 'calls.txt');
    fs.writeFileSync(
      path.join(bin, 'gh'),
      `#!/bin/sh\nprintf '%s\\n' "$@" >> ${record}\nfor a in "$@"; do last=$a; done\ncat "$last" >> ${record}\necho https://example.invalid/pulls/7\n`,
      { mode: 0o755 },
    );
    const oldPath = process.env.PATH;
    h = await makeHarness(
      async (ctx) => {
        await replay.implement(ctx, '000001');
        fs.writeFileSync(
          path.join(ctx.taskFolder, 'pull_request.md'),
          'Add the greeting endpoint\n\nAdds GET /greeting; run npm test.\n',
        );
      },
      { mergeStrategy: 'pull-request' },
      repo,
    );
    const id = await h.orchestrator.create({ title: 'Greeting' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: Greeting\n\n- [ ] T1: add it\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    try {
      process.env.PATH = oldPath!
        .split(':')
        .filter((d) => !fs.existsSync(path.join(d, 'gh')))
        .join(':');
      await assert.rejects(h.orchestrator.accept(id), /needs the GitHub CLI \(gh\) on PATH/);
      process.env.PATH = `${bin}:${oldPath}`;
      const r = await h.orchestrator.accept(id);
      assert.equal(r.pullRequest, 'https://example.invalid/pulls/7');
    } finally {
      process.env.PATH = oldPath;
    }
    const calls = fs.readFileSync(record, 'utf8');
    assert.match(
      calls,
      /^pr\ncreate\n--base\nmain\n--head\nspectask\/000001-greeting\n--title\nAdd the greeting endpoint\n/m,
    );
    assert.match(calls, /Adds GET \/greeting; run npm test\.\n*SpecTask: 000001/);
    assert.equal(
      git(remote, 'rev-parse', 'spectask/000001-greeting'),
      git(repo, 'rev-parse', 'spectask/000001-greeting'),
    );
    assert.equal(h.orchestrator.task(id)!.status, 'done');
    assert.match(
      h.orchestrator.task(id)!.record!.history.at(-1)!.note ?? '',
      /pull request https:\/\/example\.invalid\/pulls\/7/,
    );
  });

  it('skips a scheduling decision another orchestrator already carried out, instead of failing the task', async () => {
    h = await makeHarness(async (ctx) => replay.writeSpec(ctx, 'Shared', 2));
    // A second orchestrator on the same repository, store and queue (what a double open would create).
    const { Orchestrator } = await import('../../../src/core/orchestrator/orchestrator');
    const second = new Orchestrator({
      ...(h.orchestrator as unknown as { deps: ConstructorParameters<typeof Orchestrator>[0] }).deps,
      log: (l, m) => h!.logs.push(`second ${l}: ${m}`),
    });
    await second.start();
    try {
      const id = await h.orchestrator.create({ title: 'Shared' }, { startPlanning: true });
      second.kick();
      await waitForStatus(h, id, 'spec_review');
      assert.equal(h.orchestrator.task(id)!.error, undefined);
      assert.ok(!h.orchestrator.task(id)!.record!.history.some((x) => x.to === 'spec_failed'), h.logs.join('\n'));
    } finally {
      second.dispose();
    }
  });

  // Regression (found by the whole-loop test in VS Code): the orchestrator forgot a run as soon as the agent
  // process ended, then spent a while committing and checking the work; and between the scheduler's transition
  // and its launch no run was registered either. A reconcile tick in those windows saw "working, but no agent
  // runs" and relaunched the agent as an orphan; the next phase then failed with "the agent of task … is busy".
  // A reconcile tick every few milliseconds makes the windows certain to be hit.
  it('never takes a task whose run is being wound up for an orphan', async () => {
    h = await makeHarness(
      async (ctx) => {
        if (ctx.req.prompt.includes('planning agent')) await replay.writeSpec(ctx, 'Race', 2);
        else await replay.implement(ctx, '000001');
        return { text: 'done' };
      },
      { reconcileIntervalMs: 3 },
    );
    const id = await h.orchestrator.create({ title: 'Race' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_review').catch((e) => {
      throw new Error(`${(e as Error).message}: ${h!.orchestrator.task(id)!.record?.error}\n${h!.logs.join('\n')}`);
    });
    await h.orchestrator.approve(id);
    await waitForStatus(h, id, 'implementation_review');
    const relaunched = h.logs.filter((l) => /no agent runs for it/.test(l));
    assert.deepEqual(relaunched, [], 'a run being wound up was relaunched as an orphan');
    assert.equal(
      h.backend.calls.length,
      2,
      `one planning and one implementation run, not ${h.backend.calls.map((c) => c.prompt.slice(0, 40)).join(' | ')}`,
    );
    assert.equal(h.orchestrator.task(id)!.record!.error, undefined);
  });
});
