import * as assert from 'node:assert/strict';
import { CodexAdapter, codexConfigToml } from '../../../src/core/agents/codexAdapter';
import { baseRequest, ctx, fixtureLines, replay } from './fixtureReplay';

describe('CodexAdapter', () => {
  const a = new CodexAdapter();

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

  it('writes config.toml for a custom endpoint into CODEX_HOME and passes the key by the named variable', () => {
    const inv = a.buildInvocation(
      baseRequest({ stateDir: '/home/codex', endpoint: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' } }),
      ctx(),
    );
    assert.equal(inv.env.CODEX_HOME, '/home/codex');
    assert.equal(inv.files[0]?.path, '/home/codex/config.toml');
    assert.match(inv.files[0]!.content, /base_url = "http:\/\/127\.0\.0\.1:9\/v1"/);
    assert.match(inv.files[0]!.content, /supports_websockets = false/);
    assert.equal(inv.env.SPECTASK_CODEX_API_KEY, 'k');
    assert.equal(inv.env.PLANTED_SECRET, undefined);
    assert.match(codexConfigToml('u', 'K', { 'x-a': 'b"c' }), /http_headers = \{ "x-a" = "b\\"c" \}/);
  });

  it('gives codex a temp dir of its own when CODEX_HOME is inside the temp dir (its bwrap helpers are refused there)', () => {
    const under = a.buildInvocation(baseRequest({ stateDir: '/tmp/repo/.git/spectask/agents/1/codex' }), ctx());
    assert.equal(under.env.TMPDIR, '/tmp/repo/.git/spectask/agents/1/codex/tmp');
    assert.ok(under.files.some((f) => f.path === '/tmp/repo/.git/spectask/agents/1/codex/tmp/README'));
    const elsewhere = a.buildInvocation(baseRequest({ stateDir: '/home/u/r/.git/spectask/agents/1/codex' }), ctx());
    assert.notEqual(elsewhere.env.TMPDIR, '/home/u/r/.git/spectask/agents/1/codex/tmp');
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

  it('turns turn.failed into an error', () => {
    const { result } = replay(a, fixtureLines('codex-api-error'), { code: 1 });
    assert.equal(result.status, 'error');
    assert.match(result.errorMessage ?? '', /400|bad request/i);
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
