import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentBackend, StartRequest } from '../../src/core/agents/agentBackend';
import { createClaudeBackend } from '../../src/core/agents/claudeBackend';
import { createCodexBackend } from '../../src/core/agents/codexBackend';
import { CustomCommandBackend } from '../../src/core/agents/customCommandBackend';
import { createGeminiBackend } from '../../src/core/agents/geminiBackend';
import { SandboxedAgentHost } from '../../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox } from '../../src/core/agents/sandbox/sandboxProbe';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer } from './fakes/fakeServer';
import { startGeminiFake } from './fakes/geminiFake';
import { startOpenAiFake } from './fakes/openaiFake';
import { agentCli } from './support/agentClis';
import { collect, shape } from './support/events';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

/** Homes outside /tmp (which the sandbox makes private anyway): only hiding the home keeps the secret unreadable. */
const HOMES = path.resolve('test-results', 'sandbox-e2e-homes');

/**
 * Issue 18's containment, with the real agent CLIs in full-permission mode (their own guards off): each is asked
 * by its fake model to plant a git hook, point `core.fsmonitor` at a program, read a secret in the home, write
 * outside its worktree and commit. Only the sandbox stands in the way; the write in the worktree still works.
 */
describe('The agent sandbox with the real CLIs (claude, codex, gemini, a custom command)', function () {
  let repo: TempRepo;
  let home: string;
  let outside: string;
  let fake: FakeServer | undefined;
  const secret = `planted-secret-${randomUUID()}`;
  const host = () => new SandboxedAgentHost({ userHome: home });

  before(async function () {
    const status = await probeSandbox();
    if (!status.available) {
      console.log(`    skipped: the bubblewrap sandbox cannot run here: ${status.reason}`);
      this.skip();
    }
  });
  beforeEach(() => {
    repo = makeTempRepo('sandbox');
    fs.mkdirSync(HOMES, { recursive: true });
    home = fs.mkdtempSync(path.join(HOMES, 'home-'));
    fs.writeFileSync(path.join(home, 'secret'), `${secret}\n`);
    outside = path.join(HOMES, `outside-${path.basename(home)}.txt`);
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    repo.cleanup();
    fs.rmSync(HOMES, { recursive: true, force: true });
  });

  const commonDir = () => path.join(repo.root, '.git');
  const pwned = () => path.join(repo.scratch, 'pwned');
  /** The attacks, one shell command each (a refused one must not stop the next), then the allowed write. */
  const attacks = () => [
    `mkdir -p ${commonDir()}/hooks && printf '#!/bin/sh\\ntouch ${pwned()}\\n' > ${commonDir()}/hooks/post-commit && chmod +x ${commonDir()}/hooks/post-commit`,
    `printf '[core]\\n\\tfsmonitor = touch ${pwned()}\\n' >> ${commonDir()}/config`,
    `cat ${home}/secret > leak.txt; cat ~/secret >> leak.txt`,
    `echo escaped > ${outside}`,
    `git add -A && git -c user.name=a -c user.email=a@b commit -m 'agent commit'`,
    `printf 'hello\\n' > hello.txt`,
  ];
  const request = (over: Partial<StartRequest>): StartRequest => ({
    taskId: '000001',
    worktree: repo.worktree,
    prompt: 'Do task T1 in tasks.md.',
    permissions: { mode: 'full' },
    limits: { wallClockMs: 120_000 },
    ...over,
  });

  /** Runs the scenario and checks the host: the work landed, no attack did. */
  async function runAndCheck(backend: AgentBackend, req: StartRequest): Promise<void> {
    const run = backend.start(req);
    const events = await collect(run);
    const result = await run.finished;
    assert.notEqual(result.status, 'error', `${result.errorMessage} | ${shape(events)}`);
    assert.equal(fs.readFileSync(path.join(repo.worktree, 'hello.txt'), 'utf8'), 'hello\n', shape(events));
    assert.ok(!fs.existsSync(path.join(commonDir(), 'hooks', 'post-commit')), 'a hook was planted');
    assert.ok(!fs.readFileSync(path.join(commonDir(), 'config'), 'utf8').includes('fsmonitor'), 'fsmonitor was set');
    const leak = path.join(repo.worktree, 'leak.txt');
    assert.ok(!fs.existsSync(leak) || !fs.readFileSync(leak, 'utf8').includes(secret), 'the secret was read');
    assert.ok(!fs.existsSync(outside), 'a file outside the worktree was written');
    assert.deepEqual(repo.commits(), [], 'the agent committed');
    assert.ok(!fs.existsSync(pwned()), 'a planted program ran');
  }

  it('claude (bypassPermissions): every attack refused, the worktree write works', async function () {
    this.timeout(180_000);
    const anthropic = await startAnthropicFake(path.join(repo.scratch, 'fake'));
    fake = anthropic;
    anthropic.setScript([
      ...attacks().map((command) => ({ tool: { name: 'Bash', input: { command, description: 'step' } } })),
      { text: 'Done.' },
    ]);
    const backend = createClaudeBackend({
      binary: agentCli('claude'),
      graceMs: 3000,
      host: host(),
      sourceEnv: { ...process.env, HOME: home },
    });
    await runAndCheck(
      backend,
      request({
        model: 'fake-claude',
        endpoint: { baseUrl: anthropic.url, apiKey: `sk-ant-e2e-${randomUUID()}` },
        stateDir: path.join(repo.scratch, 'claude-state'),
      }),
    );
  });

  it('codex (danger-full-access): every attack refused, the worktree write works', async function () {
    this.timeout(180_000);
    const openai = await startOpenAiFake(path.join(repo.scratch, 'fake'));
    fake = openai;
    openai.setScript([
      ...attacks().map((cmd) => ({ tool: { name: 'exec_command', input: { cmd } } })),
      { text: 'Done.' },
    ]);
    const backend = createCodexBackend({
      binary: agentCli('codex'),
      graceMs: 3000,
      host: host(),
      sourceEnv: { ...process.env, HOME: home },
    });
    await runAndCheck(
      backend,
      request({
        model: 'fake-codex',
        endpoint: { baseUrl: `${openai.url}/v1`, apiKey: `sk-e2e-${randomUUID()}` },
        stateDir: path.join(repo.scratch, 'codex-home'),
      }),
    );
  });

  it("codex's own bubblewrap sandbox (workspace-write) still runs its shell inside ours", async function () {
    this.timeout(180_000);
    const openai = await startOpenAiFake(path.join(repo.scratch, 'fake'));
    fake = openai;
    const spec = path.join(HOMES, 'spec');
    fs.mkdirSync(spec);
    openai.setScript([
      { tool: { name: 'exec_command', input: { cmd: `printf 'hello\\n' > hello.txt && echo n > ${spec}/notes.md` } } },
      { text: 'Done.' },
    ]);
    const backend = createCodexBackend({
      binary: agentCli('codex'),
      graceMs: 3000,
      host: host(),
      sourceEnv: { ...process.env, HOME: home },
    });
    const run = backend.start(
      request({
        model: 'fake-codex',
        endpoint: { baseUrl: `${openai.url}/v1`, apiKey: `sk-e2e-${randomUUID()}` },
        stateDir: path.join(repo.scratch, 'codex-home'),
        permissions: { mode: 'edit' },
        extraDirs: [spec],
      }),
    );
    const events = await collect(run);
    assert.equal((await run.finished).status, 'success', shape(events));
    assert.equal(fs.readFileSync(path.join(repo.worktree, 'hello.txt'), 'utf8'), 'hello\n', shape(events));
    assert.equal(fs.readFileSync(path.join(spec, 'notes.md'), 'utf8'), 'n\n', 'the SpecTask folder is writable');
  });

  it('gemini (yolo): every attack refused, the worktree write works', async function () {
    this.timeout(180_000);
    const gemini = await startGeminiFake(path.join(repo.scratch, 'fake'));
    fake = gemini;
    gemini.setScript([
      ...attacks().map((command) => ({ tool: { name: 'run_shell_command', input: { command, description: 'step' } } })),
      { text: 'Done.' },
    ]);
    const backend = createGeminiBackend({
      binary: agentCli('gemini'),
      graceMs: 3000,
      host: host(),
      sourceEnv: { ...process.env, HOME: home },
    });
    await runAndCheck(
      backend,
      request({
        model: 'gemini-2.5-pro',
        endpoint: { baseUrl: gemini.url, apiKey: `AIza-e2e-${randomUUID()}` },
        stateDir: path.join(repo.scratch, 'gemini-home'),
      }),
    );
  });

  it('a custom command (a shell script): every attack refused, the worktree write works', async function () {
    this.timeout(60_000);
    // Beside the homes: /tmp is private inside the sandbox, so the script must live elsewhere to be run at all.
    const script = path.join(HOMES, 'agent.sh');
    fs.writeFileSync(
      script,
      `${attacks()
        .map((a) => `(${a}) || true`)
        .join('\n')}\n`,
      { mode: 0o755 },
    );
    const backend = new CustomCommandBackend('Custom', { command: '/bin/sh', args: [script] }, { host: host() });
    await runAndCheck(backend, request({}));
  });
});
