import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StartRequest } from '../../src/core/agents/agentBackend';
import { BUILTIN_ACP_AGENTS } from '../../src/core/agents/acp/acpAgents';
import { AcpBackend } from '../../src/core/agents/acp/acpBackend';
import { PermissionRoom } from '../../src/core/orchestrator/permissionRoom';
import { FleetStore } from '../../src/core/store/fleetStore';
import { startAnthropicFake } from './fakes/anthropicFake';
import { startOpenAiFake } from './fakes/openaiFake';
import type { FakeServer } from './fakes/fakeServer';
import { AGENT_CLIS_DIR, recorder } from './support/agentClis';
import { collect, firstEvent, shape } from './support/events';
import { longCommand, processesWithMarker, waitFor } from './support/processes';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

/** The pinned adapters (scripts/install-agent-clis.sh); a missing one fails the test with how to install it. */
const ADAPTERS = {
  'claude-agent-acp': { pkg: '@agentclientprotocol/claude-agent-acp', version: '0.101.0' },
  'codex-acp': { pkg: '@agentclientprotocol/codex-acp', version: '2.6.0' },
} as const;
function adapter(name: keyof typeof ADAPTERS): string {
  const { pkg, version } = ADAPTERS[name];
  const bin = path.join(AGENT_CLIS_DIR, 'node_modules', '.bin', name);
  const pkgJson = path.join(AGENT_CLIS_DIR, 'node_modules', pkg, 'package.json');
  const fix = `Run scripts/install-agent-clis.sh (installs ${pkg}@${version} into ${AGENT_CLIS_DIR}).`;
  if (!fs.existsSync(bin) || !fs.existsSync(pkgJson)) throw new Error(`${name} is not installed at ${bin}. ${fix}`);
  const have = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  if (have !== version) throw new Error(`${pkg} is ${have} but the e2e tier is pinned to ${version}. ${fix}`);
  return bin;
}

// As root the Claude adapter refuses to start a session (`bypass_root`) unless it is told it runs in a sandbox.
const ROOT_ENV: Record<string, string> = process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {};

describe('ACP adapter claude-agent-acp (real adapter against the Anthropic fake)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;
  let fleet: FleetStore;
  let room: PermissionRoom;

  before(() => {
    bin = adapter('claude-agent-acp');
  });
  beforeEach(async () => {
    repo = makeTempRepo('acp-claude');
    fake = await startAnthropicFake(path.join(repo.scratch, 'fake'));
    fleet = new FleetStore();
    room = new PermissionRoom({ dispatch: (e) => fleet.dispatch(e), now: Date.now, timeoutMs: () => 0 });
    fleet.dispatch({ type: 'runStarted', id: '000001', startedAt: Date.now() });
  });
  afterEach(async () => {
    room.dispose();
    fleet.dispose();
    await fake.close();
    repo.cleanup();
  });

  const claude = BUILTIN_ACP_AGENTS.find((a) => a.name === 'claude')!;
  const backend = (scenario: string) =>
    new AcpBackend(
      { ...claude, command: bin, env: { ...claude.env, ...ROOT_ENV } },
      {
        graceMs: 3000,
        sourceEnv: { ...process.env, HOME: repo.scratch },
        onStdoutLine: recorder(`acp-claude-${scenario}`),
      },
    );
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    model: 'claude-sonnet-4-5',
    endpoint: { baseUrl: fake.url, apiKey: `sk-ant-e2e-${randomUUID()}` },
    permissions: { mode: 'edit+commands', allow: ['git status'] },
    limits: { wallClockMs: 90_000 },
    askPerson: room.askerFor('000001'),
    ...over,
  });

  it('writes and ticks', async () => {
    fake.setScript([
      { tool: { name: 'Write', input: { file_path: path.join(repo.worktree, 'hello.txt'), content: 'hello\n' } } },
      {
        tool: {
          name: 'Edit',
          input: { file_path: path.join(repo.worktree, 'tasks.md'), old_string: '- [ ] T1', new_string: '- [x] T1' },
        },
      },
      { text: 'Done.' },
    ]);
    const run = backend('write-tick').start(request());
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(repo.read('hello.txt'), 'hello\n');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    assert.ok(fake.modelRequests().length > 0, 'the adapter talked to the fake');
  });

  it('asks: an allow-listed command answered by the level, a fetch by a person through the permission room', async () => {
    fake.setScript([
      { tool: { name: 'Bash', input: { command: 'node ran.js', description: 'run it' } } },
      { tool: { name: 'ToolSearch', input: { query: 'select:WebFetch', max_results: 1 } } },
      { tool: { name: 'WebFetch', input: { url: 'https://example.com/', prompt: 'Summarize.' } } },
      { text: 'Done.' },
    ]);
    fs.writeFileSync(path.join(repo.worktree, 'ran.js'), "require('fs').writeFileSync('ran.txt', 'ran')\n");
    const asked = new Promise<string>((resolve) => room.onDidAsk((a) => resolve(a.request.requestId)));
    const run = backend('ask').start(request({ permissions: { mode: 'edit+commands', allow: ['node'] } }));
    const requestId = await asked;
    assert.match(fleet.state.runs.get('000001')?.waiting?.[0]?.title ?? '', /example\.com|Fetch/i);
    assert.equal(room.answer('000001', requestId, 'reject'), true);
    const events = await collect(run);
    const result = await run.finished;
    const decided = events.flatMap((e) =>
      e.t === 'permission' && e.decision !== 'pending' ? [`${e.decision}: ${e.reason ?? ''}`] : [],
    );
    assert.deepEqual(decided, ['allowed: allowed by the policy', 'denied: rejected by you'], shape(events));
    assert.equal(result.status, 'denied', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(repo.read('ran.txt'), 'ran', 'the command the level allowed ran');
  });

  it('cancels mid-turn and leaves no process behind', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([{ tool: { name: 'Bash', input: { command: longCommand(marker) } } }, { text: 'never' }]);
    const run = backend('cancel').start(request({ permissions: { mode: 'full' } }));
    await firstEvent(run, (e) => e.t === 'tool_call');
    await waitFor(() => processesWithMarker(marker).length > 0, 10_000);
    const pid = run.pid!;
    await run.cancel({ graceMs: 3000 });
    const result = await run.finished;
    const events = await collect(run);
    assert.equal(
      result.status,
      'cancelled',
      `${result.errorMessage} | ${shape(events)} | ${JSON.stringify(fake.requests())}`,
    );
    assert.ok(
      await waitFor(() => processesWithMarker(marker).length === 0, 5000),
      `left behind: ${processesWithMarker(marker).join(', ')}`,
    );
    assert.ok(await waitFor(() => !alive(pid), 5000), 'the adapter process is gone');
  });
});

describe('ACP adapter codex-acp (real adapter against the Responses fake, custom provider)', function () {
  let fake: FakeServer;
  let repo: TempRepo;
  let bin: string;

  before(() => {
    bin = adapter('codex-acp');
  });
  beforeEach(async () => {
    repo = makeTempRepo('acp-codex');
    fake = await startOpenAiFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  const codex = BUILTIN_ACP_AGENTS.find((a) => a.name === 'codex')!;
  /**
   * Codex reads its providers from CODEX_HOME/config.toml: one pointing at the fake. Its mode follows the
   * permission level (acpCodexMode.ts); its own sandbox helper starts although that home lies in the temp dir.
   */
  const backend = (scenario: string) => {
    const home = path.join(repo.scratch, 'codex-home');
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      path.join(home, 'config.toml'),
      [
        'model = "fake-codex"',
        'model_provider = "fake"',
        '[model_providers.fake]',
        'name = "fake"',
        `base_url = "${fake.url}/v1"`,
        'env_key = "OPENAI_API_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
    return new AcpBackend(
      {
        ...codex,
        command: bin,
        env: { CODEX_HOME: home, MODEL_PROVIDER: 'fake', NO_BROWSER: '1' },
      },
      {
        graceMs: 3000,
        sourceEnv: { ...process.env, HOME: repo.scratch },
        onStdoutLine: recorder(`acp-codex-${scenario}`),
        onStderrLine: (l) => process.env.SPECTASK_E2E_DEBUG && console.log(`codex-acp: ${l}`),
      },
    );
  };
  const request = (over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    endpoint: { apiKey: `sk-e2e-${randomUUID()}` },
    permissions: { mode: 'edit+commands', allow: ['git status'] },
    limits: { wallClockMs: 90_000 },
    ...over,
  });
  const exec = (cmd: string) => ({ tool: { name: 'exec_command', input: { cmd } } });

  it('writes and ticks', async () => {
    fake.setScript([
      exec(`printf 'hello\\n' > hello.txt`),
      exec(`sed -i 's/- \\[ \\] T1/- [x] T1/' tasks.md`),
      { text: 'Done.' },
    ]);
    const run = backend('write-tick').start(request({ permissions: { mode: 'full' } }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    const seen = `${shape(events)} | ${JSON.stringify(events.filter((e) => e.t === 'text' || e.t === 'notice' || e.t === 'tool_result')).slice(0, 1500)} | ${JSON.stringify(fake.requests()).slice(0, 1500)}`;
    assert.ok(fake.modelRequests().length > 0, `the adapter talked to the fake: ${seen}`);
    assert.equal(fs.existsSync(path.join(repo.worktree, 'hello.txt')), true, seen);
    assert.equal(repo.read('hello.txt'), 'hello\n');
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
  });
  it('at edit+commands, in its own sandbox: writes, and asks for escalations, which the level answers', async () => {
    // The model asks to run outside codex's sandbox; codex-acp turns that into session/request_permission.
    const escalated = (cmd: string) => ({
      tool: { name: 'exec_command', input: { cmd, sandbox_permissions: 'require_escalated', justification: 'needed' } },
    });
    fake.setScript([
      exec(`printf 'hello\\n' > hello.txt`),
      escalated('node ran.js'),
      escalated('curl -s https://example.com/'),
      { text: 'Done.' },
    ]);
    fs.writeFileSync(path.join(repo.worktree, 'ran.js'), "require('fs').writeFileSync('ran.txt', 'ran')\n");
    const run = backend('permissions').start(request({ permissions: { mode: 'edit+commands', allow: ['node'] } }));
    const events = await collect(run);
    const result = await run.finished;
    const decided = events.flatMap((e) =>
      e.t === 'permission' && e.decision !== 'pending' ? [`${e.tool}: ${e.decision}: ${e.reason ?? ''}`] : [],
    );
    assert.deepEqual(
      decided,
      [
        'node ran.js: allowed: allowed by the policy',
        "curl -s https://example.com/: denied: 'curl' is not an allowed command",
      ],
      `${result.errorMessage} | ${shape(events)}`,
    );
    assert.equal(repo.read('hello.txt'), 'hello\n', 'the command inside its own sandbox wrote in the worktree');
    assert.equal(repo.read('ran.txt'), 'ran', 'the command the level allowed ran');
    // Codex's only refusal option ("No, and tell Codex what to do differently") ends its turn.
    assert.equal(result.status, 'cancelled', `${result.errorMessage} | ${shape(events)}`);
  });

  it('at edit+commands: a command off the allow-list waits for the person, who allows it once', async () => {
    const fleet = new FleetStore();
    const room = new PermissionRoom({ dispatch: (e) => fleet.dispatch(e), now: Date.now, timeoutMs: () => 0 });
    fleet.dispatch({ type: 'runStarted', id: '000001', startedAt: Date.now() });
    try {
      fake.setScript([
        {
          tool: {
            name: 'exec_command',
            input: { cmd: 'touch by-person.txt', sandbox_permissions: 'require_escalated', justification: 'needed' },
          },
        },
        { text: 'Done.' },
      ]);
      const asked = new Promise<string>((resolve) => room.onDidAsk((a) => resolve(a.request.requestId)));
      const run = backend('person').start(
        request({ permissions: { mode: 'edit+commands', allow: ['node'] }, askPerson: room.askerFor('000001') }),
      );
      const requestId = await asked;
      assert.match(fleet.state.runs.get('000001')?.waiting?.[0]?.command ?? '', /touch by-person\.txt/);
      assert.equal(room.answer('000001', requestId, 'allow_once'), true);
      const events = await collect(run);
      const result = await run.finished;
      const decided = events.flatMap((e) =>
        e.t === 'permission' && e.decision !== 'pending' ? [`${e.decision}: ${e.reason ?? ''}`] : [],
      );
      assert.deepEqual(decided, ['allowed: allowed by the person'], shape(events));
      assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
      assert.ok(fs.existsSync(path.join(repo.worktree, 'by-person.txt')), 'the command the person allowed ran');
    } finally {
      room.dispose();
      fleet.dispose();
    }
  });

  it('at edit: its own sandbox keeps writes to the worktree and the SpecTask folder', async () => {
    // Not under /tmp, which codex's workspace-write leaves writable (ours hides it): not the checkout either, which
    // CI may clone under /tmp. The home folder of the user running the tests is outside every writable root.
    const outsideDir = path.join(os.homedir(), '.cache', 'spectask-e2e-outside');
    fs.mkdirSync(outsideDir, { recursive: true });
    const outside = path.join(outsideDir, `codex-acp-outside-${randomUUID()}.txt`);
    fake.setScript([
      exec(`sed -i 's/- \\[ \\] T1/- [x] T1/' tasks.md`),
      exec(`printf 'x\\n' > ${outside}`),
      { text: 'Done.' },
    ]);
    const run = backend('edit').start(request({ permissions: { mode: 'edit' } }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', `${result.errorMessage} | ${shape(events)}`);
    assert.match(repo.read('tasks.md'), /- \[x\] T1/);
    const wrote = fs.existsSync(outside);
    fs.rmSync(outside, { force: true });
    assert.equal(wrote, false, 'a write outside the worktree');
  });

  it('cancels mid-turn and leaves no process behind', async () => {
    const marker = `spectask-e2e-${randomUUID()}`;
    fake.setScript([exec(longCommand(marker)), { text: 'never' }]);
    const run = backend('cancel').start(request({ permissions: { mode: 'full' } }));
    assert.ok(await waitFor(() => processesWithMarker(marker).length > 0, 20_000), 'the command started');
    const pid = run.pid!;
    await run.cancel({ graceMs: 3000 });
    assert.equal((await run.finished).status, 'cancelled');
    assert.ok(
      await waitFor(() => processesWithMarker(marker).length === 0, 5000),
      `left behind: ${processesWithMarker(marker).join(', ')}`,
    );
    assert.ok(await waitFor(() => !alive(pid), 5000), 'the adapter process is gone');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
