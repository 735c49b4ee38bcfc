import * as assert from 'node:assert/strict';
import { GeminiAdapter } from '../../../src/core/agents/geminiAdapter';
import { baseRequest, ctx, fixtureLines, replay } from './fixtureReplay';

describe('GeminiAdapter', () => {
  const a = new GeminiAdapter();

  it('runs with the user’s own HOME (their ~/.gemini and ~/.gitconfig), NO_RELAUNCH so signals arrive, and approval modes', () => {
    const inv = a.buildInvocation(
      baseRequest({
        stateDir: '/st',
        model: 'gemini-2.5-pro',
        sessionId: 'u-1',
        permissions: { mode: 'edit+commands', allow: ['git'] },
      }),
      ctx(),
    );
    assert.equal(inv.env.GEMINI_CLI_NO_RELAUNCH, 'true');
    assert.equal(inv.env.HOME, '/home/u', 'HOME is the user’s, never a state folder');
    assert.equal(inv.env.GEMINI_CLI_HOME, undefined);
    assert.deepEqual(inv.files, [], 'no settings written: the user’s own ~/.gemini is used');
    assert.equal(inv.env.PLANTED_SECRET, undefined);
    assert.equal(inv.args[inv.args.indexOf('--approval-mode') + 1], 'auto_edit');
    assert.equal(inv.args[0], '--prompt=Do T1.');
    assert.deepEqual(inv.args.slice(inv.args.indexOf('--session-id'), inv.args.indexOf('--session-id') + 2), [
      '--session-id',
      'u-1',
    ]);
    assert.equal(a.buildInvocation(baseRequest({ permissions: { mode: 'full' } }), ctx()).args.includes('yolo'), true);
  });

  it('gives its shell commands the user’s git identity (gemini sets GIT_CONFIG_GLOBAL=/dev/null for them)', () => {
    const inv = a.buildInvocation(
      baseRequest(),
      ctx({ gitIdentity: { name: 'Home User', email: 'home@example.com' } }),
    );
    assert.equal(inv.env.GIT_CONFIG_COUNT, '2');
    assert.deepEqual(
      [inv.env.GIT_CONFIG_KEY_0, inv.env.GIT_CONFIG_VALUE_0, inv.env.GIT_CONFIG_KEY_1, inv.env.GIT_CONFIG_VALUE_1],
      ['user.name', 'Home User', 'user.email', 'home@example.com'],
    );
    assert.equal(a.buildInvocation(baseRequest(), ctx()).env.GIT_CONFIG_COUNT, undefined, 'nothing when git has none');
  });

  it('passes each allowed command in its own --allowed-tools=… (one value per flag: no stray positional prompt)', () => {
    const inv = a.buildInvocation(
      baseRequest({
        permissions: { mode: 'edit+commands', allow: ['git add', 'npm test', 'x,run_shell_command'] },
        extraDirs: ['/d1', '/d2'],
      }),
      ctx(),
    );
    assert.deepEqual(
      inv.args.filter((x) => x.startsWith('--allowed-tools')),
      ['--allowed-tools=run_shell_command(git add)', '--allowed-tools=run_shell_command(npm test)'],
    );
    assert.ok(!inv.args.includes('--allowed-tools'));
    assert.deepEqual(
      inv.args.filter((x) => x.startsWith('--include-directories')),
      ['--include-directories=/d1', '--include-directories=/d2'],
    );
    // Everything after the prompt is a flag or the value of one: nothing gemini could take as a positional prompt.
    const flagsWithValue = new Set(['--output-format', '-m', '--session-id', '--resume', '--approval-mode']);
    inv.args.forEach((x, i) => assert.ok(x.startsWith('-') || flagsWithValue.has(inv.args[i - 1]!), `stray: ${x}`));
  });

  it('keeps folder trust on: the workspace is untrusted while gemini loads settings, then trusted for the session', () => {
    const inv = a.buildInvocation(
      baseRequest(),
      ctx({ sourceEnv: { HOME: '/home/u', GEMINI_CLI_TRUST_WORKSPACE: 'true' } }),
    );
    assert.equal(inv.env.GEMINI_CLI_TRUST_WORKSPACE, 'false');
    assert.ok(inv.args.includes('--skip-trust'));
    const withEndpoint = a.buildInvocation(
      baseRequest({ stateDir: '/st', endpoint: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' } }),
      ctx(),
    );
    const settings = JSON.parse(withEndpoint.files[0]!.content);
    assert.equal(settings.security.folderTrust, undefined, 'folder trust is never switched off');
  });

  it('pins the endpoint variables, so that a repository’s .env cannot send the key elsewhere', () => {
    const inv = a.buildInvocation(baseRequest(), ctx({ sourceEnv: { HOME: '/home/u', GEMINI_API_KEY: 'k' } }));
    assert.equal(inv.env.GOOGLE_GEMINI_BASE_URL, '');
    assert.equal(inv.env.GOOGLE_VERTEX_BASE_URL, '');
    const own = a.buildInvocation(
      baseRequest(),
      ctx({ sourceEnv: { HOME: '/home/u', GOOGLE_GEMINI_BASE_URL: 'https://gw.example' } }),
    );
    assert.equal(own.env.GOOGLE_GEMINI_BASE_URL, 'https://gw.example', 'the user’s own gateway is kept');
  });

  it('gives a custom endpoint a gemini home of its own (GEMINI_CLI_HOME), leaving HOME alone', () => {
    const inv = a.buildInvocation(
      baseRequest({ stateDir: '/st', endpoint: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' } }),
      ctx(),
    );
    assert.equal(inv.env.HOME, '/home/u');
    assert.equal(inv.env.GEMINI_CLI_HOME, '/st');
    assert.equal(inv.env.GEMINI_API_KEY, 'k');
    assert.equal(inv.env.GOOGLE_GEMINI_BASE_URL, 'http://127.0.0.1:1');
    assert.equal(inv.files[0]?.path, '/st/.gemini/settings.json');
    assert.equal(JSON.parse(inv.files[0]!.content).security.auth.selectedType, 'gemini-api-key');
    assert.throws(() => a.buildInvocation(baseRequest({ endpoint: { baseUrl: 'http://x' } }), ctx()), /stateDir/);
  });

  it('shows the one error line, not the help text, when gemini rejects its command line', () => {
    const help = [
      'Usage: gemini [options] [command]',
      '',
      ...Array.from({ length: 40 }, (_, i) => `  --option-${i}   Some option  [boolean]`),
      '  -h, --help                      Show help  [boolean]',
    ];
    const error = 'Cannot use both a positional prompt and the --prompt (-p) flag together';
    const withHead = replay(a, [], {
      code: 1,
      stderrHead: [error, ...help.slice(0, 4)].join('\n'),
      stderrTail: help.slice(-20).join('\n'),
    });
    assert.equal(withHead.result.status, 'crashed');
    assert.equal(
      withHead.result.errorMessage,
      `the agent exited with code 1 without a final result: it rejected its command line: ${error}`,
    );
    const tailOnly = replay(a, [], { code: 1, stderrTail: help.slice(-20).join('\n') });
    assert.doesNotMatch(tailOnly.result.errorMessage ?? '', /--option-|Show help/);
    assert.match(tailOnly.result.errorMessage ?? '', /rejected its command line/);
  });

  it('classifies a refused key as auth (not retried) from gemini’s final result', () => {
    const line = JSON.stringify({
      type: 'result',
      status: 'error',
      error: {
        type: 'unknown',
        message: '[API Error: {"error":{"code":401,"message":"API key not valid.","status":"UNAUTHENTICATED"}}]',
      },
    });
    const { result } = replay(a, [line], { code: 1 });
    assert.equal(result.status, 'error');
    assert.equal(result.errorKind, 'auth');
    assert.equal(replay(a, fixtureLines('gemini-cancel'), { code: 0 }).result.errorKind, undefined);
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
