import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodexAdapter, codexEndpointOverrides } from '../../../src/core/agents/codexAdapter';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { baseRequest, ctx, fixtureLines, replay } from './fixtureReplay';

describe('CodexAdapter', () => {
  const a = new CodexAdapter();
  const track = disposeAfterEach();

  // Issue 18 finding 4: edit+commands gave codex the repository's git dirs as writable roots (`--add-dir`), so an
  // agent could write `.git/hooks` or `core.fsmonitor`, which the host's next git ran. The orchestrator commits now.
  it('closes stdin, puts exec options before `resume`, and gives edit+commands no git dir to write', () => {
    const inv = a.buildInvocation(
      baseRequest({ resumeSessionId: 'th-1', model: 'm', permissions: { mode: 'edit+commands', allow: ['git'] } }),
      ctx({ gitDirs: ['/r/.git/worktrees/w', '/r/.git'] }),
    );
    assert.equal(inv.stdin, 'ignore');
    const r = inv.args.indexOf('resume');
    assert.deepEqual(inv.args.slice(r), ['resume', 'th-1', 'Do T1.']);
    assert.ok(inv.args.indexOf('-m') < r);
    assert.deepEqual(
      inv.args.filter((_, i) => inv.args[i - 1] === '--add-dir'),
      [],
    );
    assert.ok(!inv.args.some((a) => a.includes('.git')), inv.args.join(' '));
    assert.equal(inv.args[inv.args.indexOf('-s') + 1], 'workspace-write');
  });

  it('runs with the user’s own CODEX_HOME (none set: ~/.codex), even when the pool names a state folder', () => {
    // A CODEX_HOME that does not exist yet made every first run fail ("CODEX_HOME points to … does not exist").
    const inv = a.buildInvocation(baseRequest({ stateDir: '/home/u/r/.git/spectask/agents/1/codex' }), ctx());
    assert.equal(inv.env.CODEX_HOME, undefined);
    assert.deepEqual(inv.files, []);
    const moved = a.buildInvocation(baseRequest(), ctx({ sourceEnv: { HOME: '/home/u', CODEX_HOME: '/home/u/cx' } }));
    assert.equal(moved.env.CODEX_HOME, '/home/u/cx', 'a CODEX_HOME the user set is theirs to keep');
  });

  it('layers a custom endpoint over the user’s config with -c overrides (before `resume`) and names the key variable', () => {
    const inv = a.buildInvocation(
      baseRequest({
        stateDir: '/home/codex',
        resumeSessionId: 'th-1',
        endpoint: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', headers: { 'x-a': 'b"c' } },
      }),
      ctx(),
    );
    assert.equal(inv.env.CODEX_HOME, undefined);
    assert.deepEqual(inv.files, [], 'nothing is written into any codex home');
    const overrides = inv.args.filter((_, i) => inv.args[i - 1] === '-c');
    assert.ok(overrides.includes('model_provider="spectask"'));
    assert.ok(overrides.includes('model_providers.spectask.base_url="http://127.0.0.1:9/v1"'));
    assert.ok(overrides.includes('model_providers.spectask.env_key="SPECTASK_CODEX_API_KEY"'));
    assert.ok(overrides.includes('model_providers.spectask.supports_websockets=false'));
    assert.ok(overrides.includes('model_providers.spectask.http_headers={ "x-a" = "b\\"c" }'));
    assert.ok(inv.args.lastIndexOf('-c') < inv.args.indexOf('resume'));
    assert.equal(inv.env.SPECTASK_CODEX_API_KEY, 'k');
    assert.equal(inv.env.PLANTED_SECRET, undefined);
    // Every value is part of one `key=value` argument that starts with the key: never an option.
    const hostile = codexEndpointOverrides('--output=/x', 'K');
    assert.ok(hostile.filter((_, i) => hostile[i - 1] === '-c').every((kv) => /^[a-z_]+(\.[a-z_]+)*=/.test(kv)));
  });

  it('passes the variables the user’s own providers name (env_key in ~/.codex/config.toml), and nothing else', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-home-'));
    track({ dispose: () => fs.rmSync(home, { recursive: true, force: true }) });
    fs.mkdirSync(path.join(home, '.codex'));
    fs.writeFileSync(
      path.join(home, '.codex', 'config.toml'),
      'model_provider = "corp"\n[model_providers.corp]\nbase_url = "https://llm.corp/v1"\nenv_key = "CORP_LLM_KEY"\n',
    );
    const inv = a.buildInvocation(
      baseRequest(),
      ctx({ sourceEnv: { HOME: home, CORP_LLM_KEY: 'corp-key', PLANTED_SECRET: 'x', OPENAI_BASE_URL: 'https://p' } }),
    );
    assert.equal(inv.env.CORP_LLM_KEY, 'corp-key');
    assert.equal(inv.env.OPENAI_BASE_URL, 'https://p');
    assert.equal(inv.env.PLANTED_SECRET, undefined);
  });

  it('gives codex a temp dir of its own when its home is inside the temp dir (its bwrap helpers are refused there)', () => {
    const under = a.buildInvocation(baseRequest(), ctx({ sourceEnv: { HOME: '/tmp/home' } }));
    assert.equal(under.env.TMPDIR, '/tmp/home/.codex/tmp');
    assert.ok(under.files.some((f) => f.path === '/tmp/home/.codex/tmp/README'));
    const elsewhere = a.buildInvocation(baseRequest(), ctx());
    assert.equal(elsewhere.env.TMPDIR, undefined);
    assert.equal(elsewhere.files.length, 0);
  });

  it('guards a prompt that starts with a dash and maps full to the bypass flag', () => {
    const inv = a.buildInvocation(baseRequest({ prompt: '-rf', permissions: { mode: 'full' } }), ctx());
    assert.equal(inv.args.at(-1), ' -rf');
    assert.ok(inv.args.includes('--dangerously-bypass-approvals-and-sandbox'));
  });

  it('maps a recorded write → tick → commit run (codex 0.169.0)', () => {
    const { events, result } = replay(a, fixtureLines('codex-write-tick-commit'));
    assert.equal(events[0]?.t, 'session');
    assert.equal(events.filter((e) => e.t === 'tool_call' && e.kind === 'shell').length, 3);
    assert.ok(
      events.filter((e) => e.t === 'tool_result').every((e) => e.t === 'tool_result' && e.ok && e.exitCode === 0),
    );
    assert.ok(events.some((e) => e.t === 'notice' && /Model metadata/.test(e.message)));
    assert.equal(result.status, 'success');
    assert.equal(result.text, 'Done.');
    assert.ok((result.usage?.inputTokens ?? 0) > 0);
  });

  it('sums usage over the turns of a resumed thread and keeps the thread id', () => {
    const { result, events } = replay(a, fixtureLines('codex-resume'));
    const sessions = events.filter((e) => e.t === 'session');
    assert.equal(sessions.length, 2);
    assert.equal(
      sessions[0]?.t === 'session' && sessions[0].sessionId,
      sessions[1]?.t === 'session' && sessions[1].sessionId,
    );
    assert.equal(result.turns, 2);
  });

  it('turns turn.failed into an error, final for codex: a refused key is auth, a bad request fatal-api', () => {
    const { result } = replay(a, fixtureLines('codex-api-error'), { code: 1 });
    assert.equal(result.status, 'error');
    assert.match(result.errorMessage ?? '', /400|bad request/i);
    assert.equal(result.errorKind, 'fatal-api');
    const refused =
      'unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:1/v1/responses';
    const auth = replay(a, [
      JSON.stringify({ type: 'error', message: `Reconnecting... 1/1 (${refused})` }),
      JSON.stringify({ type: 'turn.failed', error: { message: refused } }),
    ]).result;
    assert.equal(auth.errorKind, 'auth');
    assert.equal(auth.errorMessage, refused);
  });

  it('names the last API error, not the idle timeout, when codex stalls while reconnecting', () => {
    const { result } = replay(
      a,
      [JSON.stringify({ type: 'error', message: 'Reconnecting... 2/5 (unexpected status 500 Internal Server Error)' })],
      {
        code: null,
        signal: 'SIGKILL',
        stoppedBy: { status: 'timeout', message: 'no output for 600000 ms (idle timeout)' },
      },
    );
    assert.equal(result.status, 'timeout');
    assert.match(result.errorMessage ?? '', /^Reconnecting\.\.\. 2\/5 \(unexpected status 500/);
    assert.equal(result.errorKind, 'fatal-api');
  });

  it('codex sends nothing final after SIGINT: cancelled when we stopped it, crashed otherwise', () => {
    assert.equal(
      replay(a, fixtureLines('codex-cancel'), { code: 1, stoppedBy: { status: 'cancelled', message: 'x' } }).result
        .status,
      'cancelled',
    );
    assert.equal(replay(a, fixtureLines('codex-cancel'), { code: 1 }).result.status, 'crashed');
  });
});
