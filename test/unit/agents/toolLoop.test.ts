import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenAiCompatBackend } from '../../../src/core/agents/openAiCompatBackend';
import { startToolLoopRun } from '../../../src/core/agents/toolLoopRun';
import type { ChatModel, ChatStreamPart } from '../../../src/core/agents/chatModel';
import type { FakeServer } from '../../e2e/fakes/fakeServer';
import { startOpenAiFake } from '../../e2e/fakes/openaiFake';

describe('in-house tool loop against a fake chat-completions server', () => {
  let dir: string;
  let wt: string;
  let fake: FakeServer;
  beforeEach(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loop-')));
    wt = path.join(dir, 'wt');
    fs.mkdirSync(wt);
    execFileSync('git', ['init', '-q'], { cwd: wt });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init'], {
      cwd: wt,
    });
    fs.writeFileSync(path.join(wt, 'tasks.md'), '- [ ] T1: hello\n');
    fake = await startOpenAiFake(path.join(dir, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const backend = () =>
    new OpenAiCompatBackend({ endpoint: { baseUrl: `${fake.url}/v1`, apiKey: 'k-test-123' }, model: 'local' });
  const req = (over = {}) => ({
    taskId: 't',
    worktree: wt,
    prompt: 'go',
    permissions: { mode: 'edit+commands' as const, allow: ['git status', 'git log'] },
    stateDir: path.join(dir, 'state'),
    ...over,
  });

  it('assembles streamed text and tool-call fragments, runs the tools and sends results back', async () => {
    fake.setScript([
      { text: 'Writing.', tool: { name: 'write_file', input: { path: 'hello.txt', content: 'hi\n' } } },
      { tool: { name: 'edit_file', input: { path: 'tasks.md', old_string: '[ ]', new_string: '[x]' } } },
      { tool: { name: 'run_command', input: { command: 'git status --short' } } },
      { tool: { name: 'run_command', input: { command: 'git log -1 --format=%s' } } },
      { text: 'Done.' },
    ]);
    const run = backend().start(req());
    const r = await run.finished;
    assert.equal(r.status, 'success', r.errorMessage);
    assert.equal(r.text, 'Done.');
    assert.equal(r.turns, 5);
    assert.equal(fs.readFileSync(path.join(wt, 'tasks.md'), 'utf8'), '- [x] T1: hello\n');
    // The agent reads git; the orchestrator commits (agents never run git commands that write).
    assert.equal(execFileSync('git', ['log', '-1', '--format=%s'], { cwd: wt, encoding: 'utf8' }).trim(), 'init');
    const reqs = fake.modelRequests();
    assert.deepEqual(
      reqs.map((q) => q.turn),
      [0, 1, 2, 3, 4],
    );
    assert.match(reqs[1]!.last ?? '', /Created hello.txt/);
    assert.match(reqs[3]!.last ?? '', /\?\? hello\.txt/);
    assert.match(reqs[4]!.last ?? '', /^init$/m);
    assert.equal(reqs[0]!.auth, 'bearer');
  });

  it('refuses a path escape and reports the run as denied, not success', async () => {
    fake.setScript([
      { tool: { name: 'write_file', input: { path: '../escape.txt', content: 'x' } } },
      { text: 'Done, I wrote it.' },
    ]);
    const r = await backend().start(req()).finished;
    assert.equal(r.status, 'denied');
    assert.ok(!fs.existsSync(path.join(dir, 'escape.txt')));
  });

  it('stops at max turns and reports a missing session on resume', async () => {
    fake.setScript(Array.from({ length: 5 }, () => ({ tool: { name: 'list_dir', input: { path: '.' } } })));
    assert.equal((await backend().start(req({ limits: { maxTurns: 2 } })).finished).status, 'max_turns');
    const r = await backend().resume({ ...req(), resumeSessionId: 'nope' }).finished;
    assert.equal(r.status, 'error');
    assert.match(r.errorMessage ?? '', /no saved conversation/);
  });

  it('works with any ChatModel (the seam the VS Code LM back-end uses)', async () => {
    const model: ChatModel = {
      backend: 'vscode-lm',
      modelId: 'fake-lm',
      async *stream(messages): AsyncGenerator<ChatStreamPart> {
        if (messages.filter((m) => m.role === 'tool').length === 0)
          yield {
            type: 'tool_call',
            call: { callId: 'c1', name: 'read_file', input: { path: 'tasks.md' }, rawArguments: '' },
          };
        else
          yield {
            type: 'text',
            text: `saw: ${messages.at(-1)!.role === 'tool' ? (messages.at(-1) as { content: string }).content.trim() : ''}`,
          };
      },
    };
    const r = await startToolLoopRun('vscode-lm', model, req()).finished;
    assert.equal(r.status, 'success');
    assert.equal(r.text, 'saw: - [ ] T1: hello');
  });
});
