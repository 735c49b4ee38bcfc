import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentHost, AgentInvocation, AgentProcess, ProcessIdentity } from '../../../../src/core/agents/agentHost';
import { CustomCommandAdapter } from '../../../../src/core/agents/customCommandAdapter';
import { LocalAgentHost } from '../../../../src/core/agents/localAgentHost';
import { OPENAI_COMPAT_BACKEND } from '../../../../src/core/agents/openAiCompatBackend';
import { createProcessBackends } from '../../../../src/core/orchestrator/backends';
import type { FakeServer } from '../../../e2e/fakes/fakeServer';
import { startOpenAiFake } from '../../../e2e/fakes/openaiFake';
import { baseRequest } from '../fixtureReplay';

/** Records each invocation and runs it on the local host. */
class RecordingHost implements AgentHost {
  readonly launches: AgentInvocation[] = [];
  private readonly inner = new LocalAgentHost();
  launch(invocation: AgentInvocation): AgentProcess {
    this.launches.push(invocation);
    return this.inner.launch(invocation);
  }
  isAlive(identity: ProcessIdentity): Promise<boolean> {
    return this.inner.isAlive(identity);
  }
  killTreeOf(identity: ProcessIdentity): Promise<void> {
    return this.inner.killTreeOf(identity);
  }
}

describe('the runs tell the host what a sandbox must leave writable (AgentInvocation.sandbox)', function () {
  this.timeout(20_000);
  let dir: string;
  let host: RecordingHost;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-paths-')));
    host = new RecordingHost();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a CLI run: its worktree, the SpecTask folder, its state folder and its back-end id', async () => {
    const cli = path.join(dir, 'fake-agent');
    fs.writeFileSync(cli, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const spec = path.join(dir, 'spec');
    const state = path.join(dir, 'state');
    for (const b of createProcessBackends({ claudePath: cli, codexPath: cli, geminiPath: cli, host }).filter(
      (x) => x.id !== 'openai-compat',
    ))
      await b.start(baseRequest({ worktree: dir, extraDirs: [spec], stateDir: state })).finished;
    assert.deepEqual(
      host.launches.map((l) => ({ ...l.sandbox, gitDirs: undefined })),
      ['claude-cli', 'codex', 'gemini'].map((backend) => ({
        writable: [dir, spec],
        stateDirs: [state],
        gitDirs: undefined,
        backend,
      })),
    );
  });

  it("a custom command: the template's own absolute paths stay readable, never a placeholder's value", () => {
    const adapter = new CustomCommandAdapter({
      command: 'node',
      args: ['/opt/agents/agent.mjs', '--cwd', '{cwd}', '{prompt}'],
    });
    // A prompt from the shared branch that is exactly a path must not make the sandbox show that file.
    const inv = adapter.buildInvocation(baseRequest({ worktree: dir, prompt: '/root/.ssh/id_rsa' }), {
      runId: 'r',
      sourceEnv: {},
      isRoot: false,
    });
    assert.deepEqual(inv.programFiles, ['/opt/agents/agent.mjs']);
  });

  describe('a tool-loop command', () => {
    let fake: FakeServer;
    beforeEach(async () => (fake = await startOpenAiFake(path.join(dir, 'fake'))));
    afterEach(() => fake.close());

    it('its worktree and the SpecTask folder', async () => {
      const wt = path.join(dir, 'wt');
      const spec = path.join(dir, 'spec');
      fs.mkdirSync(wt);
      fs.mkdirSync(spec);
      execFileSync('git', ['init', '-q'], { cwd: wt });
      fake.setScript([{ tool: { name: 'run_command', input: { command: 'git status --short' } } }, { text: 'Done.' }]);
      const backend = OPENAI_COMPAT_BACKEND.create({ openai: { baseUrl: `${fake.url}/v1`, model: 'local' }, host })!;
      const r = await backend.start(
        baseRequest({ worktree: wt, extraDirs: [spec], permissions: { mode: 'edit+commands', allow: ['git status'] } }),
      ).finished;
      assert.equal(r.status, 'success');
      assert.deepEqual(
        host.launches.map((l) => l.sandbox),
        [{ writable: [wt, spec] }],
      );
    });
  });
});
