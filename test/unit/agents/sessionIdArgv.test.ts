import * as assert from 'node:assert/strict';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../../src/core/agents/codexAdapter';
import { CustomCommandAdapter } from '../../../src/core/agents/customCommandAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { AgentPool } from '../../../src/core/agents/agentPool';
import { isSafeSessionId } from '../../../src/core/agents/sessionId';
import { baseRequest, ctx } from './fixtureReplay';

// A value a teammate could commit as a "session id" (issue 18, item 6): as `--resume <value>` it made an `edit`
// Gemini agent a shell.
const HOSTILE = '--allowed-tools=run_shell_command';

describe('session ids never reach an agent argv as options', () => {
  it('accepts the ids back-ends issue and nothing that could be read as an option', () => {
    for (const ok of ['3f2b7c1e-9a4d-4c1b-8e2f-0a1b2c3d4e5f', 'th-1', 'ses_1', 'replay-session-1', 'a.b:c'])
      assert.ok(isSafeSessionId(ok), ok);
    for (const bad of [HOSTILE, '-r', '', ' x', 'a b', 'a/b', '../x', 'x\n--yolo', 'x'.repeat(129), 3, undefined])
      assert.ok(!isSafeSessionId(bad), String(bad));
  });

  const adapters = [
    ['claude', new ClaudeAdapter()],
    ['codex', new CodexAdapter()],
    ['gemini', new GeminiAdapter()],
    ['custom', new CustomCommandAdapter({ command: 'agent', args: ['{sessionId}', '{prompt}'] })],
  ] as const;

  for (const [name, adapter] of adapters) {
    it(`${name}: refuses a hostile id to resume, keeps a real one as the value it is`, () => {
      assert.throws(
        () => adapter.buildInvocation(baseRequest({ resumeSessionId: HOSTILE }), ctx()),
        /refusing to pass "--allowed-tools=run_shell_command" to an agent as a session id/,
      );
      // A pre-assigned id (claude, gemini) is checked too; codex ignores it.
      let preassigned: readonly string[] = [];
      try {
        preassigned = adapter.buildInvocation(baseRequest({ sessionId: HOSTILE }), ctx()).args;
      } catch (e) {
        assert.match((e as Error).message, /refusing/);
      }
      assert.ok(!preassigned.includes(HOSTILE));
      const inv = adapter.buildInvocation(baseRequest({ resumeSessionId: 'ses-42' }), ctx());
      assert.ok(inv.args.includes('ses-42'), inv.args.join(' '));
    });
  }

  describe('the pool', () => {
    let pool: AgentPool;
    beforeEach(() => (pool = new AgentPool({ backends: [], maxConcurrent: 1, sweepIntervalMs: 0 })));
    afterEach(() => pool.dispose());

    it('adopts no session that is not a session id', () => {
      assert.equal(pool.adoptSession('000001', 'gemini', HOSTILE), false);
      assert.equal(pool.agent('000001')?.sessionId, undefined);
      assert.equal(pool.adoptSession('000001', 'gemini', 'ses-42'), true);
      assert.equal(pool.agent('000001')?.sessionId, 'ses-42');
    });
  });
});
