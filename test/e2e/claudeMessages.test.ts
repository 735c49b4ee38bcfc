import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { AgentEvent } from '../../src/core/agents/agentEvents';
import { AgentPool } from '../../src/core/agents/agentPool';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer } from './fakes/fakeServer';
import { agentCli, recorder } from './support/agentClis';
import { shape } from './support/events';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

// Issue 20: claude runs one process per turn; a message sent meanwhile becomes a resumed turn of the same
// session, inside the same run of the pool, and the model receives it.
describe('messages to a running agent (real claude against a fake Anthropic server, through the agent pool)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let pool: AgentPool | undefined;

  beforeEach(async () => {
    repo = makeTempRepo('claude-message');
    fake = await startAnthropicFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    pool?.dispose();
    await pool?.whenStopped();
    await fake.close();
    repo.cleanup();
  });

  it('delivers a message as a resumed turn before the run ends; the model receives it in the same conversation', async () => {
    const backend = createClaudeBackend({
      binary: agentCli('claude'),
      graceMs: 3000,
      onStdoutLine: recorder('claude-message'),
      sourceEnv: { ...process.env, HOME: repo.scratch },
    });
    pool = new AgentPool({ backends: [backend], maxConcurrent: 1, sweepIntervalMs: 0 });
    fake.setScript([{ text: 'Working on it.' }, { text: 'Noted: tabs it is.' }]);
    const ticket = pool.runPhase('000001', {
      backend: backend.id,
      phase: 'implementation',
      worktree: repo.worktree,
      prompt: 'Do task T1 in tasks.md.',
      model: 'fake-claude',
      endpoint: { baseUrl: fake.url, apiKey: `sk-ant-e2e-${randomUUID()}` },
      permissions: { mode: 'edit' },
      stateDir: path.join(repo.scratch, 'claude-state'),
      limits: { wallClockMs: 60_000 },
    });
    const run = (await ticket.run)!;
    const events: AgentEvent[] = [];
    const message = `Use tabs, not spaces (${randomUUID()}).`;
    let outcome: ReturnType<AgentPool['messageAgent']> | undefined;
    run.onEvent((e) => {
      events.push(e);
      if (e.t === 'session' && !outcome) outcome = pool!.messageAgent('000001', message);
    });
    const result = await ticket.finished;
    assert.deepEqual(outcome, { accepted: true });
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    const turns = fake.modelRequests();
    assert.equal(turns.length, 2, JSON.stringify(turns));
    assert.ok((turns[1]!.last ?? '').includes(message), `the model got: ${turns[1]!.last}`);
    assert.equal(turns[1]!.turn, 1, 'the resumed session: the first answer is in its history');
    assert.equal(result.text, 'Noted: tabs it is.');
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.ok(events.some((e) => e.t === 'user_message' && e.text === message));
  });
});
