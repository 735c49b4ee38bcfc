import * as assert from 'node:assert/strict';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../../src/core/agents/codexAdapter';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { baseRequest, ctx } from './fixtureReplay';

// A model name comes from a workspace setting or a SpecTask's record on the shared branch (issue 18, item 6):
// as `--model <value>` a value starting with "-" is read by the agent CLI as one of its own options.
describe('model names never reach an agent argv as options', () => {
  const adapters = [
    ['claude', new ClaudeAdapter()],
    ['codex', new CodexAdapter()],
    ['gemini', new GeminiAdapter()],
  ] as const;

  for (const [name, adapter] of adapters) {
    it(`${name}: refuses a model name that is not a plain token, keeps a real one as the value it is`, () => {
      for (const hostile of ['--dangerously-skip-permissions', '-y', 'x --yolo', 'a\n-b', ''.padEnd(129, 'm')])
        assert.throws(
          () => adapter.buildInvocation(baseRequest({ model: hostile }), ctx()),
          /refusing to pass .* to an agent as a model name/,
          hostile,
        );
      for (const real of ['claude-sonnet-4-5', 'gpt-5.1-codex', 'gemini-2.5-pro', 'qwen2.5-coder:7b', 'or/a/b@q4']) {
        const args = adapter.buildInvocation(baseRequest({ model: real }), ctx()).args;
        const at = args.indexOf(real);
        assert.ok(at > 0 && ['--model', '-m'].includes(args[at - 1]!), `${real}: ${args.join(' ')}`);
      }
    });
  }
});
