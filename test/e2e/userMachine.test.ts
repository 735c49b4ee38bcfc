import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentBackend, AgentRun, StartRequest } from '../../src/core/agents/agentBackend';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { createCodexBackend } from '../../src/core/agents/codexBackend';
import { createGeminiBackend } from '../../src/core/agents/geminiBackend';
import { DEFAULT_SETTINGS, implementationPolicy } from '../../src/core/orchestrator/settings';
import { anthropicApi } from './fakes/anthropicFake';
import { startCheckedFake, type Credential, type CredentialLog } from './fakes/credentialCheck';
import type { FakeApi, FakeServer, ScriptTurn } from './fakes/fakeServer';
import { geminiApi } from './fakes/geminiFake';
import { openaiApi } from './fakes/openaiFake';
import { agentCli } from './support/agentClis';
import { collect, shape } from './support/events';
import { makeUserMachine, USER_EMAIL, type UserMachine } from './support/userMachine';

/**
 * The real CLIs on a machine set up the way their users set them up (ISSUE17): each CLI's own login in its own
 * home (Claude Code's /login token, a Codex login with a provider in ~/.codex/config.toml, a Gemini key in the
 * environment), the git identity in ~/.gitconfig and no GIT_* variables, no state folders yet. Each agent writes
 * a file, ticks its item, and reads its git identity at the default permission level; and a repository's own
 * agent configuration (hooks, MCP servers) does not run (ISSUE18 finding 5).
 */
describe('Agent CLIs on a user’s machine (own logins, ~/.gitconfig, first run)', function () {
  let m: UserMachine;
  let fakes: FakeServer[] = [];
  let markers: string;

  beforeEach(() => {
    m = makeUserMachine('user');
    markers = path.join(m.home, '..', 'markers');
    fs.mkdirSync(markers);
  });
  afterEach(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    fakes = [];
    m.cleanup();
  });
  /** A fake accepting only `accept`, closed after the test. */
  const checkedFake = async (api: FakeApi, name: string, accept: Credential) => {
    const started = await startCheckedFake(api, path.join(m.home, '..', 'fakes', name), name, accept);
    fakes.push(started.fake);
    return started;
  };

  /** The default permission level with its default commands, plus reading the git identity. */
  const policy = () => {
    const p = implementationPolicy(DEFAULT_SETTINGS);
    assert.equal(p.mode, 'edit+commands', 'the default level');
    return { ...p, allow: [...(p.mode === 'edit+commands' ? p.allow : []), 'git config'] };
  };
  const request = (backend: string, over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: m.worktree,
    prompt: 'Do task T1 in tasks.md.',
    permissions: policy(),
    // The pool names a per-task state folder; the CLIs must not need it (it does not exist on a first run).
    stateDir: m.stateDir(backend),
    limits: { wallClockMs: 90_000 },
    ...over,
  });
  const assertNoGitVariables = (env: Record<string, string>) =>
    assert.deepEqual(
      Object.keys(env).filter((k) => k.startsWith('GIT_')),
      [],
    );

  /** Runs to the end; checks the file, the tick, the identity the model saw, and the login the fake saw. */
  async function runAndCheck(be: AgentBackend, req: StartRequest, fake: FakeServer, log: CredentialLog): Promise<void> {
    const probe = await be.probe();
    assert.equal(probe.available, true, `the probe sees the login the run uses: ${probe.problem}`);
    const run = be.start(req);
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(m.read('hello.txt'), 'hello\n');
    assert.match(m.read('tasks.md'), /- \[x\] T1/);
    const seen = fake.modelRequests().map((r) => r.last ?? '');
    assert.ok(
      seen.some((l) => l.includes(USER_EMAIL)),
      `the agent read the identity from ~/.gitconfig: ${seen.join(' | ')}`,
    );
    assert.ok(log.accepted > 0, 'requests carried the user’s own login');
    assert.deepEqual(log.refused, [], 'no request with another credential');
    assert.equal(fs.existsSync(req.stateDir!), false, 'no per-task copy of the CLI’s configuration');
  }

  it('Claude Code: logged in with /login (~/.claude/.credentials.json), no API key anywhere', async () => {
    const token = `sk-ant-oat01-e2e-${randomUUID()}`;
    m.writeHome(
      '.claude/.credentials.json',
      JSON.stringify({
        claudeAiOauth: {
          accessToken: token,
          refreshToken: `sk-ant-ort01-e2e-${randomUUID()}`,
          expiresAt: Date.now() + 24 * 3600_000,
          scopes: ['user:inference', 'user:profile', 'user:sessions:claude_code'],
          subscriptionType: 'pro',
        },
      }),
    );
    const { fake, log } = await checkedFake(anthropicApi, 'anthropic', {
      bearer: token,
    });
    const at = (rel: string) => path.join(m.worktree, rel);
    fake.setScript([
      { text: 'Writing.', tool: { name: 'Write', input: { file_path: at('hello.txt'), content: 'hello\n' } } },
      { tool: { name: 'Edit', input: { file_path: at('tasks.md'), old_string: '- [ ] T1', new_string: '- [x] T1' } } },
      { tool: { name: 'Bash', input: { command: 'git config user.email', description: 'who am I' } } },
      { text: 'Done.' },
    ]);
    // ANTHROPIC_BASE_URL stands in for api.anthropic.com; the login is the only credential.
    const env = m.env({ ANTHROPIC_BASE_URL: fake.url });
    assertNoGitVariables(env);
    const be = createClaudeBackend({ binary: agentCli('claude'), graceMs: 3000, sourceEnv: env });
    await runAndCheck(be, request('claude-cli', { sessionId: randomUUID() }), fake, log);
  });

  it('Claude Code: a repository’s .claude/settings.json hooks and .mcp.json servers do not run', async () => {
    const hook = (name: string) => [{ hooks: [{ type: 'command', command: `touch ${path.join(markers, name)}` }] }];
    fs.mkdirSync(path.join(m.worktree, '.claude'));
    fs.writeFileSync(
      path.join(m.worktree, '.claude', 'settings.json'),
      JSON.stringify({
        hooks: { SessionStart: hook('session-start'), UserPromptSubmit: hook('prompt'), Stop: hook('stop') },
      }),
    );
    fs.writeFileSync(
      path.join(m.worktree, '.mcp.json'),
      JSON.stringify({ mcpServers: { planted: { command: 'touch', args: [path.join(markers, 'mcp')] } } }),
    );
    const key = `sk-ant-e2e-${randomUUID()}`;
    const { fake } = await checkedFake(anthropicApi, 'anthropic', { apiKey: key });
    fake.setScript([{ text: 'Nothing to do.' }]);
    const be = createClaudeBackend({
      binary: agentCli('claude'),
      graceMs: 3000,
      sourceEnv: m.env({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: key }),
    });
    const result = await be.start(request('claude-cli')).finished;
    assert.equal(result.status, 'success', result.errorMessage);
    assert.deepEqual(fs.readdirSync(markers), [], 'no planted hook or MCP server ran');
  });

  it('Codex: logged in (~/.codex/auth.json) with the user’s own provider in ~/.codex/config.toml; first run', async () => {
    const key = `sk-codex-user-${randomUUID()}`;
    const { fake, log } = await checkedFake(openaiApi, 'openai', { bearer: key });
    m.writeHome(
      '.codex/config.toml',
      [
        'model = "fake-codex"',
        'model_provider = "gateway"',
        '',
        '[model_providers.gateway]',
        'name = "The user’s gateway"',
        `base_url = "${fake.url}/v1"`,
        'wire_api = "responses"',
        'requires_openai_auth = true',
        'supports_websockets = false',
        '',
      ].join('\n'),
    );
    m.writeHome('.codex/auth.json', JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: key }));
    const exec = (cmd: string): ScriptTurn => ({ tool: { name: 'exec_command', input: { cmd } } });
    fake.setScript([
      exec(`printf 'hello\\n' > hello.txt`),
      exec(`sed -i 's/- \\[ \\] T1/- [x] T1/' tasks.md`),
      exec('git config user.email'),
      { text: 'Done.' },
    ]);
    const env = m.env();
    assertNoGitVariables(env);
    const be = createCodexBackend({ binary: agentCli('codex'), graceMs: 3000, sourceEnv: env });
    await runAndCheck(be, request('codex'), fake, log);
  });

  it('Gemini CLI: its key in the environment, HOME left alone; a repository’s .gemini/settings.json does not run', async () => {
    const key = `AIza-e2e-${randomUUID()}`;
    const { fake, log } = await checkedFake(geminiApi, 'gemini', { googKey: key });
    // What gemini's own first run writes when the user picks "Use Gemini API key": 0.61 needs that choice to
    // accept GOOGLE_GEMINI_BASE_URL, which stands in for Google's endpoint here. No other state yet.
    m.writeHome('.gemini/settings.json', JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
    fs.mkdirSync(path.join(m.worktree, '.gemini'));
    fs.writeFileSync(
      path.join(m.worktree, '.gemini', 'settings.json'),
      JSON.stringify({
        mcpServers: { planted: { command: 'touch', args: [path.join(markers, 'mcp')] } },
        hooks: {
          BeforeAgent: [{ hooks: [{ type: 'command', command: `touch ${path.join(markers, 'hook')}` }] }],
        },
      }),
    );
    fake.setScript([
      { text: 'Writing.', tool: { name: 'write_file', input: { file_path: 'hello.txt', content: 'hello\n' } } },
      {
        tool: {
          name: 'replace',
          input: { file_path: 'tasks.md', old_string: '- [ ] T1', new_string: '- [x] T1', instruction: 'tick T1' },
        },
      },
      { tool: { name: 'run_shell_command', input: { command: 'git config user.email', description: 'who am I' } } },
      { text: 'Done.' },
    ]);
    const env = m.env({ GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: fake.url });
    assertNoGitVariables(env);
    const be = createGeminiBackend({ binary: agentCli('gemini'), graceMs: 3000, sourceEnv: env });
    await runAndCheck(be, request('gemini', { model: 'gemini-2.5-pro' }), fake, log);
    assert.deepEqual(fs.readdirSync(markers), [], 'no planted MCP server or hook ran');
  });

  it('records the agent process of Codex and Gemini runs (the ledger’s pid), once the asynchronous spawn happened', async () => {
    const codexFake = (await checkedFake(openaiApi, 'openai', { bearer: 'k' })).fake;
    codexFake.setScript([{ hang: true }]);
    const geminiFake = (await checkedFake(geminiApi, 'gemini', { googKey: 'k' })).fake;
    geminiFake.setScript([{ hang: true }]);
    m.writeHome('.gemini/settings.json', JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
    const runs: AgentRun[] = [
      createGeminiBackend({
        binary: agentCli('gemini'),
        graceMs: 1000,
        sourceEnv: m.env({ GEMINI_API_KEY: 'k', GOOGLE_GEMINI_BASE_URL: geminiFake.url }),
      }).start(request('gemini', { model: 'gemini-2.5-pro' })),
      createCodexBackend({ binary: agentCli('codex'), graceMs: 1000, sourceEnv: m.env({ OPENAI_API_KEY: 'k' }) }).start(
        request('codex', { endpoint: { baseUrl: `${codexFake.url}/v1`, apiKey: 'k' } }),
      ),
    ];
    try {
      for (const run of runs) {
        // What the run supervisor records in the ledger (runSupervisor: run.processIdentity()).
        const identity = await run.processIdentity!();
        assert.ok(identity?.pid, `${run.backend}: a process id`);
        assert.equal(identity.pid, run.pid);
        assert.ok(fs.existsSync(`/proc/${identity.pid}`) || process.platform !== 'linux');
      }
    } finally {
      await Promise.all(runs.map((r) => r.cancel({ graceMs: 1000 })));
    }
  });

  it('fails at once, as missing-binary, when a CLI is not installed', async () => {
    const result = await createClaudeBackend({ binary: path.join(m.home, 'no-such-claude'), sourceEnv: m.env() }).start(
      request('claude-cli'),
    ).finished;
    assert.equal(result.status, 'crashed');
    assert.equal(result.errorKind, 'missing-binary');
    assert.match(result.errorMessage ?? '', /not found/);
  });
});
