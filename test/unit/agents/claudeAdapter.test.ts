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

    it('resumes with --resume, pre-assigns with --session-id, isolates state and replaces the host key', () => {
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
      assert.equal(inv.env.CLAUDE_CONFIG_DIR, '/state');
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
