import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_INTEGRATION, type IntegrationSettings } from '../../../src/core/orchestrator/settings';
import { replay, type ReplayContext } from '../../support/replayBackend';
import { git, makeCleanRepo, makeRepo, tempDir } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS } from '../../../src/core/orchestrator/settings';
import { ReplayBackend } from '../../support/replayBackend';

const numberOf = (ctx: ReplayContext) => /SpecTask #(\d{6})/.exec(ctx.req.prompt)?.[1] ?? '000000';
const sentBack = (ctx: ReplayContext) =>
  ctx.req.prompt.includes('could not be integrated') || ctx.req.prompt.includes('tests failed');

const integration = (over: Partial<IntegrationSettings>): { integration: IntegrationSettings } => ({
  integration: { ...DEFAULT_INTEGRATION, ...over },
});

/** Creates a task with a one-item checklist and sends it to implementation (no planning). */
async function implementTask(h: Harness, title: string): Promise<string> {
  const id = await h.orchestrator.create({ title });
  fs.writeFileSync(
    path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
    `# Implementation Tasks: ${title}\n\n- [ ] T1: do it\n`,
  );
  await h.orchestrator.skipPlanning(id);
  await waitForStatus(h, id, 'implementation_review');
  return id;
}

const card = (h: Harness, id: string) => h.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id)!;

describe('Integration queue', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('sends a conflicting SpecTask back to its agent with the files, and merges it once the agent resolved it', async () => {
    h = await makeHarness(async (ctx) => {
      const n = numberOf(ctx);
      const readme = path.join(ctx.req.worktree, 'README.md');
      if (sentBack(ctx)) {
        // The queue merged the base into the branch and left the markers: the agent resolves them (it runs no
        // git that writes); the orchestrator concludes the merge when the run ends.
        assert.match(fs.readFileSync(readme, 'utf8'), /<<<<<<<[\s\S]*>>>>>>>/);
        assert.doesNotMatch(ctx.req.prompt, /git add|git commit|"git merge/);
        fs.writeFileSync(readme, '# app by 000001 and 000002\n');
        return;
      }
      fs.writeFileSync(readme, `# app by ${n}\n`);
      await replay.implement(ctx, n);
    });
    const first = await implementTask(h, 'First edits the readme');
    const second = await implementTask(h, 'Second edits the readme');
    await h.orchestrator.accept(first);
    assert.equal(h.orchestrator.task(first)!.status, 'done');
    const mainBefore = git(h.repo, 'rev-parse', 'main');

    await assert.rejects(h.orchestrator.accept(second), /was not merged: conflicts with #000001 in README\.md/);
    assert.equal(git(h.repo, 'rev-parse', 'main'), mainBefore, 'the base is untouched');
    assert.equal(git(h.repo, 'status', '--porcelain'), '', "the user's checkout is untouched");
    await waitForStatus(h, second, 'done');
    const back = h.backend.calls.find((c) => c.prompt.includes('could not be integrated'))!;
    assert.match(back.prompt, /conflicts with #000001 in README\.md/);
    assert.match(back.prompt, /Conflicting files:\n- README\.md/);
    assert.equal(back.resumeSessionId, 'replay-session-2', 'the same agent session works on it again');
    assert.equal(fs.readFileSync(path.join(h.repo, 'README.md'), 'utf8'), '# app by 000001 and 000002\n');
    const history = h.orchestrator.task(second)!.record!.history;
    const bounce = history.find((x) => x.trigger === 'integration_bounced');
    assert.equal(bounce?.note, 'conflicts with #000001 in README.md');
    assert.deepEqual(
      history.slice(-3).map((x) => x.trigger),
      ['accept', 'integration_slot_free', 'integration_succeeded'],
      'it re-entered the queue by itself after the agent finished',
    );
    assert.equal(card(h, second).integrationReason, undefined, 'the reason is gone once merged');
  });

  it('does not conclude the merge while conflict markers remain: the agent is asked again, markers never reach a commit', async () => {
    let sentBackRuns = 0;
    h = await makeHarness(
      async (ctx) => {
        const n = numberOf(ctx);
        const readme = path.join(ctx.req.worktree, 'README.md');
        if (sentBack(ctx) || ctx.req.resumeSessionId) {
          // The first answer leaves the markers in place; the next one (a nudge) resolves them.
          if (sentBackRuns++ === 0) return;
          fs.writeFileSync(readme, '# app by both\n');
          return;
        }
        fs.writeFileSync(readme, `# app by ${n}\n`);
        await replay.implement(ctx, n);
      },
      { maxNudges: 2 },
    );
    const first = await implementTask(h, 'First edits the readme');
    const second = await implementTask(h, 'Second edits the readme');
    await h.orchestrator.accept(first);
    await assert.rejects(h.orchestrator.accept(second), /conflicts with #000001 in README\.md/);
    await waitForStatus(h, second, 'done');
    assert.ok(sentBackRuns >= 2, 'the agent was asked again after leaving the markers');
    // Every version of README.md that any commit reaching main ever held.
    const history = git(h.repo, 'log', '-p', '--format=%H', 'main', '--', 'README.md');
    assert.doesNotMatch(history, /^\+(<{7}|>{7})/m, 'a commit on main holds conflict markers');
    assert.equal(fs.readFileSync(path.join(h.repo, 'README.md'), 'utf8'), '# app by both\n');
  });

  it('never lets a SpecTask that breaks the tests reach the base, and keeps the output', async () => {
    const outside = tempDir('spectask-tested-');
    const testCommand = `git rev-parse HEAD >> ${outside}/tested; if grep -rq BROKEN src 2>/dev/null; then echo "  2 failing"; exit 1; fi; echo ok`;
    h = await makeHarness(
      async (ctx) => {
        const n = numberOf(ctx);
        if (sentBack(ctx)) {
          assert.match(ctx.req.prompt, /tests failed: 2 failing/);
          fs.writeFileSync(path.join(ctx.req.worktree, 'src', 'bug.txt'), 'fixed\n');
          return;
        }
        fs.mkdirSync(path.join(ctx.req.worktree, 'src'), { recursive: true });
        fs.writeFileSync(path.join(ctx.req.worktree, 'src', 'bug.txt'), 'BROKEN\n');
        await replay.implement(ctx, n);
      },
      integration({ testCommand }),
      makeCleanRepo(),
    );
    const id = await implementTask(h, 'Breaks the tests');
    const mainBefore = git(h.repo, 'rev-parse', 'main');
    await assert.rejects(h.orchestrator.accept(id), /tests failed: 2 failing/);
    assert.equal(git(h.repo, 'rev-parse', 'main'), mainBefore, 'the failing work never reached the base');
    const log = fs.readdirSync(path.join(h.repo, '.git', 'spectask', 'integration-logs'));
    const file = path.join(h.repo, '.git', 'spectask', 'integration-logs', log[0]!);
    assert.match(fs.readFileSync(file, 'utf8'), /2 failing/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(card(h, id).integrationReason, 'tests failed: 2 failing', 'the card says why while the agent works');

    await waitForStatus(h, id, 'done');
    const tested = fs.readFileSync(path.join(outside, 'tested'), 'utf8').trim().split('\n');
    assert.equal(
      tested.at(-1),
      git(h.repo, 'rev-parse', 'main').trim(),
      'the commit that reached the base is the one tested',
    );
    assert.equal(git(h.repo, 'show', 'main:src/bug.txt').trim(), 'fixed');
  });

  it('rebases onto a base that moved while the task was queued, and publishes the tested tip by fast-forward', async () => {
    const outside = tempDir('spectask-tested-');
    h = await makeHarness(
      async (ctx) => {
        const n = numberOf(ctx);
        fs.writeFileSync(path.join(ctx.req.worktree, `file-${n}.txt`), `${n}\n`);
        await replay.implement(ctx, n);
      },
      integration({ testCommand: `git rev-parse HEAD >> ${outside}/tested` }),
    );
    const a = await implementTask(h, 'A');
    const b = await implementTask(h, 'B');
    // The user works on main meanwhile, then leaves it (the base is checked out nowhere).
    fs.writeFileSync(path.join(h.repo, 'user.txt'), 'user\n');
    git(h.repo, 'add', 'user.txt');
    git(h.repo, 'commit', '-qm', 'user work');
    git(h.repo, 'checkout', '-qb', 'elsewhere');
    const [ra, rb] = await Promise.all([h.orchestrator.accept(a), h.orchestrator.accept(b)]);
    assert.ok(ra.sha && rb.sha);
    assert.equal(git(h.repo, 'rev-parse', 'main').trim(), rb.sha, 'B went second, on top of A');
    assert.equal(
      git(h.repo, 'rev-list', '--merges', '--count', 'main').trim(),
      '0',
      'linear: rebased, no merge commit',
    );
    const tested = fs.readFileSync(path.join(outside, 'tested'), 'utf8').trim().split('\n');
    assert.deepEqual(tested, [ra.sha, rb.sha], 'each published tip is the commit its tests ran on');
    for (const f of ['user.txt', 'file-000001.txt', 'file-000002.txt']) git(h.repo, 'cat-file', '-e', `main:${f}`);
    assert.equal(git(h.repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'elsewhere', "the user's checkout stayed");
  });

  it("holds the queue while the user's checkout of the base has local changes, then fast-forwards it", async () => {
    h = await makeHarness(async (ctx) => replay.implement(ctx, numberOf(ctx)), {}, makeRepo());
    const id = await implementTask(h, 'Dirty base');
    const mainBefore = git(h.repo, 'rev-parse', 'main');
    await assert.rejects(h.orchestrator.accept(id), /has uncommitted changes on main/);
    assert.equal(h.orchestrator.task(id)!.status, 'queued_integration');
    assert.equal(git(h.repo, 'rev-parse', 'main'), mainBefore);
    assert.match(git(h.repo, 'status', '--porcelain'), /staged\.txt/, 'the local changes are left alone');
    await h.orchestrator.reconcile();
    await h.orchestrator.whenIntegrationIdle();
    const c = card(h, id);
    assert.equal(c.phase, 'integration');
    assert.equal(c.queuePosition, 1);
    assert.match(c.queueReason ?? '', /integration queue: 1 of 1, next — waits: .* has uncommitted changes on main/);

    git(h.repo, 'reset', '-q', '--hard');
    await h.orchestrator.reconcile();
    await waitForStatus(h, id, 'done');
    assert.notEqual(git(h.repo, 'rev-parse', 'main'), mainBefore);
    assert.ok(fs.existsSync(path.join(h.repo, 'src')), 'HEAD and files were fast-forwarded');
    assert.match(git(h.repo, 'status', '--porcelain'), /^\?\? untracked\.txt$/m);
    assert.doesNotMatch(git(h.repo, 'status', '--porcelain'), /^ ?M/m);
  });

  it('recovers from an orchestrator stopped mid-integration: scratch cleaned, base moved once, task re-queued', async () => {
    const marker = path.join(tempDir('spectask-kill-'), 'pid');
    const repo = makeCleanRepo();
    h = await makeHarness(
      async (ctx) => replay.implement(ctx, numberOf(ctx)),
      integration({ testCommand: `echo $$ > ${marker}; exec sleep 60` }),
      repo,
    );
    const id = await implementTask(h, 'Interrupted');
    const mainBefore = git(repo, 'rev-parse', 'main');
    void h.orchestrator.accept(id).catch(() => undefined);
    while (!fs.existsSync(marker) || !fs.readFileSync(marker, 'utf8').trim())
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.orchestrator.task(id)!.status, 'integrating');
    const scratch = path.join(repo, '.git', 'spectask', 'integration');
    assert.equal(fs.readdirSync(scratch).length, 1, 'the scratch worktree exists while integrating');
    await h.dispose();
    process.kill(Number(fs.readFileSync(marker, 'utf8')), 'SIGKILL');
    h = undefined;
    assert.equal(git(repo, 'rev-parse', 'main'), mainBefore, 'the base did not move');

    h = await makeHarness(async () => undefined, integration({ testCommand: 'none' }), repo);
    assert.deepEqual(fs.readdirSync(scratch), [], 'the next start cleaned the scratch worktree');
    assert.doesNotMatch(git(repo, 'worktree', 'list'), /spectask\/integration/);
    await waitForStatus(h, id, 'done');
    const triggers = h.orchestrator.task(id)!.record!.history.map((x) => x.trigger);
    assert.deepEqual(triggers.slice(-4), [
      'integration_slot_free',
      'integration_interrupted',
      'integration_slot_free',
      'integration_succeeded',
    ]);
    assert.equal(
      git(repo, 'rev-list', '--count', `${mainBefore.trim()}..main`).trim(),
      '1',
      'its one commit, merged once',
    );
  });

  it('runs no test where agents may not run (an untrusted workspace): the task waits in the queue and says why', async () => {
    const repo = makeCleanRepo();
    const ran = path.join(tempDir('spectask-untrusted-'), 'ran');
    h = await makeHarness(async (ctx) => replay.implement(ctx, numberOf(ctx)), {}, repo);
    const id = await implementTask(h, 'Untrusted');
    await h.dispose();
    h = undefined;
    // The same repository reopened as an untrusted workspace opens it: agents (and so tests) may not run.
    const registry = new GitQueueRegistry();
    let trusted = false;
    const opened = await openOrchestrator(repo, {
      registry,
      backends: [new ReplayBackend(async () => undefined)],
      settings: () => ({
        ...DEFAULT_SETTINGS,
        planning: { backend: 'custom' },
        implementation: { backend: 'custom' },
        reconcileIntervalMs: 0,
        ...integration({ testCommand: `touch ${ran}` }),
      }),
      mayRunAgents: () => (trusted ? undefined : 'the workspace is not trusted'),
    });
    try {
      await opened.orchestrator.start();
      await assert.rejects(
        opened.orchestrator.accept(id),
        /queued for integration; it waits: the workspace is not trusted/,
      );
      await opened.orchestrator.reconcile();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(opened.orchestrator.task(id)!.status, 'queued_integration');
      assert.equal(fs.existsSync(ran), false, 'the test command did not run');
      const c = opened.orchestrator.fleetSnapshot().cards.find((x) => x.taskId === id)!;
      assert.match(c.queueReason ?? '', /waits: the workspace is not trusted/);
      trusted = true;
      await opened.orchestrator.reconcile();
      await waitForStatus({ orchestrator: opened.orchestrator, logs: [] }, id, 'done');
      assert.ok(fs.existsSync(ran), 'trusted: the tests ran');
    } finally {
      opened.dispose();
      await registry.forRepo(repo).whenIdle();
      registry.dispose();
    }
  });
});
