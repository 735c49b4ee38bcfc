import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { StartRequest } from '../../src/core/agents/agentBackend';
import { createCodexBackend } from '../../src/core/agents/codexBackend';
import type { FakeServer } from './fakes/fakeServer';
import { startOpenAiFake } from './fakes/openaiFake';
import { agentCli, recorder } from './support/agentClis';
import { collect, firstEvent, shape } from './support/events';
import { longCommand, processesWithMarker, waitFor } from './support/processes';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

describe('Codex CLI back-end (real codex against a fake Responses API)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;

  before(() => {
    bin = agentCli('codex');
  });
  beforeEach(async () => {
    repo = makeTempRepo('codex');
    fake = await startOpenAiFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  const backend = (scenario: string) =>
    createCodexBackend({
      binary: bin,
      graceMs: 3000,
      sourceEnv: { ...process.env, HOME: repo.scratch },
      onStdoutLine: recorder(`codex-${scenario}`),
    });
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    model: 'fake-codex',
    endpoint: { baseUrl: `${fake.url}/v1`, apiKey: `sk-e2e-${randomUUID()}` },
    // workspace-write and no git dir: agents write and tick, the orchestrator commits (issue 18).
    permissions: { mode: 'edit+commands', allow: ['git'] },
    stateDir: path.join(repo.scratch, 'codex-home'),
    limits: { wallClockMs: 60_000 },
    ...over,
  });
  const exec = (cmd: string) => ({ tool: { name: 'exec_command', input: { cmd } } });
  const writeTick = [
    exec(`printf 'hello\\n' > hello.txt`),
    exec(`sed -i 's/- \\[ \\] T1/- [x] T1/' tasks.md`),
    exec('git status --short'),
    { text: 'Done.' },
  ];

  it('writes, ticks and reads git status from inside the workspace-write sandbox of a linked worktree', async () => {
    fake.setScript(writeTick);
    const run = backend('write-tick-commit').start(request());
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(events.at(-1)?.t, 'result');
    assert.equal(events.filter((e) => e.t === 'tool_call' && e.kind === 'shell').length, 3);
    assert.ok(events.filter((e) => e.t === 'tool_result').every((e) => e.t === 'tool_result' && e.ok));
    assert.equal(repo.read('hello.txt'), 'hello\n');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.deepEqual(repo.commits(), [], 'the agent commits nothing: the orchestrator does');
    assert.ok((result.usage?.inputTokens ?? 0) > 0);
    assert.equal(result.text, 'Done.');
    const reqs = fake.modelRequests();
    assert.equal(reqs.length, 4);
    assert.ok(reqs.every((r) => r.auth === 'bearer' && r.model === 'fake-codex' && r.tools?.includes('exec_command')));
  });

  it('resumes the thread with `exec resume`, keeps its id and finishes the work', async () => {
    fake.setScript([writeTick[0]!, { text: 'Part one.' }]);
    const be = backend('resume');
    const r1 = await be.start(request()).finished;
    assert.equal(r1.status, 'success', r1.errorMessage);
    assert.ok(r1.sessionId);
    assert.doesNotMatch(repo.read('tasks.md'), /- \[x\] T1/);
    // The Responses turn index counts tool outputs, so the resumed history (one output) lands on turn 1:
    // the script changes between runs to continue from there.
    fake.setScript(writeTick);
    const r2 = await be.resume({ ...request({ prompt: 'Continue.' }), resumeSessionId: r1.sessionId! }).finished;
    assert.equal(r2.status, 'success', r2.errorMessage);
    assert.equal(r2.sessionId, r1.sessionId);
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.deepEqual(
      fake.modelRequests().map((r) => r.turn),
      [0, 1, 1, 2, 3],
    );
  });

  it('ends with an error result when the API fails', async () => {
    fake.setScript([{ error: { status: 400, message: 'scripted bad request' } }]);
    const result = await backend('api-error').start(request()).finished;
    assert.equal(result.status, 'error');
    assert.match(result.errorMessage ?? '', /400|bad request/i);
  });

  it('cancels (no final event from codex) and leaves no process behind', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([exec(longCommand(marker)), { text: 'never' }]);
    const run = backend('cancel').start(request({ permissions: { mode: 'full' } }));
    await firstEvent(run, (e) => e.t === 'tool_call');
    assert.ok(await waitFor(() => processesWithMarker(marker).length > 0, 10_000), 'the tool command started');
    await run.cancel({ graceMs: 3000 });
    const result = await run.finished;
    assert.equal(result.status, 'cancelled');
    assert.ok(
      await waitFor(() => processesWithMarker(marker).length === 0, 3000),
      `left behind: ${processesWithMarker(marker).join(', ')}`,
    );
  });
});
