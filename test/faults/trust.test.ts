import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CustomCommandBackend } from '../../src/core/agents/customCommandBackend';
import { cleanupTemp, tempDir } from '../support/tempRepo';
import { recordFault } from './counters';

// Issue 10, "Trust boundaries": a custom agent that prints its whole environment and its argv, started the
// way the orchestrator starts agents. Planted secrets must not reach it; a hostile prompt is one argument,
// never shell syntax. (The own tool loop's `..`/symlink escapes are covered by test/unit/agents/workspaceTools.test.ts.)
const AREA = 'trust boundary (agent env, argv)';
const PRINT = "process.stdout.write(JSON.stringify({ env: process.env, argv: process.argv.slice(1) }) + '\\n')";

describe('faults: trust boundaries of agent processes', function () {
  this.timeout(30_000);
  after(() => cleanupTemp());

  it('a planted secret in the host environment never reaches the agent; a hostile prompt is passed verbatim and runs nothing', async () => {
    const planted: Record<string, string> = {
      SPECTASK_PLANTED_SECRET: 'planted-7f3a9c-do-not-leak',
      AWS_SECRET_ACCESS_KEY: 'planted-aws-7f3a9c',
      GITHUB_TOKEN: 'ghp_planted7f3a9c',
      ANTHROPIC_API_KEY: 'sk-ant-planted-7f3a9c',
      OPENAI_API_KEY: 'sk-planted-7f3a9c',
      NPM_TOKEN: 'npm_planted7f3a9c',
    };
    const dir = tempDir('spectask-trust-');
    const canary = path.join(dir, 'pwned');
    const prompt = `$(touch ${canary}); \`touch ${canary}\` && touch ${canary} | sh -c 'touch ${canary}' "quoted" {cwd} \u202Ertl`;
    const lines: string[] = [];
    const backend = new CustomCommandBackend(
      'env printer',
      { command: process.execPath, args: ['-e', PRINT, '{prompt}'] },
      { sourceEnv: { ...process.env, ...planted }, onStdoutLine: (l) => lines.push(l) },
    );
    const run = backend.start({ taskId: '000001', worktree: dir, prompt, permissions: { mode: 'edit' } });
    const result = await run.finished;
    const v: string[] = [];
    if (result.status !== 'success') v.push(`the printer run ended ${result.status}: ${result.errorMessage}`);
    const printed = lines
      .map((l) => {
        try {
          return JSON.parse(l) as { env: Record<string, string>; argv: string[] };
        } catch {
          return undefined;
        }
      })
      .find(Boolean);
    if (!printed) v.push('the agent printed no environment');
    else {
      if (!printed.env.PATH) v.push('PATH did not reach the agent (the check would prove nothing)');
      for (const [k, val] of Object.entries(planted)) {
        if (printed.env[k] !== undefined) v.push(`${k} reached the agent`);
        if (Object.values(printed.env).some((x) => x.includes(val)))
          v.push(`the value of ${k} reached the agent under another name`);
      }
      // One argument, byte for byte; `{cwd}` inside the prompt text is not re-expanded (placeholders live in the template).
      if (printed.argv.length !== 1 || printed.argv[0] !== prompt)
        v.push(`the prompt was not one verbatim argument: ${JSON.stringify(printed.argv)}`);
    }
    if (fs.existsSync(canary)) v.push('shell syntax in the prompt was executed');
    recordFault(AREA, 'planted secrets + hostile prompt', v);
    assert.deepEqual(v, []);
  });
});
