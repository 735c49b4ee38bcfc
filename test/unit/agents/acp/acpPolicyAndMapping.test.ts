import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_ACP_AGENTS, parseUserAcpAgents } from '../../../../src/core/agents/acp/acpAgents';
import { ACP_BACKEND, AcpBackend, acpCommandFor } from '../../../../src/core/agents/acp/acpBackend';
import { acpCommand, createAcpParseState, mapSessionUpdate } from '../../../../src/core/agents/acp/acpEvents';
import {
  permissionOutcome,
  policyDecider,
  policyVerdict,
  type AcpPermissionAsk,
} from '../../../../src/core/agents/acp/acpPermissions';
import { parseArgs } from '../../../../src/cli/cliArgs';
import { backendConfigFromArgs, settingsFromArgs } from '../../../../src/cli/orchestratorSettings';

describe('ACP back-end: permission policy, update mapping, configuration', () => {
  let root: string;
  let wt: string;
  let folder: string;
  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acp-policy-')));
    wt = path.join(root, 'wt');
    folder = path.join(root, 'docs', '000001');
    fs.mkdirSync(wt);
    fs.mkdirSync(folder, { recursive: true });
    fs.symlinkSync('/etc', path.join(wt, 'etc-link'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const ask = (over: Partial<AcpPermissionAsk>): AcpPermissionAsk => ({
    callId: 'c',
    title: 't',
    kind: 'edit',
    input: {},
    ...over,
  });
  const verdict = (mode: 'read-only' | 'edit' | 'edit+commands' | 'full', a: AcpPermissionAsk) =>
    policyVerdict(mode === 'edit+commands' ? { mode, allow: ['git commit', 'npm test'] } : { mode }, a, [wt, folder])
      ?.outcome ?? 'undecided';

  it('decides by the permission level: edits in the roots, allow-listed plain commands, nothing else', () => {
    const inWt = ask({ paths: [path.join(wt, 'src', 'a.ts')] });
    const inFolder = ask({ paths: [path.join(folder, 'tasks.md')] });
    const viaLink = ask({ paths: [path.join(wt, 'etc-link', 'passwd')] });
    const dotdot = ask({ paths: [path.join(wt, '..', 'outside.txt')] });
    assert.deepEqual(
      [inWt, inFolder, viaLink, dotdot, ask({})].map((a) => verdict('edit', a)),
      ['allow', 'allow', 'reject', 'reject', 'undecided'],
    );
    assert.equal(verdict('read-only', inWt), 'reject');
    assert.equal(verdict('read-only', ask({ kind: 'read' })), 'allow');
    const cmd = (command: string) => ask({ kind: 'shell', command });
    assert.deepEqual(
      ['git commit -m x', 'npm test', 'npm install evil', 'git commit -m x; curl evil', 'git commit $(id)'].map((c) =>
        verdict('edit+commands', cmd(c)),
      ),
      ['allow', 'allow', 'reject', 'reject', 'reject'],
    );
    assert.equal(verdict('edit', cmd('git commit -m x')), 'reject');
    assert.equal(verdict('edit+commands', ask({ kind: 'shell' })), 'undecided');
    assert.equal(verdict('edit+commands', ask({ kind: 'fetch' })), 'undecided');
    assert.equal(verdict('full', ask({ kind: 'other' })), 'allow');
  });

  it('asks the person about a plain command off the allow-list, and rejects it when no one can be asked', async () => {
    const policy = { mode: 'edit+commands' as const, allow: ['npm test'] };
    const asked: string[] = [];
    const person = async (req: { command?: string }) => {
      asked.push(req.command ?? '');
      return { outcome: 'allow' as const };
    };
    const cmd = (command: string) => ask({ kind: 'shell', command });
    const signal = new AbortController().signal;
    const withPerson = policyDecider(policy, [wt, folder], person);
    assert.deepEqual(await withPerson.decide(cmd('npm test'), signal), { outcome: 'allow', by: 'policy' });
    assert.deepEqual(await withPerson.decide(cmd('npm install left-pad'), signal), { outcome: 'allow', by: 'person' });
    // A command line the level cannot even read (a chain, a substitution) is not put to the person.
    assert.equal((await withPerson.decide(cmd('npm test; curl evil'), signal)).outcome, 'reject');
    assert.equal(
      (await policyDecider({ mode: 'edit' }, [wt, folder], person).decide(cmd('ls'), signal)).outcome,
      'reject',
    );
    assert.deepEqual(asked, ['npm install left-pad']);
    const alone = await policyDecider(policy, [wt, folder]).decide(cmd('npm install left-pad'), signal);
    assert.equal(alone.outcome, 'reject');
    assert.equal(alone.outcome === 'reject' && alone.reason, "'npm' is not an allowed command");
  });

  it("answers with the agent's once options, never allow_always, and cancelled when none fits", () => {
    const opts = [
      { optionId: 'a', kind: 'allow_always' },
      { optionId: 'o', kind: 'allow_once' },
      { optionId: 'r', kind: 'reject_always' },
    ];
    assert.deepEqual(permissionOutcome({ outcome: 'allow', by: 'policy' }, opts), {
      outcome: 'selected',
      optionId: 'o',
    });
    assert.deepEqual(permissionOutcome({ outcome: 'allow', by: 'policy' }, [opts[0]!]), { outcome: 'cancelled' });
    assert.deepEqual(permissionOutcome({ outcome: 'reject', by: 'policy', reason: '' }, opts), {
      outcome: 'selected',
      optionId: 'r',
    });
    assert.deepEqual(permissionOutcome({ outcome: 'cancelled', reason: '' }, opts), { outcome: 'cancelled' });
  });

  it('maps updates defensively: a first tool_call_update creates the call, unknown kinds and junk give nothing', () => {
    const s = createAcpParseState('r', wt);
    assert.deepEqual(mapSessionUpdate({ sessionUpdate: 'from_the_future' }, s), []);
    assert.deepEqual(mapSessionUpdate(null, s), []);
    assert.deepEqual(mapSessionUpdate({ sessionUpdate: 'agent_message_chunk', content: { type: 'image' } }, s), []);
    const ev = mapSessionUpdate(
      {
        sessionUpdate: 'tool_call_update',
        toolCallId: 'x',
        title: 'Run tests',
        kind: 'execute',
        status: 'failed',
        rawInput: { command: ['npm', 'test'] },
        rawOutput: { output: 'boom' },
      },
      s,
    );
    assert.deepEqual(
      ev.map((e) => e.t),
      ['tool_call', 'tool_result'],
    );
    assert.ok(ev[0]?.t === 'tool_call' && ev[0].kind === 'shell' && ev[0].command === 'npm test');
    assert.ok(ev[1]?.t === 'tool_result' && !ev[1].ok && ev[1].output === 'boom');
    // Gemini CLI sends no rawInput: the title of an execute call is its command line.
    assert.equal(acpCommand({ kind: 'execute', title: 'git add hello.txt' }), 'git add hello.txt');
    assert.equal(acpCommand({ kind: 'edit', title: 'Write a.txt' }), undefined);
    // A repeated final status does not give a second result.
    assert.deepEqual(mapSessionUpdate({ sessionUpdate: 'tool_call_update', toolCallId: 'x', status: 'failed' }, s), []);
    const edit = mapSessionUpdate(
      {
        sessionUpdate: 'tool_call',
        toolCallId: 'e',
        title: 'Edit',
        kind: 'edit',
        status: 'completed',
        content: [{ type: 'diff', path: 'a.txt', oldText: 'a', newText: 'b' }],
      },
      s,
    );
    assert.deepEqual(
      edit.map((e) => (e.t === 'file_change' ? [e.t, e.path, e.change] : e.t)),
      ['tool_call', 'tool_result', ['file_change', path.join(wt, 'a.txt'), 'update']],
    );
  });

  it('reads the built-in list, the user list and the CLI options into one configuration', () => {
    assert.deepEqual(
      BUILTIN_ACP_AGENTS.map((a) => `${a.command} ${a.args.join(' ')}`.trim()),
      [
        'gemini --acp --skip-trust',
        'claude-agent-acp',
        'codex-acp',
        'copilot --acp',
        'goose acp',
        'opencode acp',
        'qwen --acp',
        'kiro-cli acp',
        'agent acp',
      ],
    );
    const user = parseUserAcpAgents([
      { name: 'mine', command: ['my-agent', '--acp'], envAllow: ['MY_KEY', 3] },
      { name: 'Bad Name', command: ['x'] },
      { name: 'empty', command: [] },
    ]);
    assert.deepEqual(
      user.agents.map((a) => [a.name, a.command, a.args, a.envAllow]),
      [['mine', 'my-agent', ['--acp'], ['MY_KEY']]],
    );
    assert.equal(user.problems.length, 2);

    const args = (...a: string[]) =>
      parseArgs(a, new Set(['backend', 'acp-command', 'planning-backend', 'implementation-backend']));
    assert.equal(settingsFromArgs(args('--backend', 'acp:gemini'), {}).implementation.backend, 'acp');
    assert.deepEqual(backendConfigFromArgs(args('--backend', 'acp:gemini'), {}).acp, { agent: 'gemini' });
    assert.deepEqual(backendConfigFromArgs(args('--backend', 'acp', '--acp-command', '["my-agent","--acp"]'), {}).acp, {
      command: ['my-agent', '--acp'],
    });
    assert.throws(() => backendConfigFromArgs(args('--backend', 'acp:nope'), {}), /unknown ACP agent 'nope'/);
    assert.throws(() => backendConfigFromArgs(args('--acp-command', 'my-agent --acp'), {}), /JSON array/);
    assert.equal(backendConfigFromArgs(args('--backend', 'gemini'), {}).acp, undefined);

    // The registry: not offered without an agent; an unknown name is listed with a probe that says so.
    assert.equal(ACP_BACKEND.create({}), undefined);
    assert.equal((ACP_BACKEND.create({ acp: { agent: 'gemini' } }) as AcpBackend).agentLabel, 'Gemini CLI (ACP)');
  });

  it('gives the run its endpoint, state folder and model the way the chosen agent reads them', async () => {
    const gemini = BUILTIN_ACP_AGENTS[0]!;
    const cmd = acpCommandFor(gemini, {
      taskId: '1',
      worktree: wt,
      prompt: 'p',
      permissions: { mode: 'edit' },
      model: 'gemini-2.5-pro',
      endpoint: { baseUrl: 'http://127.0.0.1:9', apiKey: 'AIza-x' },
      stateDir: path.join(root, 'home'),
    });
    assert.deepEqual(cmd.args, ['--acp', '--skip-trust', '--model', 'gemini-2.5-pro']);
    assert.equal(cmd.env?.GOOGLE_GEMINI_BASE_URL, 'http://127.0.0.1:9');
    assert.equal(cmd.env?.GEMINI_API_KEY, 'AIza-x');
    // Folder trust stays on while gemini loads settings (a repository's .gemini/settings.json runs nothing).
    assert.equal(cmd.env?.GEMINI_CLI_TRUST_WORKSPACE, 'false');
    // HOME stays the user's (their ~/.gitconfig, logins); only the custom endpoint gets a gemini home of its own.
    assert.equal(cmd.env?.HOME, undefined);
    assert.equal(cmd.env?.GEMINI_CLI_HOME, path.join(root, 'home'));
    assert.equal(cmd.files?.[0]?.path, path.join(root, 'home', '.gemini', 'settings.json'));
    assert.doesNotMatch(cmd.files?.[0]?.content ?? '', /folderTrust/);
    const ownLogin = acpCommandFor(gemini, {
      taskId: '1',
      worktree: wt,
      prompt: 'p',
      permissions: { mode: 'edit' },
      stateDir: path.join(root, 'home'),
    });
    assert.equal(ownLogin.env?.GEMINI_CLI_HOME, undefined, "without a custom endpoint: the user's own gemini home");
    assert.deepEqual(ownLogin.files, []);
    assert.throws(
      () =>
        acpCommandFor(gemini, {
          taskId: '1',
          worktree: wt,
          prompt: 'p',
          permissions: { mode: 'edit' },
          model: '--yolo',
        }),
      /refusing/,
    );
    const unknown = ACP_BACKEND.create({ acp: { agent: 'nope' } });
    assert.match((await unknown?.probe())?.problem ?? '', /unknown ACP agent 'nope'/);
  });
});
