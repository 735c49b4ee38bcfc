import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { StartRequest } from '../../src/core/agents/agentBackend';
import { createGeminiBackend } from '../../src/core/agents/geminiBackend';
import type { FakeServer } from './fakes/fakeServer';
import { startGeminiFake } from './fakes/geminiFake';
import { agentCli, recorder } from './support/agentClis';
import { collect, firstEvent, shape } from './support/events';
import { longCommand, processesWithMarker, waitFor } from './support/processes';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

describe('Gemini CLI back-end (real gemini against a fake Gemini API)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;

  before(() => {
    bin = agentCli('gemini');
  });
  beforeEach(async () => {
    repo = makeTempRepo('gemini');
    fake = await startGeminiFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  const backend = (scenario: string) =>
    createGeminiBackend({ binary: bin, graceMs: 3000, onStdoutLine: recorder(`gemini-${scenario}`) });
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    model: 'gemini-2.5-pro',
    endpoint: { baseUrl: fake.url, apiKey: `AIza-e2e-${randomUUID()}` },
    permissions: { mode: 'edit+commands', allow: ['git'] },
    stateDir: path.join(repo.scratch, 'gemini-home'),
    limits: { wallClockMs: 60_000 },
    ...over,
  });
  // Agents write and tick; the orchestrator commits (issue 18). The agent's one command reads git.
  const writeTick = [
    { text: 'Writing.', tool: { name: 'write_file', input: { file_path: 'hello.txt', content: 'hello\n' } } },
    {
      tool: {
        name: 'replace',
        input: { file_path: 'tasks.md', old_string: '- [ ] T1', new_string: '- [x] T1', instruction: 'tick T1' },
      },
    },
    {
      tool: {
        name: 'run_shell_command',
        input: { command: 'git status --short', description: 'status' },
      },
    },
    { text: 'Done.' },
  ];

  it('writes, ticks and reads git status with auto_edit plus an allowed git rule', async () => {
    fake.setScript(writeTick);
    const run = backend('write-tick-commit').start(request({ sessionId: randomUUID() }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(events.at(-1)?.t, 'result');
    assert.deepEqual(
      events
        .filter((e) => e.t === 'file_change')
        .map((e) => e.t === 'file_change' && [path.basename(e.path), e.change]),
      [
        ['hello.txt', 'add'],
        ['tasks.md', 'update'],
      ],
    );
    assert.equal(repo.read('hello.txt'), 'hello\n');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.deepEqual(repo.commits(), [], 'the agent commits nothing: the orchestrator does');
    assert.equal(result.text, 'Done.');
    const reqs = fake.modelRequests();
    assert.equal(reqs.length, 4);
    assert.ok(reqs.every((r) => r.auth === 'goog-key' && r.model === 'gemini-2.5-pro'));
  });

  it('resumes a pre-assigned session id and finishes the work', async () => {
    const sessionId = randomUUID();
    fake.setScript([writeTick[0]!, { text: 'Part one.' }, ...writeTick.slice(1)]);
    const be = backend('resume');
    const r1 = await be.start(request({ sessionId })).finished;
    assert.equal(r1.status, 'success', r1.errorMessage);
    assert.equal(r1.sessionId, sessionId);
    const r2 = await be.resume({ ...request({ prompt: 'Continue.' }), resumeSessionId: sessionId }).finished;
    assert.equal(r2.status, 'success', r2.errorMessage);
    assert.equal(r2.sessionId, sessionId);
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.deepEqual(
      fake.modelRequests().map((r) => r.turn),
      [0, 1, 2, 3, 4],
    );
  });

  it('ends with an error result when the API fails', async () => {
    fake.setScript([{ error: { status: 400, message: 'scripted bad request' } }]);
    const result = await backend('api-error').start(request()).finished;
    assert.equal(result.status, 'error', `${result.status}: ${result.errorMessage}`);
  });

  it('cancels (gemini emits no result) and kills its orphaned shell child', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([
      { tool: { name: 'run_shell_command', input: { command: longCommand(marker), description: 'wait' } } },
      { text: 'never' },
    ]);
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
