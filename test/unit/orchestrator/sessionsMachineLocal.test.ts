import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentHost, AgentInvocation, AgentProcess, ProcessIdentity } from '../../../src/core/agents/agentHost';
import { LocalAgentHost } from '../../../src/core/agents/localAgentHost';
import { createProcessBackends } from '../../../src/core/orchestrator/backends';
import { RunLedger } from '../../../src/core/orchestrator/ledger';
import {
  disposeHarnessAfterEach,
  openOrchestratorHarness,
  type OrchestratorHarness,
} from '../../support/orchestratorHarness';
import { makeCleanRepo, tempDir } from '../../support/tempRepo';

// issue 18, item 6: `agentSessions` in spectask.json lives on the shared design-docs branch, so a teammate (or a
// remote) writes it. A value such as this one, resumed as `--resume <value>`, turned an `edit` Gemini into a shell.
const HOSTILE = '--allowed-tools=run_shell_command';
// A session is recorded once the CLI answered in it (before, the CLI may not have saved it: confirmedSession.ts).
const ANSWER = JSON.stringify({ type: 'message', role: 'assistant', content: 'Reading.', delta: true });

/** Records every argv that goes through the port; the local host runs it. */
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

async function until(
  what: string,
  ok: () => boolean | Promise<boolean>,
  logs: string[],
  timeoutMs = 15_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}\n${logs.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('agent session ids are machine-local: nothing from spectask.json reaches an agent argv', function () {
  this.timeout(40_000);
  let h: OrchestratorHarness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  /**
   * Stands in for the Gemini CLI: reports session `ses-42` (stream-json `init`), then waits (a run in progress)
   * until `<cli>.go` exists; once it does, exits at once.
   */
  function fakeGemini(): string {
    const cli = path.join(tempDir('fake-gemini-'), 'gemini');
    const init = JSON.stringify({ type: 'init', session_id: 'ses-42', model: 'fake' });
    fs.writeFileSync(cli, `#!/bin/sh\n[ -f "$0.go" ] && exit 0\necho '${init}'\necho '${ANSWER}'\nexec sleep 30\n`, {
      mode: 0o755,
    });
    return cli;
  }

  async function open(repo: string, cli: string, host: RecordingHost): Promise<OrchestratorHarness> {
    return openOrchestratorHarness(repo, {
      backends: createProcessBackends({ geminiPath: cli, host }).filter((b) => b.id === 'gemini'),
      settings: { planning: { backend: 'gemini' }, implementation: { backend: 'gemini' } },
    });
  }

  /**
   * A planning run is interrupted by a reload while a teammate's commit puts HOSTILE in the task's agentSessions;
   * `beforeRestart` may tamper further. Returns the argv of the run that the next start resumes.
   */
  async function resumeAfterRestart(
    beforeRestart: (ledger: RunLedger) => Promise<void> = async () => {},
    cli = fakeGemini(),
  ) {
    const repo = makeCleanRepo();
    const first = new RecordingHost();
    h = await open(repo, cli, first);
    const id = await h.orchestrator.create({ title: 'Greet', prompt: 'Say hi.' }, { startPlanning: true });
    const logs = h.logs;
    await until('the planning run', () => first.launches.length === 1, logs);
    const ledger = new RunLedger(h.docs.repo.commonDir);
    if (!cli.endsWith('silent')) {
      await until('its session in the ledger', async () => (await ledger.runs())[0]?.sessionId === 'ses-42', logs);
      const onDisk = JSON.parse(fs.readFileSync(path.join(h.orchestrator.task(id)!.path, 'spectask.json'), 'utf8'));
      assert.deepEqual(onDisk.agentSessions ?? {}, {}, 'nothing written to spectask.json');
    }
    await h.docs.store.update(id, 'a teammate writes agentSessions', (r) => {
      r.agentSessions = { gemini: HOSTILE, 'claude-cli': HOSTILE, codex: HOSTILE };
    });
    const record = h.orchestrator.task(id)!.record!;
    await h.dispose(); // a reload: the run stays open in the ledger
    h = undefined;
    assert.deepEqual(record.agentSessions, { gemini: HOSTILE, 'claude-cli': HOSTILE, codex: HOSTILE });
    assert.equal((await ledger.interruptedRuns()).length, 1, 'the interrupted run is in the ledger');
    await beforeRestart(ledger);
    fs.writeFileSync(`${cli}.go`, '');
    const second = new RecordingHost();
    h = await open(repo, cli, second);
    await until('the resumed run', () => second.launches.length >= 1, h.logs);
    return { argv: second.launches[0]!.args, logs: h.logs };
  }

  it('a restart resumes no session taken from spectask.json', async () => {
    // This CLI reports no session: nothing was recorded on this machine, so a fresh one must start.
    const cli = path.join(tempDir('fake-gemini-'), 'silent');
    fs.writeFileSync(cli, `#!/bin/sh\n[ -f "$0.go" ] || exec sleep 30\nexit 0\n`, { mode: 0o755 });
    const { argv } = await resumeAfterRestart(undefined, cli);
    assert.ok(!argv.some((a) => a.includes('allowed-tools')), `argv: ${argv.join(' ')}`);
    assert.ok(!argv.includes('--resume'), `argv: ${argv.join(' ')}`);
  });

  it('a restart resumes the session the agent reported here, recorded in the ledger', async () => {
    const { argv } = await resumeAfterRestart(async (ledger) => {
      const [run] = await ledger.interruptedRuns();
      assert.equal(run!.sessionId, 'ses-42', 'the session is in the machine-local ledger');
    });
    assert.deepEqual(argv.slice(argv.indexOf('--resume'), argv.indexOf('--resume') + 2), ['--resume', 'ses-42']);
  });

  it('a ledger value that is not a session id is refused with a log line, and a fresh session starts', async () => {
    const { argv, logs } = await resumeAfterRestart(async (ledger) => {
      const [run] = await ledger.interruptedRuns();
      await ledger.append({ kind: 'run-attached', runId: run!.runId, sessionId: HOSTILE, at: Date.now() });
    });
    assert.ok(!argv.some((a) => a.includes('allowed-tools')), `argv: ${argv.join(' ')}`);
    assert.ok(!argv.includes('--resume'));
    assert.ok(
      logs.some((l) =>
        /session "--allowed-tools=run_shell_command" is not a valid session id; starting a fresh/.test(l),
      ),
      logs.join('\n'),
    );
  });

  // Issue 17 item 5: revision, implementation and review changes are started by a NEW `spectask run` (or window)
  // after the last run ended; they must continue the agent's conversation, from the ledger of this machine.
  it('a phase started by a new process after the last run ended resumes the session the ledger recorded', async () => {
    const repo = makeCleanRepo();
    // Reports session ses-42 and ends at once, writing no spec: planning fails (no nudges, no retries).
    const cli = path.join(tempDir('fake-gemini-'), 'gemini');
    const init = JSON.stringify({ type: 'init', session_id: 'ses-42', model: 'fake' });
    fs.writeFileSync(cli, `#!/bin/sh\necho '${init}'\necho '${ANSWER}'\nexit 0\n`, { mode: 0o755 });
    const first = new RecordingHost();
    h = await open(repo, cli, first);
    const id = await h.orchestrator.create({ title: 'Greet', prompt: 'Say hi.' }, { startPlanning: true });
    await until('the planning run to fail', () => h!.orchestrator.task(id)?.status === 'spec_failed', h.logs);
    assert.ok(!first.launches[0]!.args.includes('--resume'), 'the first run starts a session');
    const ledger = new RunLedger(h.docs.repo.commonDir);
    assert.equal((await ledger.interruptedRuns()).length, 0, 'the run ended');
    await h.dispose();
    h = undefined;
    const second = new RecordingHost();
    h = await open(repo, cli, second);
    await h.orchestrator.retry(id);
    await until('the retried run', () => second.launches.length >= 1, h.logs);
    const argv = second.launches[0]!.args;
    assert.deepEqual(argv.slice(argv.indexOf('--resume'), argv.indexOf('--resume') + 2), ['--resume', 'ses-42']);
  });
});
