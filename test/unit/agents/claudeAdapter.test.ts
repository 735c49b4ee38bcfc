import * as assert from 'node:assert/strict';
import { ClaudeAdapter } from '../../../src/core/agents/claudeAdapter';
import { baseRequest, ctx, fixtureLines, replay } from './fixtureReplay';

describe('ClaudeAdapter', () => {
  const a = new ClaudeAdapter({ binary: '/opt/claude' });

  describe('buildInvocation', () => {
    it('passes the prompt on stdin and maps edit+commands to acceptEdits plus Bash rules (acceptEdits alone does not cover Bash)', () => {
      const inv = a.buildInvocation(
        baseRequest({ prompt: '--not-a-flag', permissions: { mode: 'edit+commands', allow: ['git commit'] } }),
        ctx(),
      );
      assert.equal(inv.command, '/opt/claude');
      assert.deepEqual(inv.stdin, { text: '--not-a-flag' });
      assert.ok(!inv.args.includes('--not-a-flag'));
      assert.deepEqual(inv.args.slice(0, 4), ['-p', '--output-format', 'stream-json', '--verbose']);
      const i = inv.args.indexOf('--allowedTools');
      assert.deepEqual(inv.args.slice(i + 1, i + 3), ['Bash(git commit)', 'Bash(git commit *)']);
      assert.equal(inv.args[inv.args.indexOf('--permission-mode') + 1], 'acceptEdits');
    });

    it('sets IS_SANDBOX only for bypass mode as root', () => {
      assert.equal(
        a.buildInvocation(baseRequest({ permissions: { mode: 'full' } }), ctx({ isRoot: true })).env.IS_SANDBOX,
        '1',
      );
      assert.equal(a.buildInvocation(baseRequest({ permissions: { mode: 'full' } }), ctx()).env.IS_SANDBOX, undefined);
      assert.equal(
        a.buildInvocation(baseRequest({ permissions: { mode: 'edit' } }), ctx({ isRoot: true })).env.IS_SANDBOX,
        undefined,
      );
    });

    it('loads only the user’s settings and no MCP servers (a repository’s .claude/settings.json never runs)', () => {
      const inv = a.buildInvocation(baseRequest(), ctx());
      const i = inv.args.indexOf('--setting-sources');
      assert.deepEqual(inv.args.slice(i, i + 2), ['--setting-sources', 'user']);
      assert.ok(inv.args.includes('--strict-mcp-config'));
      assert.ok(!inv.args.includes('--mcp-config'));
    });

    it('uses the user’s own login and config folder, never a per-task one (per-task state is the session id)', () => {
      const inv = a.buildInvocation(baseRequest({ stateDir: '/state', sessionId: 's-2' }), ctx());
      assert.equal(inv.env.CLAUDE_CONFIG_DIR, undefined, 'no relocation: ~/.claude/.credentials.json stays visible');
      assert.equal(inv.env.HOME, '/home/u');
      const moved = a.buildInvocation(
        baseRequest(),
        ctx({ sourceEnv: { HOME: '/home/u', CLAUDE_CONFIG_DIR: '/cfg' } }),
      );
      assert.equal(moved.env.CLAUDE_CONFIG_DIR, '/cfg', 'a CLAUDE_CONFIG_DIR the user set is theirs to keep');
    });

    it('resumes with --resume, pre-assigns with --session-id, and replaces the host key', () => {
      const inv = a.buildInvocation(
        baseRequest({
          resumeSessionId: 's-1',
          sessionId: 'ignored',
          stateDir: '/state',
          endpoint: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k-run' },
        }),
        ctx(),
      );
      assert.deepEqual(inv.args.slice(inv.args.indexOf('--resume'), inv.args.indexOf('--resume') + 2), [
        '--resume',
        's-1',
      ]);
      assert.ok(!inv.args.includes('--session-id'));
      assert.equal(inv.env.ANTHROPIC_API_KEY, 'k-run');
      assert.equal(inv.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:1');
      assert.equal(inv.env.PLANTED_SECRET, undefined, 'nothing outside the allow-list');
      assert.equal(inv.env.OPENAI_API_KEY, undefined, 'another provider’s key never reaches claude');
    });
  });

  describe('parsing recorded streams', () => {
    it('maps a write → edit → commit run (claude 2.1.330)', () => {
      const { events, result } = replay(a, fixtureLines('claude-write-tick-commit'));
      assert.equal(events[0]?.t, 'session');
      assert.deepEqual(
        events.filter((e) => e.t === 'tool_call').map((e) => e.t === 'tool_call' && [e.name, e.kind]),
        [
          ['Write', 'edit'],
          ['Edit', 'edit'],
          ['Bash', 'shell'],
        ],
      );
      assert.deepEqual(
        events.filter((e) => e.t === 'file_change').map((e) => e.t === 'file_change' && e.change),
        ['add', 'update'],
      );
      assert.ok(events.filter((e) => e.t === 'tool_result').every((e) => e.t === 'tool_result' && e.ok));
      assert.equal(result.status, 'success');
      assert.equal(result.text, 'All done. Committed.');
      assert.ok((result.usage?.costUsd ?? 0) > 0);
      assert.equal(result.turns, 4);
    });

    it('reports the Bash denial under acceptEdits as denied, although claude says success', () => {
      const lines = fixtureLines('claude-denied');
      assert.match(lines.at(-1)!, /"subtype":"success"/);
      const { events, result } = replay(a, lines);
      assert.equal(result.status, 'denied');
      assert.deepEqual(result.deniedTools, ['Bash']);
      assert.ok(events.some((e) => e.t === 'permission' && e.decision === 'denied'));
      assert.ok(events.some((e) => e.t === 'tool_result' && !e.ok));
    });

    it('branches on is_error: an API failure with subtype success is an error', () => {
      const { result } = replay(a, fixtureLines('claude-api-error'), { code: 1 });
      assert.equal(result.status, 'error');
      assert.match(result.errorMessage ?? '', /400/);
    });

    it('classifies a final API error: 400 is fatal-api, a rate limit is worth a retry', () => {
      assert.equal(replay(a, fixtureLines('claude-api-error'), { code: 1 }).result.errorKind, 'fatal-api');
      const limited = JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        api_error_status: 429,
        result: 'rate limited',
      });
      assert.equal(replay(a, [limited], { code: 1 }).result.errorKind, undefined);
      const notLoggedIn = JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        result: 'Not logged in · Please run /login',
      });
      assert.equal(replay(a, [notLoggedIn], { code: 1 }).result.errorKind, 'auth');
    });

    it('marks a refused login as fatal at its first retry, and names it rather than the idle timeout', () => {
      const retry = (status: number, error: string, attempt: number) =>
        JSON.stringify({
          type: 'system',
          subtype: 'api_retry',
          attempt,
          max_retries: 10,
          retry_delay_ms: 500,
          error_status: status,
          error,
        });
      const state = a.createState('run-1', baseRequest());
      a.parseLine(retry(500, 'server_error', 1), state);
      const fatalKind = () => state.fatal?.kind;
      assert.equal(fatalKind(), undefined, 'a server error is claude’s to retry');
      a.parseLine(retry(401, 'authentication_failed', 2), state);
      assert.equal(fatalKind(), 'auth');
      const stalled = a.finalize(
        {
          code: null,
          signal: 'SIGKILL',
          durationMs: 1,
          stderrTail: '',
          stoppedBy: { status: 'timeout', message: 'idle timeout' },
        },
        state,
      );
      assert.equal(stalled.status, 'error');
      assert.equal(stalled.errorKind, 'auth');
      assert.match(stalled.errorMessage ?? '', /API error 401 \(authentication_failed\).*refused/);
      const onlyServer = replay(a, [retry(500, 'server_error', 1)], {
        code: null,
        signal: 'SIGKILL',
        stoppedBy: { status: 'timeout', message: 'no output for 600000 ms (idle timeout)' },
      }).result;
      assert.equal(onlyServer.status, 'timeout');
      assert.match(onlyServer.errorMessage ?? '', /^API error 500 \(server_error\) \(then no output/);
      assert.equal(onlyServer.errorKind, 'fatal-api');
    });

    it('reports a missing binary as missing-binary', () => {
      const { result } = replay(a, [], { code: null, spawnError: 'agent binary not found: /opt/claude' });
      assert.equal(result.status, 'crashed');
      assert.equal(result.errorKind, 'missing-binary');
      assert.equal(result.errorMessage, 'agent binary not found: /opt/claude');
    });

    it('keeps the same session across resume', () => {
      const lines = fixtureLines('claude-resume');
      const ids = lines
        .map((l) => JSON.parse(l) as { type: string; subtype?: string; session_id?: string })
        .filter((o) => o.type === 'system' && o.subtype === 'init')
        .map((o) => o.session_id);
      assert.equal(ids.length, 2);
      assert.equal(ids[0], ids[1]);
    });

    it('turns SIGINT cancellation into cancelled even though claude sends its own result', () => {
      const { result } = replay(a, fixtureLines('claude-cancel'), {
        code: 1,
        stoppedBy: { status: 'cancelled', message: 'user' },
      });
      assert.equal(result.status, 'cancelled');
    });

    it('synthesizes crashed when the stream ends without a result', () => {
      const { result } = replay(a, fixtureLines('claude-crash'), { code: null, signal: 'SIGKILL', stderrTail: 'boom' });
      assert.equal(result.status, 'crashed');
      assert.match(result.errorMessage ?? '', /killed by SIGKILL.*boom/);
      assert.ok(result.sessionId, 'the session id from init survives for a later resume');
    });

    it('survives malformed, empty and unknown lines', () => {
      const lines = fixtureLines('claude-write-tick-commit');
      const noisy = [
        lines[0]!,
        '{"type":"assistant","message":',
        'not json at all',
        '',
        '{"type":"brand_new_event","x":1}',
        '[1,2]',
        ...lines.slice(1),
      ];
      const { events, result } = replay(a, noisy);
      assert.equal(result.status, 'success');
      assert.equal(events.filter((e) => e.t === 'notice' && e.level === 'warn').length, 3);
      const unknown = events.find((e) => e.t === 'notice' && e.level === 'info');
      assert.deepEqual(unknown?.raw, { type: 'brand_new_event', x: 1 });
    });
  });
});
