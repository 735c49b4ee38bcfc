import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PermissionPolicy, StartRequest } from '../../../../src/core/agents/agentBackend';
import type { AgentEvent } from '../../../../src/core/agents/agentEvents';
import { BUILTIN_ACP_AGENTS } from '../../../../src/core/agents/acp/acpAgents';
import { AcpBackend, acpCommandFor } from '../../../../src/core/agents/acp/acpBackend';
import type { AgentHost, AgentInvocation } from '../../../../src/core/agents/agentHost';
import { localAgentHost } from '../../../../src/core/agents/localAgentHost';

/** The scripted agent, built next to this test by `node esbuild.mjs --tests`. */
const AGENT = path.join(__dirname, 'scriptedAcpAgent.js');

describe('ACP back-end (a scripted ACP agent as a child process)', () => {
  let dir: string;
  let extra: string;
  let logFile: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acp-')));
    extra = path.join(dir, 'spectask-folder');
    fs.mkdirSync(extra);
    fs.mkdirSync(path.join(dir, 'wt'));
    logFile = path.join(dir, 'agent.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const backend = (scenario: string) =>
    new AcpBackend(
      {
        name: 'scripted',
        label: 'Scripted',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCENARIO: scenario, ACP_SCRIPT_LOG: logFile },
      },
      { graceMs: 1000, sourceEnv: { ...process.env, PLANTED_SECRET: 'leak-me' } },
    );
  const request = (permissions: PermissionPolicy, over: Partial<StartRequest> = {}): StartRequest => ({
    taskId: '000001',
    worktree: path.join(dir, 'wt'),
    prompt: 'Do T1.',
    appendSystemPrompt: 'Rules.',
    permissions,
    extraDirs: [extra],
    ...over,
  });
  const agentLog = (): Record<string, unknown>[] =>
    fs
      .readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const collect = async (run: { events: AsyncIterable<AgentEvent> }) => {
    const out: AgentEvent[] = [];
    for await (const e of run.events) out.push(e);
    return out;
  };

  it('handshakes without fs/terminal capabilities, maps updates, survives noise, and decides by the level', async () => {
    const run = backend('basic').start(request({ mode: 'edit' }));
    const events = await collect(run);
    const result = await run.finished;
    const log = agentLog();
    const init = log.find((l) => l.initialize)?.initialize as Record<string, unknown>;
    // No client-side capability at all: no fs/*, no terminal/* (the SDK fills in its own `false` defaults).
    assert.deepEqual((init.clientCapabilities as { fs: unknown }).fs, { readTextFile: false, writeTextFile: false });
    assert.doesNotMatch(JSON.stringify(init.clientCapabilities), /true/);
    assert.deepEqual(log.find((l) => l.new)?.new, {
      cwd: path.join(dir, 'wt'),
      mcpServers: [],
      additionalDirectories: [extra],
    });
    const prompt = log.find((l) => l.prompt)?.prompt as { prompt: { text: string }[] };
    assert.equal(prompt.prompt[0]?.text, 'Rules.\n\nDo T1.');
    // A request the client does not implement is answered "method not found".
    assert.equal(log.find((l) => 'fsRead' in l)?.fsRead, -32601);
    // Inside the worktree: allowed once; outside every root: rejected.
    assert.deepEqual(
      log.filter((l) => l.permission).map((l) => [l.permission, l.outcome]),
      [
        ['w1', { outcome: 'selected', optionId: 'yes' }],
        ['w2', { outcome: 'selected', optionId: 'no' }],
      ],
    );
    assert.equal(fs.readFileSync(path.join(dir, 'wt', 'hello.txt'), 'utf8'), 'hello\n');

    assert.equal(events.at(-1)?.t, 'result');
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.equal(result.status, 'denied', result.errorMessage);
    assert.deepEqual(result.deniedTools, ['Write /etc/x']);
    assert.equal(result.sessionId, 'sess-1');
    assert.equal(result.text, 'Done.');
    assert.deepEqual(result.usage, { costUsd: 0.25 });
    const session = events.find((e) => e.t === 'session');
    assert.ok(session?.t === 'session' && session.sessionId === 'sess-1' && session.version === '9.9.9');
    assert.ok(events.some((e) => e.t === 'thinking' && e.text === 'hmm'));
    assert.ok(events.some((e) => e.t === 'notice' && /malformed line/.test(e.message)));
    const change = events.find((e) => e.t === 'file_change');
    assert.ok(change?.t === 'file_change' && change.change === 'add' && change.path.endsWith('hello.txt'));
    assert.deepEqual(
      events.filter((e) => e.t === 'tool_result').map((e) => e.t === 'tool_result' && [e.callId, e.ok]),
      [
        ['w1', true],
        ['w2', false],
      ],
    );
    const plan = events.find((e) => e.t === 'plan');
    assert.deepEqual(plan?.t === 'plan' && plan.items, [
      { text: 'write hello', done: true },
      { text: 'tick T1', done: false },
    ]);
    const usage = events.find((e) => e.t === 'usage');
    assert.ok(usage?.t === 'usage' && usage.contextTokens === 1200 && usage.contextWindow === 200000);
    assert.deepEqual(
      events.filter((e) => e.t === 'permission').map((e) => e.t === 'permission' && [e.callId, e.decision]),
      [
        ['w1', 'pending'],
        ['w1', 'allowed'],
        ['w2', 'pending'],
        ['w2', 'denied'],
      ],
    );
  });

  it('allows only allow-listed plain commands at edit+commands and rejects what the level cannot decide', async () => {
    const run = backend('commands').start(request({ mode: 'edit+commands', allow: ['git status'] }));
    const events = await collect(run);
    const outcomes = agentLog()
      .filter((l) => l.permission)
      .map((l) => [l.permission, (l.outcome as { optionId?: string }).optionId]);
    assert.deepEqual(outcomes, [
      ['c1', 'yes'],
      ['c2', 'no'],
      ['c3', 'no'],
      ['f1', 'no'],
    ]);
    assert.ok(events.some((e) => e.t === 'notice' && /cannot decide on 'fetch'/.test(e.message)));
    assert.equal((await run.finished).status, 'denied');
  });

  it("passes undecidable requests to the 'ask' policy's callback (the person-answered path)", async () => {
    const asked: string[] = [];
    const run = backend('commands').start(
      request({
        mode: 'ask',
        decide: async (req) => {
          asked.push(req.tool);
          return req.tool === 'fetch' ? { behavior: 'allow' } : { behavior: 'deny', message: 'no' };
        },
      }),
    );
    await run.finished;
    assert.deepEqual(asked, ['git status', 'rm -rf build', 'git status; rm -rf ~', 'fetch']);
    assert.deepEqual(agentLog().find((l) => l.permission === 'f1')?.outcome, { outcome: 'selected', optionId: 'yes' });
  });

  it('cuts a huge tool output in its event', async function () {
    this.timeout(20_000);
    const run = backend('huge').start(request({ mode: 'full' }));
    const events = await collect(run);
    const out = events.find((e) => e.t === 'tool_result');
    assert.ok(out?.t === 'tool_result' && out.ok && out.output !== undefined);
    assert.ok(out.output.length < 5000, `${out.output.length} characters kept`);
    assert.match(out.output, /more characters/);
    assert.equal((await run.finished).status, 'success');
  });

  it('ends crashed, with the stderr tail, when the agent dies mid-turn', async () => {
    const run = backend('crash').start(request({ mode: 'edit' }));
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'crashed');
    assert.equal(result.exitCode, 3);
    assert.match(result.errorMessage ?? '', /scripted agent: boom/);
    assert.equal(events.filter((e) => e.t === 'result').length, 1);
    assert.ok(events.some((e) => e.t === 'text' && e.text === 'working'));
  });

  it('stops with session/cancel: pending and later permission requests are answered cancelled', async () => {
    const run = backend('cancel').start(request({ mode: 'ask', decide: () => new Promise(() => undefined) }));
    for await (const e of run.events) if (e.t === 'permission' && e.decision === 'pending') break;
    await run.cancel({ graceMs: 3000 });
    const result = await run.finished;
    assert.equal(result.status, 'cancelled');
    const log = agentLog();
    assert.ok(
      log.some((l) => l.cancel),
      'session/cancel reached the agent',
    );
    assert.deepEqual(
      log.filter((l) => l.permission).map((l) => [l.permission, l.outcome]),
      [
        ['p1', { outcome: 'cancelled' }],
        ['p2', { outcome: 'cancelled' }],
      ],
    );
  });

  it('kills an agent that ignores session/cancel once the grace runs out', async () => {
    const run = backend('ignore-cancel').start(request({ mode: 'edit' }));
    for await (const e of run.events) if (e.t === 'text') break;
    const pid = run.pid!;
    await run.cancel({ graceMs: 300 });
    assert.equal((await run.finished).status, 'cancelled');
    assert.throws(() => process.kill(pid, 0), 'the agent process is gone');
  });

  it('resumes with session/resume when offered, and with session/load (history not replayed as events) else', async () => {
    const resumed = await backend('basic').resume({ ...request({ mode: 'full' }), resumeSessionId: 'sess-old' })
      .finished;
    assert.equal(resumed.sessionId, 'sess-old');
    assert.deepEqual(agentLog().find((l) => l.resume)?.resume, {
      sessionId: 'sess-old',
      cwd: path.join(dir, 'wt'),
      mcpServers: [],
      additionalDirectories: [extra],
    });
    const run = backend('load').resume({ ...request({ mode: 'full' }), resumeSessionId: 'sess-old' });
    const events = await collect(run);
    assert.ok(agentLog().some((l) => l.load));
    assert.ok(!events.some((e) => e.t === 'text' && e.text === 'old history'));
    assert.equal((await run.finished).status, 'error'); // the script refuses an unknown scenario's prompt
  });

  it('starts a new session, with a notice, when the agent no longer has the one to resume', async () => {
    const run = backend('unknown-session').resume({ ...request({ mode: 'full' }), resumeSessionId: 'sess-gone' });
    const events = await collect(run);
    const result = await run.finished;
    assert.equal(result.status, 'success', result.errorMessage);
    assert.equal(result.sessionId, 'sess-1');
    assert.ok(
      events.some(
        (e) => e.t === 'notice' && /could not resume session sess-gone \(.*Resource not found/.test(e.message),
      ),
      JSON.stringify(events.filter((e) => e.t === 'notice')),
    );
    assert.deepEqual(
      agentLog()
        .map((l) => Object.keys(l)[0])
        .filter((k) => k !== 'initialize'),
      ['resume', 'new', 'prompt'],
    );
  });

  it('hands the sandbox what the agent may write: its worktree, its SpecTask folder, its CLI state', async () => {
    const launched: AgentInvocation[] = [];
    const host: AgentHost = {
      launch: (inv) => (launched.push(inv), localAgentHost.launch(inv)),
      isAlive: (i) => localAgentHost.isAlive(i),
      killTreeOf: (i) => localAgentHost.killTreeOf(i),
    };
    const sandboxed = new AcpBackend(
      {
        name: 'scripted',
        label: 'Scripted',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCENARIO: 'unknown-session', ACP_SCRIPT_LOG: logFile },
        sandboxState: 'claude-cli',
      },
      { graceMs: 1000, host },
    );
    await sandboxed.start(request({ mode: 'full' }, { stateDir: path.join(dir, 'state') })).finished;
    assert.deepEqual(launched[0]?.sandbox, {
      writable: [path.join(dir, 'wt'), extra],
      stateDirs: [path.join(dir, 'state')],
      backend: 'claude-cli',
      // The node binary and the agent's script, named by absolute path: readable even under a hidden /tmp.
      programFiles: [process.execPath, AGENT],
    });
    const gemini = BUILTIN_ACP_AGENTS.find((a) => a.name === 'gemini')!;
    assert.deepEqual(acpCommandFor(gemini, request({ mode: 'full' })).args.slice(-1), [
      `--include-directories=${extra}`,
    ]);
  });

  it('refuses a resume id that is not a plain session id, and reports an agent error as an error', async () => {
    const bad = await backend('basic').resume({ ...request({ mode: 'full' }), resumeSessionId: '--yolo' }).finished;
    assert.equal(bad.status, 'crashed');
    assert.match(bad.errorMessage ?? '', /refusing to pass/);
    const auth = await backend('auth').start(request({ mode: 'full' })).finished;
    assert.equal(auth.status, 'error');
    assert.match(auth.errorMessage ?? '', /Authentication required \[-32000\].*sign the agent in/);
  });

  it('passes only allow-listed variables and reports a missing binary as crashed', async () => {
    const be = new AcpBackend(
      { name: 'x', label: 'X', command: 'spectask-no-such-acp-agent', args: [], installHint: 'npm i x' },
      { sourceEnv: { PATH: process.env.PATH } },
    );
    assert.match((await be.probe()).problem ?? '', /was not found on PATH\. Install it: npm i x/);
    const r = await be.start(request({ mode: 'full' })).finished;
    assert.equal(r.status, 'crashed');
    assert.match(r.errorMessage ?? '', /agent binary not found/);
  });
});
