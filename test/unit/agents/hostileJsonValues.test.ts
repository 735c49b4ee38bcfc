import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaseParseState, CliAdapter } from '../../../src/core/agents/cliAdapter';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../../src/core/agents/codexAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { shownValue } from '../../../src/core/agents/shownValue';

// The fault tier's fuzzer found it: a recorded Gemini line whose `type` was an object with a non-function
// `toString` made the parser throw ("Cannot convert object to primitive value"). Every field of every recorded
// line of each CLI is replaced here by such objects; parsing and the stream's end must never throw.

const FIXTURES = path.resolve('test/fixtures/agents');
const HOSTILE: unknown[] = [{ toString: 1 }, { toString: {}, valueOf: {} }, [{ toString: 1 }]];

const adapters: [string, () => CliAdapter<BaseParseState>, string][] = [
  ['claude', () => new ClaudeAdapter() as unknown as CliAdapter<BaseParseState>, 'claude-'],
  ['codex', () => new CodexAdapter() as unknown as CliAdapter<BaseParseState>, 'codex-'],
  ['gemini', () => new GeminiAdapter() as unknown as CliAdapter<BaseParseState>, 'gemini-'],
];

describe('agent stream parsers: JSON values that cannot become text', () => {
  it('shownValue prints any parsed JSON value without throwing', () => {
    assert.equal(shownValue('tool_use'), 'tool_use');
    assert.equal(shownValue(429), '429');
    assert.equal(shownValue(undefined), 'undefined');
    assert.equal(shownValue({ toString: 1 }), '{"toString":1}');
    assert.equal(shownValue('x'.repeat(500)).length, 200);
  });

  for (const [name, make, prefix] of adapters)
    it(`${name}: every field of every recorded line replaced by such a value never throws`, () => {
      const lines = fs
        .readdirSync(FIXTURES)
        .filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'))
        .flatMap((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8').split('\n').filter(Boolean));
      assert.ok(lines.length > 5, `recorded ${name} lines found`);
      let tried = 0;
      for (const line of lines) {
        const o = JSON.parse(line) as Record<string, unknown>;
        for (const key of Object.keys(o))
          for (const value of HOSTILE) {
            const adapter = make();
            const state = adapter.createState('run-h', {
              taskId: '000001',
              worktree: '/tmp/wt',
              prompt: 'p',
              permissions: { mode: 'edit' },
            });
            const hostile = JSON.stringify({ ...o, [key]: value });
            assert.doesNotThrow(() => adapter.parseLine(hostile, state), `${name} parseLine: ${hostile}`);
            assert.doesNotThrow(
              () => adapter.finalize({ code: 1, signal: null, durationMs: 1, stderrTail: '' }, state),
              `${name} finalize after: ${hostile}`,
            );
            tried++;
          }
      }
      assert.ok(tried > 20);
    });
});
