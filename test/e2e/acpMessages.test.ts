import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { messageLiveRun } from '../../src/core/agents/agentMessages';
import { BUILTIN_ACP_AGENTS } from '../../src/core/agents/acp/acpAgents';
import { AcpBackend } from '../../src/core/agents/acp/acpBackend';
import type { FakeServer } from './fakes/fakeServer';
import { startGeminiFake } from './fakes/geminiFake';
import { agentCli, recorder } from './support/agentClis';
import { collect, shape } from './support/events';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

// Issue 20: a message to a running agent reaches the model in the agent's next turn, on the same session.
describe('messages to a running agent (real `gemini --acp` against a fake Gemini API)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;

  before(() => {
    bin = agentCli('gemini');
  });
  beforeEach(async () => {
    repo = makeTempRepo('acp-message');
    fake = await startGeminiFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('sends a message taken during the first turn as the next prompt; the model receives it', async () => {
    const gemini = BUILTIN_ACP_AGENTS.find((a) => a.name === 'gemini')!;
    const backend = new AcpBackend(
      { ...gemini, command: bin },
      { graceMs: 3000, onStdoutLine: recorder('acp-gemini-message') },
    );
    fake.setScript([{ text: 'Working on it.' }, { text: 'Noted: tabs it is.' }]);
    const run = backend.start({
      taskId: '000001',
      worktree: repo.worktree,
      prompt: 'Do task T1 in tasks.md.',
      model: 'gemini-2.5-pro',
      endpoint: { baseUrl: fake.url, apiKey: `AIza-e2e-${randomUUID()}` },
      permissions: { mode: 'edit' },
      stateDir: path.join(repo.scratch, 'gemini-home'),
      limits: { wallClockMs: 60_000 },
    });
    const message = `Use tabs, not spaces (${randomUUID()}).`;
    let outcome: ReturnType<typeof messageLiveRun> | undefined;
    const sub = run.onEvent((e) => {
      if (e.t === 'text' && !outcome) outcome = messageLiveRun(run, message);
    });
    const events = await collect(run);
    sub.dispose();
    const result = await run.finished;
    assert.deepEqual(outcome, { accepted: true });
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    const turns = fake.modelRequests();
    assert.equal(turns.length, 2, JSON.stringify(turns));
    assert.match(turns[0]!.last ?? '', /Do task T1/);
    assert.ok((turns[1]!.last ?? '').includes(message), `the model got: ${turns[1]!.last}`);
    assert.equal(turns[1]!.turn, 1, 'the same conversation: the first answer is in its history');
    assert.equal(result.text, 'Noted: tabs it is.');
    assert.ok(events.some((e) => e.t === 'user_message' && e.text === message));
  });
});
