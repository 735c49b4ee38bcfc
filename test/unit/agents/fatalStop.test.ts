import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClaudeBackend } from '../../../src/core/agents/claudeBackend';
import { baseRequest } from './fixtureReplay';

// Issue 17 item 8 (the runner's half): Claude Code retries a refused login ten times over minutes; the run stops
// as soon as the CLI reports it, with that cause. And a CLI that rejects its command line prints the one-line
// error first, then pages of help: the runner keeps stderr's head, so the reason names the error.
describe('the process runner on errors no retry can fix', function () {
  this.timeout(10_000);
  let dir: string;
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fatal-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const claude = (script: string) => {
    const cli = path.join(dir, 'claude');
    fs.writeFileSync(cli, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return createClaudeBackend({
      binary: cli,
      graceMs: 500,
      sourceEnv: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'k' },
    });
  };

  it('stops the run at once when the CLI reports a refused login it would retry for minutes', async () => {
    const retry = JSON.stringify({
      type: 'system',
      subtype: 'api_retry',
      error_status: 401,
      error: 'authentication_error',
      attempt: 1,
      max_retries: 10,
    });
    // Without the stop, this CLI waits far longer than the test's timeout.
    const run = claude(`echo '${retry}'\nexec sleep 15`).start(baseRequest({ worktree: dir }));
    const result = await run.finished;
    assert.equal(result.status, 'error');
    assert.equal(result.errorKind, 'auth');
    assert.match(result.errorMessage ?? '', /API error 401.*refused/);
  });

  it('a rejected command line is reported by its error line, not by the end of its help', async () => {
    const help = Array.from({ length: 40 }, (_, i) => `  --option-${i} <value>   does thing ${i}`).join('\\n');
    const run = claude(
      `printf "error: unknown option '--bogus'\\nUsage: claude [options]\\n\\nOptions:\\n${help}\\n" >&2\nexit 1`,
    ).start(baseRequest({ worktree: dir }));
    const result = await run.finished;
    assert.equal(result.status, 'crashed');
    assert.match(result.errorMessage ?? '', /rejected its command line: error: unknown option '--bogus'/);
  });
});
