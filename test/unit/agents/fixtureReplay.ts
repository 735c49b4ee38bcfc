import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartRequest } from '../../../src/core/agents/agentBackend';
import type { AgentEvent, ResultEvent } from '../../../src/core/agents/agentEvents';
import type { BaseParseState, CliAdapter, ExitInfo } from '../../../src/core/agents/cliAdapter';

/** Lines of a stream recorded from a real CLI by the e2e tier (SPECTASK_RECORD_FIXTURES). */
export function fixtureLines(name: string): string[] {
  return fs
    .readFileSync(path.join(__dirname, '../../../../test/fixtures/agents', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.length);
}

export const baseRequest = (over: Partial<StartRequest> = {}): StartRequest => ({
  taskId: '000001',
  worktree: '/tmp/wt',
  prompt: 'Do T1.',
  permissions: { mode: 'edit' },
  ...over,
});

/** Feeds lines through an adapter's pure pieces, as the runner would. */
export function replay<S extends BaseParseState>(
  adapter: CliAdapter<S>,
  lines: readonly string[],
  exit: Partial<ExitInfo> = {},
  req = baseRequest(),
): { events: AgentEvent[]; result: ResultEvent } {
  const state = adapter.createState('run-1', req);
  const events = lines.flatMap((l) => adapter.parseLine(l, state));
  const result = adapter.finalize({ code: 0, signal: null, durationMs: 5, stderrTail: '', ...exit }, state);
  return { events, result };
}

export const ctx = (over: Record<string, unknown> = {}) => ({
  runId: 'run-1',
  sourceEnv: {
    PATH: '/usr/bin',
    HOME: '/home/u',
    PLANTED_SECRET: 'leak-me',
    ANTHROPIC_API_KEY: 'host-key',
    OPENAI_API_KEY: 'host-openai',
  },
  isRoot: false,
  ...over,
});
