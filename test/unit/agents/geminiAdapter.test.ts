import * as assert from 'node:assert/strict';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { baseRequest, ctx, fixtureLines, replay } from './fixtureReplay';

describe('GeminiAdapter', () => {
  const a = new GeminiAdapter();

  it('sets NO_RELAUNCH (so signals arrive), HOME = state dir with API-key settings, and approval modes', () => {
    const inv = a.buildInvocation(
      baseRequest({
        stateDir: '/st',
        model: 'gemini-2.5-pro',
        sessionId: 'u-1',
        endpoint: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' },
        permissions: { mode: 'edit+commands', allow: ['git'] },
      }),
      ctx(),
    );
    assert.equal(inv.env.GEMINI_CLI_NO_RELAUNCH, 'true');
    assert.equal(inv.env.HOME, '/st');
    assert.equal(inv.env.GEMINI_API_KEY, 'k');
    assert.equal(inv.env.GOOGLE_GEMINI_BASE_URL, 'http://127.0.0.1:1');
    assert.equal(inv.env.PLANTED_SECRET, undefined);
    assert.equal(inv.files[0]?.path, '/st/.gemini/settings.json');
    assert.equal(JSON.parse(inv.files[0]!.content).security.auth.selectedType, 'gemini-api-key');
    assert.equal(inv.args[inv.args.indexOf('--approval-mode') + 1], 'auto_edit');
    assert.equal(inv.args[inv.args.indexOf('--allowed-tools') + 1], 'run_shell_command(git)');
    assert.equal(inv.args[0], '--prompt=Do T1.');
    assert.deepEqual(inv.args.slice(inv.args.indexOf('--session-id'), inv.args.indexOf('--session-id') + 2), [
      '--session-id',
      'u-1',
    ]);
    assert.equal(a.buildInvocation(baseRequest({ permissions: { mode: 'full' } }), ctx()).args.includes('yolo'), true);
  });

  it('maps a recorded yolo-style run (gemini 0.61.0) with file changes from write_file/replace', () => {
    const { events, result } = replay(
      a,
      fixtureLines('gemini-write-tick-commit'),
      {},
      baseRequest({ worktree: '/nonexistent-worktree' }),
    );
    assert.equal(events[0]?.t, 'session');
    assert.deepEqual(
      events.filter((e) => e.t === 'tool_call').map((e) => e.t === 'tool_call' && e.kind),
      ['edit', 'edit', 'shell'],
    );
    assert.deepEqual(
      events.filter((e) => e.t === 'file_change').map((e) => e.t === 'file_change' && [e.path, e.change]),
      [
        ['/nonexistent-worktree/hello.txt', 'add'],
        ['/nonexistent-worktree/tasks.md', 'update'],
      ],
    );
    assert.equal(result.status, 'success');
    assert.equal(result.text, 'Done.');
    assert.ok((result.usage?.inputTokens ?? 0) > 0);
  });

  it('an API failure is an error; a stream without result is crashed or cancelled', () => {
    assert.equal(replay(a, fixtureLines('gemini-api-error'), { code: 1 }).result.status, 'error');
    assert.equal(replay(a, fixtureLines('gemini-cancel'), { code: 0 }).result.status, 'crashed');
    assert.equal(
      replay(a, fixtureLines('gemini-cancel'), { code: 0, stoppedBy: { status: 'cancelled', message: 'x' } }).result
        .status,
      'cancelled',
    );
  });
});
