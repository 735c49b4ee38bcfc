import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentRun } from '../../../../src/core/agents/agentBackend';
import type { AgentEvent } from '../../../../src/core/agents/agentEvents';
import { messageLiveRun } from '../../../../src/core/agents/agentMessages';
import { AcpBackend } from '../../../../src/core/agents/acp/acpBackend';

/** The scripted agent, built next to this test by `node esbuild.mjs --tests`. */
const AGENT = path.join(__dirname, 'followUpAcpAgent.js');

describe('messages to a running ACP agent (a scripted ACP agent as a child process)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acp-msg-')));
    fs.mkdirSync(path.join(dir, 'wt'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = (): AgentRun =>
    new AcpBackend(
      {
        name: 'follow-up',
        label: 'Follow-up',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCRIPT_LOG: path.join(dir, 'agent.log'), ACP_GO_FILE: path.join(dir, 'go') },
      },
      { graceMs: 1000 },
    ).start({ taskId: '000001', worktree: path.join(dir, 'wt'), prompt: 'Do T1.', permissions: { mode: 'edit' } });
  const prompts = () =>
    fs
      .readFileSync(path.join(dir, 'agent.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { prompt: { sessionId: string; prompt: { text: string }[] } }).prompt);
  const firstText = (run: AgentRun) =>
    new Promise<void>((resolve) => {
      const sub = run.onEvent((e) => {
        if (e.t === 'text') {
          sub.dispose();
          resolve();
        }
      });
    });

  it('sends a message taken during a turn as the next session/prompt on the same session, before the result', async () => {
    const run = start();
    const events: AgentEvent[] = [];
    run.onEvent((e) => events.push(e));
    await firstText(run);
    assert.deepEqual(messageLiveRun(run, '  Also write a README.  '), { accepted: true });
    fs.writeFileSync(path.join(dir, 'go'), '');
    const result = await run.finished;

    const [first, second, ...more] = prompts();
    assert.equal(more.length, 0);
    assert.equal(first?.prompt[0]?.text, 'Do T1.');
    assert.equal(second?.prompt[0]?.text, 'Also write a README.');
    assert.equal(second?.sessionId, first?.sessionId);
    // One run, one verdict: the last turn's, with both turns' tokens.
    assert.equal(result.status, 'success');
    assert.equal(result.text, 'got: Also write a README.');
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.deepEqual(
      events.filter((e) => e.t === 'user_message' || e.t === 'text').map((e) => (e.t === 'text' ? e.text : 'You')),
      ['first', 'You', 'got: Also write a README.'],
    );
    assert.equal(result.usage?.inputTokens, 20);
    // The run is over: a message now is refused, saying why.
    const late = messageLiveRun(run, 'too late');
    assert.equal(late.accepted, false);
  });

  it('refuses a message that is too large or not text, without ending the turn', async () => {
    const run = start();
    await firstText(run);
    const big = messageLiveRun(run, 'x'.repeat(8 * 1024 + 1));
    assert.deepEqual(big.accepted ? '' : big.reason, 'the message is too long (8193 bytes; at most 8192)');
    const notText = messageLiveRun(run, { text: 'hi' });
    assert.deepEqual(notText.accepted ? '' : notText.reason, 'a message must be text');
    fs.writeFileSync(path.join(dir, 'go'), '');
    assert.equal((await run.finished).status, 'success');
    assert.equal(prompts().length, 1);
  });
});
