import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcpBackend } from '../../../src/core/agents/acp/acpBackend';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { RunLedger, type LedgerAgent } from '../../../src/core/orchestrator/ledger';
import { acpAgentIdentity, agentMismatch } from '../../../src/core/orchestrator/ledgerSessions';
import { openOrchestratorHarness, type OrchestratorHarness } from '../../support/orchestratorHarness';
import { cleanupTemp, makeCleanRepo } from '../../support/tempRepo';

/** A real ACP agent process (test/fixtures/agents/acp-asking-agent.mjs); it logs `resume` when asked to resume. */
const AGENT = path.resolve(__dirname, '../../../../test/fixtures/agents/acp-asking-agent.mjs');

// Issue 20: one ACP back-end drives many agents (gemini, claude-agent-acp, codex-acp, any argv). The run ledger
// records which one each run started, and a session is resumed after a restart only on the agent that holds it:
// another agent starts a fresh session, and the log says why.
describe('the run ledger records the ACP agent of each run', function () {
  this.timeout(60_000);
  let h: OrchestratorHarness | undefined;
  let scratch: string;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    cleanupTemp();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const agentNamed = (name: string, ...extra: string[]): LedgerAgent => ({
    name,
    argv: [process.execPath, AGENT, ...extra],
  });

  /** A restart: the ledger holds an ended planning run with a session; the next run starts with `now`. */
  const nextRunAfterRestart = async (before: LedgerAgent, now: LedgerAgent, interrupted = false) => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acp-ledger-'));
    const agentLog = path.join(scratch, 'agent.log');
    const repo = makeCleanRepo();
    const ledger = new RunLedger(path.join(repo, '.git'));
    const at = Date.now();
    const runId = '000001-planning-old';
    await ledger.append({
      kind: 'run-started',
      runId,
      taskId: '000001',
      phase: 'planning',
      backend: 'acp',
      agent: before,
      cwd: repo,
      at,
    });
    await ledger.append({ kind: 'run-attached', runId, sessionId: 'asking-old', at });
    if (!interrupted) await ledger.append({ kind: 'run-ended', runId, outcome: 'success', at });
    else {
      // Reloaded mid-run: the task is still planning, and the ledger's run never ended (resumeInterrupted).
      const registry = new GitQueueRegistry();
      const docs = await openDesignDocs(repo, { registry });
      const t = await docs.store.create({ title: 'Plan it again', backend: 'acp', baseBranch: 'main' });
      await docs.store.transition(t.id, 'start_planning');
      await docs.store.transition(t.id, 'planning_slot_free');
      await registry.forRepo(docs.repo.root).whenIdle();
      docs.store.dispose();
      registry.dispose();
    }
    const backend = new AcpBackend(
      {
        name: now.name,
        label: 'Asking',
        command: now.argv[0]!,
        args: now.argv.slice(1),
        installHint: '',
        env: { ACP_SCRIPT_LOG: agentLog, ACP_ASKS: '0' },
      },
      { graceMs: 1000 },
    );
    h = await openOrchestratorHarness(repo, {
      backends: [backend],
      settings: { planning: { backend: 'acp' }, implementation: { backend: 'acp' }, acpAgent: now },
    });
    const id = interrupted
      ? '000001'
      : await h.orchestrator.create({ title: 'Plan it again', backend: 'acp' }, { startPlanning: true });
    assert.equal(id, '000001');
    const lines = () =>
      fs.existsSync(agentLog)
        ? fs
            .readFileSync(agentLog, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
    for (const t0 = Date.now(); !lines().some((l) => l.prompt); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() - t0 > 30_000) throw new Error(`the agent got no prompt: ${h.logs.join('\n')}`);
    const started = (await ledger.runs()).filter((r) => r.taskId === id && r.runId !== runId);
    assert.equal(started.length, 1);
    return { run: started[0]!, agentLines: lines(), logs: h.logs };
  };

  it('records the agent, and resumes the session on the same agent', async () => {
    const agent = agentNamed('asking');
    const { run, agentLines, logs } = await nextRunAfterRestart(agent, agent);
    assert.deepEqual(run.agent, agent);
    assert.equal(run.sessionId, 'asking-old');
    assert.deepEqual(
      agentLines.filter((l) => l.resume),
      [{ resume: 'asking-old' }],
    );
    assert.ok(logs.some((l) => /resuming its agent's session asking-old/.test(l)));
  });

  it('starts a fresh session, saying why, when the session is another agent’s', async () => {
    const before = agentNamed('asking', '--profile', 'other');
    const now = agentNamed('asking');
    const { run, agentLines, logs } = await nextRunAfterRestart(before, now);
    assert.deepEqual(run.agent, now);
    assert.match(run.sessionId ?? '', /^asking-\d+$/, 'the run reported a session of its own');
    assert.deepEqual(
      agentLines.filter((l) => l.resume),
      [],
      'the other agent was never asked to resume it',
    );
    assert.ok(
      logs.some((l) =>
        /^warn: SpecTask 000001: not resuming session asking-old from the run ledger: its session is with the ACP agent 'asking' \(.*--profile.*\), not 'asking'.*; starting a fresh session$/.test(
          l,
        ),
      ),
      logs.join('\n'),
    );
  });

  it('after a reload mid-run, resumes the interrupted session only on the agent that holds it', async () => {
    const before = agentNamed('asking', '--profile', 'other');
    const now = agentNamed('asking');
    const { agentLines, logs } = await nextRunAfterRestart(before, now, true);
    assert.deepEqual(
      agentLines.filter((l) => l.resume),
      [],
      'the other agent was never asked to resume it',
    );
    assert.ok(
      logs.some((l) =>
        /^warn: SpecTask 000001: not resuming session asking-old: its session is with the ACP agent/.test(l),
      ),
      logs.join('\n'),
    );
  });

  it('compares name and argv; nothing recorded is no reason to refuse', () => {
    const a = agentNamed('gemini');
    assert.equal(agentMismatch(a, { ...a, argv: [...a.argv] }), undefined);
    assert.match(agentMismatch(a, agentNamed('goose')) ?? '', /'gemini'.*not 'goose'/);
    assert.match(agentMismatch(a, agentNamed('gemini', '--acp')) ?? '', /session is with the ACP agent/);
    assert.equal(agentMismatch(undefined, a), undefined);
    assert.equal(agentMismatch(a, undefined), undefined);
  });

  it('names the agent an ACP configuration chooses', () => {
    assert.deepEqual(acpAgentIdentity({ command: ['my-agent', '--acp'] }), {
      name: 'custom',
      argv: ['my-agent', '--acp'],
    });
    const gemini = acpAgentIdentity({ agent: 'gemini' });
    assert.equal(gemini?.name, 'gemini');
    assert.equal(gemini?.argv.includes('--acp'), true);
    assert.equal(acpAgentIdentity({ agent: 'no-such-agent' }), undefined);
    assert.equal(acpAgentIdentity(undefined), undefined);
  });
});
