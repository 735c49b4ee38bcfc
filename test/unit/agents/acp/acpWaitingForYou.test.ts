import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PermissionPolicy, StartRequest } from '../../../../src/core/agents/agentBackend';
import type { AgentEvent } from '../../../../src/core/agents/agentEvents';
import { AcpBackend } from '../../../../src/core/agents/acp/acpBackend';
import { acpDiffSummary } from '../../../../src/core/agents/acp/acpDiffSummary';
import { buildFleetSnapshot } from '../../../../src/core/orchestrator/fleetView';
import { PermissionRoom } from '../../../../src/core/orchestrator/permissionRoom';
import { FleetStore } from '../../../../src/core/store/fleetStore';
import { parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION } from '../../../../src/protocol/messages';

/** The scripted agent, built next to this test by `node esbuild.mjs --tests`. */
const AGENT = path.join(__dirname, 'scriptedAcpAgent.js');
const TASK = 'task-1';

// "Waiting for you" (issue 20): what the permission level cannot decide waits for a person's answer, shown on
// the run's view in the fleet store, instead of being rejected at once.
describe('ACP permission requests a person answers ("waiting for you")', function () {
  // Each test starts a node process with the ACP SDK: seconds on a loaded machine.
  this.timeout(60_000);
  let dir: string;
  let logFile: string;
  let fleet: FleetStore;
  let room: PermissionRoom;
  let timeoutMs: number;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acp-wait-')));
    fs.mkdirSync(path.join(dir, 'wt'));
    fs.mkdirSync(path.join(dir, 'spectask-folder'));
    logFile = path.join(dir, 'agent.log');
    timeoutMs = 0;
    fleet = new FleetStore();
    room = new PermissionRoom({ dispatch: (e) => fleet.dispatch(e), now: () => 1000, timeoutMs: () => timeoutMs });
    fleet.dispatch({ type: 'runStarted', id: TASK, startedAt: 1 });
  });
  afterEach(() => {
    room.dispose();
    fleet.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const backend = (scenario: string) =>
    new AcpBackend(
      {
        name: 'scripted',
        label: 'Scripted',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCENARIO: scenario, ACP_SCRIPT_LOG: logFile },
      },
      { graceMs: 1000 },
    );
  const request = (permissions: PermissionPolicy = { mode: 'edit+commands', allow: ['git status'] }): StartRequest => ({
    taskId: TASK,
    worktree: path.join(dir, 'wt'),
    prompt: 'Do T1.',
    permissions,
    extraDirs: [path.join(dir, 'spectask-folder')],
    askPerson: room.askerFor(TASK),
  });
  const outcomes = () =>
    fs
      .readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.permission)
      .map((l) => [l.permission, l.outcome]);
  const nextQuestion = () => new Promise<string>((resolve) => room.onDidAsk((a) => resolve(a.request.requestId)));
  const card = () =>
    buildFleetSnapshot({
      tasks: [
        {
          id: TASK,
          number: '000001',
          title: 'T',
          status: 'implementation',
          items: [],
          hasWorktree: true,
          updatedAt: 1,
        },
      ],
      agents: new Map(),
      runs: fleet.state.runs,
      queueReasons: new Map(),
      contextItems: 2,
      now: 2,
    }).cards[0]!;

  it('puts the run in "waiting for you" on its card, and the agent continues once a person allows it', async () => {
    const run = backend('person').start(request());
    const asked = await nextQuestion();
    assert.deepEqual(
      { ...card().permissionRequest },
      {
        requestId: asked,
        title: 'Fetch https://example.com',
        kind: 'fetch',
        command: undefined,
        paths: undefined,
        diff: undefined,
        expiresAt: undefined,
        more: undefined,
      },
    );
    // The answer travels as the dashboard sends it, checked at the boundary.
    const msg = parseWebviewMessage({
      type: 'permission/answer',
      taskId: TASK,
      requestId: asked,
      answer: 'allow_once',
    });
    assert.ok(msg?.type === 'permission/answer');
    const second = nextQuestion();
    assert.equal(room.answer(msg.taskId, msg.requestId, msg.answer), true);
    assert.equal(room.answer(msg.taskId, msg.requestId, 'reject'), false, 'a question is answered once');
    // "Allow once" allowed only this call: the same call asks again.
    const again = await second;
    assert.equal(card().permissionRequest?.requestId, again);
    room.answer(TASK, again, 'reject');
    const result = await run.finished;
    assert.equal(result.status, 'denied');
    assert.deepEqual(outcomes(), [
      ['q1', { outcome: 'selected', optionId: 'yes' }],
      ['q2', { outcome: 'selected', optionId: 'no' }],
    ]);
    assert.equal(fs.readFileSync(path.join(dir, 'wt', 'fetched.txt'), 'utf8'), 'q1\n');
    assert.equal(card().permissionRequest, undefined, 'nothing waits any more');
  });

  it('"Allow always" allows the same call of the same SpecTask without asking again, and no other task', async () => {
    const run = backend('person').start(request());
    const asked = await nextQuestion();
    assert.equal(room.answer('another-task', asked, 'allow_always'), false, "another task's button does nothing");
    room.answer(TASK, asked, 'allow_always');
    await run.finished;
    assert.deepEqual(outcomes(), [
      ['q1', { outcome: 'selected', optionId: 'yes' }],
      ['q2', { outcome: 'selected', optionId: 'yes' }],
    ]);
    assert.equal(fs.readFileSync(path.join(dir, 'wt', 'fetched.txt'), 'utf8'), 'q1\nq2\n');
    // Never the agent's own "allow always" option, which would outlive the SpecTask.
    assert.ok(!JSON.stringify(outcomes()).includes('always'));
    const other = room.askerFor('another-task')(
      { title: 'Fetch https://example.com', kind: 'fetch' },
      new AbortController().signal,
    );
    assert.equal(room.waiting('another-task').length, 1);
    room.answer('another-task', room.waiting('another-task')[0]!.requestId, 'reject');
    assert.deepEqual(await other, { outcome: 'reject', reason: 'rejected by you' });
  });

  it('rejects a question nobody answers within the timeout', async () => {
    timeoutMs = 50;
    const run = backend('person').start(request());
    const events: AgentEvent[] = [];
    for await (const e of run.events) events.push(e);
    assert.deepEqual(outcomes(), [
      ['q1', { outcome: 'selected', optionId: 'no' }],
      ['q2', { outcome: 'selected', optionId: 'no' }],
    ]);
    assert.ok(
      events.some((e) => e.t === 'permission' && e.decision === 'denied' && /no answer within/.test(e.reason ?? '')),
    );
    assert.equal(fleet.state.runs.get(TASK)?.waiting, undefined);
  });

  it('answers a waiting request cancelled when the run is stopped, and the card waits no more', async () => {
    const run = backend('cancel').start(request());
    await nextQuestion();
    assert.equal(room.waiting(TASK).length, 1);
    await run.cancel({ graceMs: 3000 });
    assert.equal((await run.finished).status, 'cancelled');
    assert.deepEqual(outcomes()[0], ['p1', { outcome: 'cancelled' }]);
    assert.equal(room.waiting(TASK).length, 0);
    assert.equal(card().permissionRequest, undefined);
  });

  it("clears the run's questions when the run ends, and ignores a question for a task with no run", () => {
    const ac = new AbortController();
    void room
      .askerFor(TASK)({ title: 'x', kind: 'other' }, ac.signal)
      .catch(() => undefined);
    assert.equal(fleet.state.runs.get(TASK)?.waiting?.length, 1);
    fleet.dispatch({ type: 'runEnded', id: TASK });
    assert.equal(fleet.state.runs.get(TASK)?.waiting, undefined);
    void room
      .askerFor('no-run')({ title: 'y', kind: 'other' }, ac.signal)
      .catch(() => undefined);
    assert.equal(fleet.state.runs.get('no-run'), undefined);
    ac.abort();
    assert.equal(room.waiting().length, 0);
  });

  it('shows a diff as one line, and the card carries the question through the host message check', () => {
    assert.equal(
      acpDiffSummary(
        [
          { type: 'diff', path: path.join(dir, 'wt', 'src/a.ts'), oldText: 'a\nb\n', newText: 'a\nc\nd\n' },
          { type: 'diff', path: 'b.ts', oldText: null, newText: 'x' },
          { type: 'content' },
        ],
        path.join(dir, 'wt'),
      ),
      'src/a.ts +3 −2, b.ts (new, 1 lines)',
    );
    assert.equal(acpDiffSummary([{ type: 'content' }], dir), undefined);
    void room.askerFor(TASK)(
      { title: 'Edit', kind: 'edit', paths: ['a.ts'], diff: 'a.ts +1 −0' },
      new AbortController().signal,
    );
    const snapshot = { generatedAt: 1, cards: [card()], counts: {} };
    assert.ok(parseHostMessage({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: 1, snapshot }));
    const bad = { ...card(), permissionRequest: { requestId: 'r', title: 7 } };
    assert.equal(
      parseHostMessage({
        type: 'fleet/snapshot',
        protocol: PROTOCOL_VERSION,
        rev: 1,
        snapshot: { ...snapshot, cards: [bad] },
      }),
      undefined,
    );
    for (const raw of [
      { type: 'permission/answer', taskId: TASK, requestId: 'r', answer: 'allow_forever' },
      { type: 'permission/answer', taskId: TASK, requestId: '', answer: 'reject' },
      { type: 'permission/answer', taskId: TASK, answer: 'reject' },
    ])
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
  });
});
