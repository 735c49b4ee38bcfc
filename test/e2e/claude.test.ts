import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartRequest } from '../../src/core/agents/agentBackend';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer } from './fakes/fakeServer';
import { agentCli, recorder } from './support/agentClis';
import { collect, firstEvent, shape } from './support/events';
import { longCommand, processesWithMarker, waitFor } from './support/processes';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

const SECRET = `sk-ant-e2e-${randomUUID()}`;

describe('Claude Code CLI back-end (real claude against a fake Anthropic server)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;

  before(async () => {
    bin = agentCli('claude');
  });
  beforeEach(async () => {
    repo = makeTempRepo('claude');
    fake = await startAnthropicFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  // HOME is a scratch folder: the Bash tool runs a login shell, and the host user's profile (pyenv, nvm, …) must
  // not make the test slow or flaky.
  const backend = (scenario: string) =>
    createClaudeBackend({
      binary: bin,
      graceMs: 3000,
      onStdoutLine: recorder(`claude-${scenario}`),
      sourceEnv: { ...process.env, HOME: repo.scratch, SPECTASK_PLANTED_SECRET: 'must-not-leak' },
    });
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    appendSystemPrompt: 'Tick your checklist item; do not run git commands that write (the orchestrator commits).',
    model: 'fake-claude',
    endpoint: { baseUrl: fake.url, apiKey: SECRET },
    permissions: { mode: 'edit+commands', allow: ['git status'] },
    stateDir: path.join(repo.scratch, 'claude-state'),
    limits: { wallClockMs: 60_000 },
    ...over,
  });
  // Agents write and tick; the orchestrator commits. The agent's one command reads git.
  const writeTick = () => [
    {
      text: 'Writing the file.',
      tool: { name: 'Write', input: { file_path: path.join(repo.worktree, 'hello.txt'), content: 'hello\n' } },
    },
    {
      tool: {
        name: 'Edit',
        input: { file_path: path.join(repo.worktree, 'tasks.md'), old_string: '- [ ] T1', new_string: '- [x] T1' },
      },
    },
    {
      tool: {
        name: 'Bash',
        input: { command: 'git status --short', description: 'status' },
      },
    },
    { text: 'All done.' },
  ];

  it('writes a file, ticks the checklist and reads git status; events, git and the request log agree', async () => {
    fake.setScript(writeTick());
    const run = backend('write-tick-commit').start(request({ sessionId: randomUUID() }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.equal(events.at(-1)?.t, 'result');
    assert.equal(events[0]?.t, 'session');
    assert.deepEqual(
      events.filter((e) => e.t === 'tool_call').map((e) => e.t === 'tool_call' && e.kind),
      ['edit', 'edit', 'shell'],
    );
    assert.ok(events.some((e) => e.t === 'file_change' && e.path.endsWith('hello.txt') && e.change === 'add'));
    assert.equal(repo.read('hello.txt'), 'hello\n');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.deepEqual(repo.commits(), [], 'the agent commits nothing: the orchestrator does');
    assert.ok((result.usage?.costUsd ?? 0) > 0, 'claude reports a cost');
    assert.equal(result.text, 'All done.');
    const reqs = fake.modelRequests();
    assert.equal(reqs.length, 4);
    assert.ok(reqs.every((r) => r.auth === 'x-api-key' && r.model === 'fake-claude'));
    assert.match(reqs[3]!.last ?? '', /\?\? hello\.txt/, 'the status output went back to the model');
  });

  it('resumes the same session in a second process and finishes the work there', async () => {
    const script = writeTick();
    fake.setScript([script[0]!, { text: 'Part one done.' }, ...script.slice(1)]);
    const be = backend('resume');
    const first = be.start(request());
    const r1 = await first.finished;
    assert.equal(r1.status, 'success', r1.errorMessage);
    assert.ok(r1.sessionId);
    assert.doesNotMatch(repo.read('tasks.md'), /- \[x\] T1/);
    const second = be.resume({ ...request({ prompt: 'Continue.' }), resumeSessionId: r1.sessionId! });
    const r2 = await second.finished;
    assert.equal(r2.status, 'success', r2.errorMessage);
    assert.equal(r2.sessionId, r1.sessionId);
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    // The resumed request carried the first run's history: its turn index continued the script.
    assert.deepEqual(
      fake.modelRequests().map((r) => r.turn),
      [0, 1, 2, 3, 4],
    );
  });

  it('reports a permission denial as denied work, not success, and the refused commit makes nothing', async () => {
    // `git status` is a read claude allows by itself at this level; a commit is not.
    const script = writeTick();
    script[2] = {
      tool: { name: 'Bash', input: { command: `git add -A && git commit -m 'add hello'`, description: 'commit' } },
    };
    fake.setScript(script);
    const run = backend('denied').start(request({ permissions: { mode: 'edit' } }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'denied');
    assert.deepEqual(result.deniedTools, ['Bash']);
    assert.ok(events.some((e) => e.t === 'permission' && e.decision === 'denied' && e.tool === 'Bash'));
    assert.deepEqual(repo.commits(), []);
  });

  it('turns an API error into an error result', async () => {
    fake.setScript([{ error: { status: 400, message: 'scripted bad request' } }]);
    const run = backend('api-error').start(request());
    const result = await run.finished;
    assert.equal(result.status, 'error');
    assert.match(result.errorMessage ?? '', /400|scripted bad request/);
  });

  it('cancels with SIGINT, kills the whole tree, leaves no process behind', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([
      { tool: { name: 'Bash', input: { command: longCommand(marker), description: 'wait' } } },
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
    assert.ok(!fs.existsSync(`/proc/${run.pid}/stat`) || /\) Z/.test(fs.readFileSync(`/proc/${run.pid}/stat`, 'utf8')));
  });

  it('synthesizes a crashed result when the agent process dies without one', async () => {
    fake.setScript([{ hang: true }]);
    const run = backend('crash').start(request());
    await firstEvent(run, (e) => e.t === 'session');
    await waitFor(() => fake.modelRequests().length > 0, 10_000);
    process.kill(run.pid!, 'SIGKILL');
    const result = await run.finished;
    assert.equal(result.status, 'crashed');
    assert.equal(result.signal, 'SIGKILL');
    assert.match(result.errorMessage ?? '', /killed by SIGKILL/);
  });

  it('stops a hanging agent at the idle timeout', async () => {
    fake.setScript([{ hang: true }]);
    const started = Date.now();
    const run = backend('hang').start(request({ limits: { idleMs: 3000 } }));
    const result = await run.finished;
    assert.equal(result.status, 'timeout');
    assert.match(result.errorMessage ?? '', /idle/);
    assert.ok(Date.now() - started < 15_000);
  });

  it('passes only allow-listed environment and never writes the key where it does not belong', async () => {
    fake.setScript([
      { tool: { name: 'Bash', input: { command: 'env > env.txt', description: 'env' } } },
      { text: 'ok' },
    ]);
    const run = backend('env').start(request({ permissions: { mode: 'full' } }));
    const result = await run.finished;
    assert.equal(result.status, 'success', result.errorMessage);
    const env = repo.read('env.txt');
    assert.doesNotMatch(env, /SPECTASK_PLANTED_SECRET|must-not-leak/);
    assert.match(env, /^PATH=/m);
  });
});
