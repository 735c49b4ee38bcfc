import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  AgentHost,
  AgentInvocation,
  AgentProcess,
  KillTreeOptions,
  ProcessIdentity,
} from '../../../src/core/agents/agentHost';
import { AgentPool } from '../../../src/core/agents/agentPool';
import { localAgentHost, LocalAgentHost } from '../../../src/core/agents/localAgentHost';
import { createProcessBackends } from '../../../src/core/orchestrator/backends';
import { OPENAI_COMPAT_BACKEND } from '../../../src/core/agents/openAiCompatBackend';
import type { FakeServer } from '../../e2e/fakes/fakeServer';
import { startOpenAiFake } from '../../e2e/fakes/openaiFake';
import { baseRequest } from './fixtureReplay';

/** A host that records what goes through the port and delegates to the local host. */
class RecordingHost implements AgentHost {
  readonly launches: AgentInvocation[] = [];
  readonly kills: KillTreeOptions[] = [];
  readonly asked: ProcessIdentity[] = [];
  private readonly inner = new LocalAgentHost();

  launch(invocation: AgentInvocation): AgentProcess {
    this.launches.push(invocation);
    const p = this.inner.launch(invocation);
    const kills = this.kills;
    return {
      get pid() {
        return p.pid;
      },
      stdin: p.stdin,
      stdout: p.stdout,
      stderr: p.stderr,
      exited: p.exited,
      closed: p.closed,
      identity: () => p.identity(),
      killTree: (o?: KillTreeOptions) => {
        kills.push(o ?? {});
        return p.killTree(o);
      },
      killLeftovers: () => p.killLeftovers(),
    };
  }
  isAlive(identity: ProcessIdentity): Promise<boolean> {
    this.asked.push(identity);
    return this.inner.isAlive(identity);
  }
  killTreeOf(identity: ProcessIdentity): Promise<void> {
    this.asked.push(identity);
    return this.inner.killTreeOf(identity);
  }
}

describe('every back-end starts its processes through the injected AgentHost', function () {
  this.timeout(20_000);
  let dir: string;
  let fakeCli: string;
  let host: RecordingHost;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'host-port-')));
    // Stands in for every agent CLI: prints nothing, or waits when told to (for the cancel test).
    fakeCli = path.join(dir, 'fake-agent');
    fs.writeFileSync(fakeCli, `#!/bin/sh\n[ "$WAIT" = 1 ] && exec sleep 30\nexit 0\n`, { mode: 0o755 });
    host = new RecordingHost();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the CLI back-ends and the custom command launch their agent on the host, with their own argv and priority', async () => {
    const backends = createProcessBackends({
      claudePath: fakeCli,
      codexPath: fakeCli,
      geminiPath: fakeCli,
      custom: { command: fakeCli, args: ['--cwd', '{cwd}', '{prompt}'] },
      sourceEnv: { PATH: process.env.PATH, HOME: dir, PLANTED_SECRET: 'leak-me' },
      host,
    });
    assert.deepEqual(
      backends.map((b) => b.id),
      ['claude-cli', 'codex', 'gemini', 'openai-compat', 'custom'],
    );
    for (const b of backends.filter((x) => x.id !== 'openai-compat'))
      await b.start(baseRequest({ worktree: dir, prompt: 'Do T1.', cpuPriority: 'normal' })).finished;
    assert.equal(host.launches.length, 4);
    for (const inv of host.launches) {
      assert.equal(inv.command, fakeCli);
      assert.equal(inv.cwd, dir);
      assert.equal(inv.cpuPriority, 'normal');
      assert.equal(inv.env.PLANTED_SECRET, undefined, 'the allow-listed environment, not the host one');
    }
    assert.ok(host.launches[0]!.args.includes('stream-json'), 'claude: its own stream-json argv');
    assert.equal(host.launches[1]!.args[0], 'exec', 'codex: codex exec');
    assert.deepEqual(host.launches[3]!.args, ['--cwd', dir, 'Do T1.'], 'custom: the template, expanded');
  });

  it('cancelling a run kills its tree through the host: soft interrupt, then the grace period', async () => {
    const [custom] = createProcessBackends({
      custom: { command: fakeCli, args: ['{prompt}'], env: { WAIT: '1' } },
      host,
    }).filter((b) => b.id === 'custom');
    const run = custom!.start(baseRequest({ worktree: dir }));
    assert.ok(await run.processIdentity!(), 'the identity of the started process');
    await run.cancel({ graceMs: 200 });
    assert.deepEqual(host.kills, [{ softSignal: 'SIGINT', graceMs: 200 }]);
    assert.equal((await run.finished).status, 'cancelled');
  });

  describe('the tool loop (OpenAI-compatible back-end from the registry)', () => {
    let fake: FakeServer;
    beforeEach(async () => (fake = await startOpenAiFake(path.join(dir, 'fake'))));
    afterEach(() => fake.close());

    it('runs its commands on the host', async () => {
      const wt = path.join(dir, 'wt');
      fs.mkdirSync(wt);
      execFileSync('git', ['init', '-q'], { cwd: wt });
      fake.setScript([{ tool: { name: 'run_command', input: { command: 'git status --short' } } }, { text: 'Done.' }]);
      const backend = OPENAI_COMPAT_BACKEND.create({ openai: { baseUrl: `${fake.url}/v1`, model: 'local' }, host })!;
      const r = await backend.start(
        baseRequest({ worktree: wt, permissions: { mode: 'edit+commands', allow: ['git status'] } }),
      ).finished;
      assert.equal(r.status, 'success');
      assert.deepEqual(
        host.launches.map((l) => [l.command, l.args, l.cwd, l.stdin]),
        [['git', ['status', '--short'], wt, 'ignore']],
      );
    });
  });

  it('the pool offers its host to ledger resume; the local host by default', () => {
    const injected = new AgentPool({ backends: [], maxConcurrent: 1, sweepIntervalMs: 0, host });
    const plain = new AgentPool({ backends: [], maxConcurrent: 1, sweepIntervalMs: 0 });
    try {
      assert.equal(injected.host, host);
      assert.equal(plain.host, localAgentHost);
    } finally {
      injected.dispose();
      plain.dispose();
    }
  });
});
