import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_INTEGRATION } from '../../../src/core/orchestrator/settings';
import { replay } from '../../support/replayBackend';
import { git, makeCleanRepo, tempDir } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

/** test/fixtures/fakeGh, from out/test/unit/orchestrator where the compiled test runs. */
const FAKE_GH_DIR = path.resolve(__dirname, '../../../../test/fixtures/fakeGh');

describe('one pull request per spec, through the integration gate (issue 21)', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );
  const saved = { path: process.env.PATH, state: process.env.FAKE_GH_STATE };
  let state = '';
  let repo = '';
  let remote = '';
  beforeEach(() => {
    state = tempDir('spectask-fake-gh-');
    repo = makeCleanRepo();
    remote = path.join(tempDir('spectask-remote-'), 'remote.git');
    git(path.dirname(remote), 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    process.env.PATH = `${FAKE_GH_DIR}${path.delimiter}${saved.path}`;
    process.env.FAKE_GH_STATE = state;
  });
  afterEach(() => {
    process.env.PATH = saved.path;
    if (saved.state === undefined) delete process.env.FAKE_GH_STATE;
    else process.env.FAKE_GH_STATE = saved.state;
  });
  const calls = () => fs.readFileSync(path.join(state, 'calls.log'), 'utf8').trim().split('\n');

  it('opens one pull request after the tests passed, shows its checks, and updates it on the next accept', async () => {
    const tested = tempDir('spectask-tested-');
    h = await makeHarness(
      async (ctx) => {
        const n = /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1];
        fs.writeFileSync(path.join(ctx.req.worktree, `work-${Date.now()}.txt`), 'work\n');
        await replay.implement(ctx, n);
        fs.writeFileSync(path.join(ctx.taskFolder, 'pull_request.md'), 'Add the greeting\n\nAdds GET /greeting.\n');
      },
      {
        mergeStrategy: 'pull-request',
        integration: { ...DEFAULT_INTEGRATION, testCommand: `git rev-parse HEAD >> ${tested}/tested; echo ok` },
      },
      repo,
    );
    const id = await h.orchestrator.create({ title: 'Greeting' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: G\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    const mainBefore = git(h.repo, 'rev-parse', 'main');

    const first = await h.orchestrator.accept(id);
    assert.equal(first.pullRequest, 'https://example.invalid/pulls/1');
    assert.ok(fs.existsSync(path.join(tested, 'tested')), 'the tests ran before the pull request');
    assert.equal(git(h.repo, 'rev-parse', 'main'), mainBefore, 'the pull-request target never moves the base');
    const branch = 'spectask/000001-greeting';
    assert.equal(git(remote, 'rev-parse', branch), git(h.repo, 'rev-parse', branch), 'the branch was pushed');
    assert.match(fs.readFileSync(path.join(state, 'body-1.md'), 'utf8'), /Adds GET \/greeting\.\n*SpecTask: 000001/);
    const note = h.orchestrator.task(id)!.record!.history.at(-1)!.note ?? '';
    assert.match(
      note,
      /^pull request https:\/\/example\.invalid\/pulls\/1 opened \(.*; checks: 1 passing, 1 pending\)$/,
    );
    assert.ok(
      h.notices.some((n) => n.message.includes('checks: 1 passing, 1 pending')),
      'the checks are told',
    );
    const card = () => h!.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id);
    assert.equal(card()?.pullRequest, note, 'the card shows the pull request and its checks');

    // Reopened and accepted again: the same pull request is updated, no second one is opened.
    await h.orchestrator.reopen(id);
    await waitForStatus(h, id, 'implementation_review');
    const second = await h.orchestrator.accept(id);
    assert.equal(second.pullRequest, 'https://example.invalid/pulls/1');
    assert.equal(calls().filter((c) => c.startsWith('pr create')).length, 1, calls().join('\n'));
    assert.ok(calls().some((c) => c.startsWith('pr edit https://example.invalid/pulls/1 --title Add the greeting')));
    assert.match(h.orchestrator.task(id)!.record!.history.at(-1)!.note ?? '', /pulls\/1 updated/);
    assert.equal(git(remote, 'rev-parse', branch), git(h.repo, 'rev-parse', branch), 'the new work was pushed');
  });

  it('never opens a pull request for work whose tests fail', async () => {
    h = await makeHarness(
      async (ctx) => {
        await replay.implement(ctx, /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1]);
      },
      {
        mergeStrategy: 'pull-request',
        integration: { ...DEFAULT_INTEGRATION, testCommand: 'echo "  3 failing"; exit 1' },
      },
      repo,
    );
    const id = await h.orchestrator.create({ title: 'Broken' });
    fs.writeFileSync(
      path.join(h.orchestrator.task(id)!.path, 'tasks.md'),
      '# Implementation Tasks: B\n\n- [ ] T1: a\n',
    );
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation_review');
    await assert.rejects(h.orchestrator.accept(id), /tests failed: 3 failing/);
    assert.ok(!fs.existsSync(path.join(state, 'calls.log')), 'gh was never called');
    assert.equal(git(remote, 'branch', '--list').trim(), '', 'nothing was pushed');
  });
});
