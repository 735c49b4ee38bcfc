import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import type { BaseParseState, CliAdapter } from '../../../src/core/agents/cliAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { baseRequest } from './fixtureReplay';

// Issue 17's conformance matrix: `spectask run` SIGKILLed while a fresh claude or gemini session waited for its
// first answer left the session id in the run ledger, but the CLI had not saved the session yet; the restart
// resumed it ("No previous sessions found for this project", claude's error_during_execution) and so did every
// retry, until the task failed. A new session's id is announced only once the CLI answered in it.
const sessionIds = (events: AgentEvent[]) => events.flatMap((e) => (e.t === 'session' ? [e.sessionId ?? null] : []));

function feed<S extends BaseParseState>(a: CliAdapter<S>, s: S, lines: object[]): (string | null)[][] {
  return lines.map((l) => sessionIds(a.parseLine(JSON.stringify(l), s)));
}

const CASES = [
  {
    name: 'claude',
    adapter: new ClaudeAdapter() as CliAdapter<BaseParseState>,
    init: { type: 'system', subtype: 'init', session_id: 's-1', model: 'm' },
    answer: { type: 'assistant', message: { id: 'a1', content: [{ type: 'text', text: 'Reading.' }] } },
  },
  {
    name: 'gemini (a tool call first)',
    adapter: new GeminiAdapter() as CliAdapter<BaseParseState>,
    init: { type: 'init', session_id: 's-1', model: 'm' },
    answer: { type: 'tool_use', tool_name: 'read_file', tool_id: 't1', parameters: { file_path: 'a.txt' } },
  },
  {
    name: 'gemini (text first)',
    adapter: new GeminiAdapter() as CliAdapter<BaseParseState>,
    init: { type: 'init', session_id: 's-1', model: 'm' },
    answer: { type: 'message', role: 'assistant', content: 'Reading.', delta: true },
  },
];

describe('a fresh session’s id is announced only once the CLI answered in it (resumable after a SIGKILL)', () => {
  for (const c of CASES) {
    it(`${c.name}: the start names no session, the first answer announces it once`, () => {
      const s = c.adapter.createState('r1', baseRequest({ sessionId: 's-1' }));
      assert.deepEqual(feed(c.adapter, s, [c.init, c.answer, c.answer]), [[null], ['s-1'], []]);
    });
    it(`${c.name}: a resumed session exists already and is named at the start`, () => {
      const s = c.adapter.createState('r1', baseRequest({ resumeSessionId: 's-1' }));
      assert.deepEqual(feed(c.adapter, s, [c.init, c.answer]), [['s-1'], []]);
    });
  }
});
