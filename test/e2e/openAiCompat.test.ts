import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartRequest } from '../../src/core/agents/agentBackend';
import { OpenAiCompatBackend } from '../../src/core/agents/openAiCompatBackend';
import { TranscriptStore } from '../../src/core/agents/transcriptStore';
import type { FakeServer } from './fakes/fakeServer';
import { startOpenAiFake } from './fakes/openaiFake';
import { collect, firstEvent, shape } from './support/events';
import { longCommand, processesWithMarker, waitFor } from './support/processes';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

describe('OpenAI-compatible back-end (own tool loop against a fake Chat Completions server)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  const key = `sk-e2e-${randomUUID()}`;

  beforeEach(async () => {
    repo = makeTempRepo('oai');
    fake = await startOpenAiFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  const backend = () =>
    new OpenAiCompatBackend({
      endpoint: { baseUrl: `${fake.url}/v1`, apiKey: key },
      model: 'fake-local',
      sourceEnv: { ...process.env, SPECTASK_PLANTED_SECRET: 'must-not-leak' },
    });
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    appendSystemPrompt: 'Do not run git commands that write (the orchestrator commits).',
    permissions: { mode: 'edit+commands', allow: ['git status', 'git log', 'git add', 'git commit', 'env'] },
    stateDir: path.join(repo.scratch, 'loop-state'),
    ...over,
  });
  const call = (name: string, input: Record<string, unknown>) => ({ tool: { name, input } });
  // Agents write and tick; the orchestrator commits (issue 18). The agent's commands read git.
  const writeTick = [
    call('write_file', { path: 'hello.txt', content: 'hello\n' }),
    call('edit_file', { path: 'tasks.md', old_string: '- [ ] T1', new_string: '- [x] T1' }),
    call('run_command', { command: 'git status --short' }),
    call('run_command', { command: 'git log -1 --format=%s' }),
    { text: 'Done.' },
  ];

  it('writes, ticks and reads git; transcripts keep the events without the key', async () => {
    fake.setScript(writeTick);
    const transcripts = new TranscriptStore(path.join(repo.root, '.git', 'spectask', 'transcripts'), () => [key]);
    const run = backend().start(request({ endpoint: { apiKey: key } }));
    const recorded = transcripts.record('000001', run);
    const events = await collect(run);
    const result = await run.finished;
    await recorded;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.deepEqual(repo.commits(), [], 'the agent commits nothing: the orchestrator does');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.equal(result.usage?.inputTokens, 300 + 301 + 302 + 303 + 304);
    const reqs = fake.modelRequests();
    assert.deepEqual(
      reqs.map((r) => r.turn),
      [0, 1, 2, 3, 4],
    );
    assert.ok(reqs.every((r) => r.auth === 'bearer' && r.tools?.includes('run_command')));
    assert.match(reqs[3]!.last ?? '', /\?\? hello\.txt/);
    assert.deepEqual(
      transcripts.read('000001', run.runId).map((e) => e.t),
      events.map((e) => e.t),
    );
    assert.ok(!fs.readFileSync(transcripts.fileFor('000001', run.runId), 'utf8').includes(key));
  });

  it('refuses paths outside the worktree and reports the run as denied', async () => {
    fs.symlinkSync(repo.scratch, path.join(repo.worktree, 'escape'));
    fake.setScript([
      call('write_file', { path: '../outside.txt', content: 'x' }),
      call('write_file', { path: 'escape/evil.txt', content: 'x' }),
      call('run_command', { command: 'rm -rf tasks.md' }),
      { text: 'Done.' },
    ]);
    const result = await backend().start(request()).finished;
    assert.equal(result.status, 'denied');
    assert.deepEqual(result.deniedTools, ['write_file', 'run_command']);
    assert.ok(!fs.existsSync(path.join(path.dirname(repo.worktree), 'outside.txt')));
    assert.ok(!fs.existsSync(path.join(repo.scratch, 'evil.txt')));
    assert.ok(fs.existsSync(path.join(repo.worktree, 'tasks.md')));
    assert.match(fake.modelRequests()[1]!.last ?? '', /Permission denied.*outside the workspace/);
  });

  it('resumes by replaying the saved conversation', async () => {
    fake.setScript([writeTick[0]!, { text: 'Part one.' }]);
    const be = backend();
    const r1 = await be.start(request()).finished;
    assert.equal(r1.status, 'success');
    fake.setScript(writeTick);
    const r2 = await be.resume({ ...request({ prompt: 'Continue.' }), resumeSessionId: r1.sessionId! }).finished;
    assert.equal(r2.status, 'success', r2.errorMessage);
    assert.equal(r2.sessionId, r1.sessionId);
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
  });

  // Issue 18 finding 4: `git log --output=../../.git/config` passed the `git log` prefix of the allow-list, and a
  // `git commit` the list allowed ran the repository's hooks. The loop now runs only git commands that read.
  it('refuses every git command that writes, even one the allow-list names, and the git dir stays as it was', async () => {
    const gitDir = repo.git('rev-parse', '--git-common-dir');
    const config = path.resolve(repo.worktree, gitDir, 'config');
    const before = fs.readFileSync(config, 'utf8');
    fake.setScript([
      call('write_file', { path: 'hello.txt', content: 'hello\n' }),
      call('run_command', { command: `git log --output=${config}` }),
      call('run_command', { command: 'git add -A' }),
      call('run_command', { command: 'git commit -m "add hello"' }),
      { text: 'Done.' },
    ]);
    const result = await backend().start(request()).finished;
    assert.equal(result.status, 'denied');
    assert.deepEqual(result.deniedTools, ['run_command']);
    assert.equal(fs.readFileSync(config, 'utf8'), before);
    assert.deepEqual(repo.commits(), []);
    assert.match(fake.modelRequests()[2]!.last ?? '', /Permission denied: '--output=.*' is not allowed/);
    assert.match(fake.modelRequests()[4]!.last ?? '', /the orchestrator commits/);
  });

  it('cancels a running command and leaves no process behind', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([call('run_command', { command: longCommand(marker) }), { text: 'never' }]);
    const run = backend().start(request({ permissions: { mode: 'full' } }));
    await firstEvent(run, (e) => e.t === 'tool_call');
    assert.ok(await waitFor(() => processesWithMarker(marker).length > 0, 10_000));
    await run.cancel();
    assert.equal((await run.finished).status, 'cancelled');
    assert.ok(await waitFor(() => processesWithMarker(marker).length === 0, 3000));
  });

  it('turns an HTTP error into an error result and a hang into an idle timeout', async () => {
    fake.setScript([{ error: { status: 401, message: 'bad key' } }]);
    const r1 = await backend().start(request()).finished;
    assert.equal(r1.status, 'error');
    assert.match(r1.errorMessage ?? '', /HTTP 401.*bad key/);
    fake.setScript([{ hang: true }]);
    const r2 = await backend().start(request({ limits: { idleMs: 1000 } })).finished;
    assert.equal(r2.status, 'timeout');
  });

  it('runs commands with the allow-listed environment only', async () => {
    fake.setScript([call('run_command', { command: 'env' }), { text: 'ok' }]);
    await backend().start(request()).finished;
    const seen = fake.modelRequests()[1]!.last ?? '';
    assert.match(seen, /PATH=/);
    assert.doesNotMatch(seen, /SPECTASK_PLANTED_SECRET/);
  });
});
