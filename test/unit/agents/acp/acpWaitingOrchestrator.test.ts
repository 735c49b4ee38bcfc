import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcpBackend } from '../../../../src/core/agents/acp/acpBackend';
import { openOrchestratorHarness, type OrchestratorHarness } from '../../../support/orchestratorHarness';
import { cleanupTemp, makeCleanRepo } from '../../../support/tempRepo';

/** The scripted agent, built next to this test by `node esbuild.mjs --tests`. */
const AGENT = path.join(__dirname, 'scriptedAcpAgent.js');

// The whole path of "waiting for you" through a real orchestrator: the run supervisor hands the task's asker
// to the ACP run, the request shows on the task's card, and the answer (as the surfaces give it) lets it go on.
describe('ACP "waiting for you" through the orchestrator', function () {
  this.timeout(60_000);
  let h: OrchestratorHarness | undefined;
  let log: string;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    cleanupTemp();
    fs.rmSync(log, { force: true });
  });

  it('shows the request on the card and continues the run after Allow once', async () => {
    const repo = makeCleanRepo();
    log = path.join(os.tmpdir(), `acp-orch-${process.pid}-${Date.now()}.log`);
    const backend = new AcpBackend(
      {
        name: 'scripted',
        label: 'Scripted',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCENARIO: 'person', ACP_SCRIPT_LOG: log },
      },
      { graceMs: 1000 },
    );
    h = await openOrchestratorHarness(repo, {
      backends: [backend],
      settings: { planning: { backend: 'acp' }, implementation: { backend: 'acp' }, permissionTimeoutMs: 0 },
    });
    const o = h.orchestrator;
    const id = await o.create({ title: 'Fetch the example page', backend: 'acp' }, { startPlanning: true });
    const card = () => o.fleetSnapshot().cards.find((c) => c.taskId === id);
    const waitFor = async <T>(fn: () => T | undefined, what: string): Promise<T> => {
      for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
        const v = fn();
        if (v) return v;
        if (Date.now() - t0 > 40_000) throw new Error(`${what}: ${JSON.stringify(card())} ${h?.logs.join('\n')}`);
      }
    };
    const first = await waitFor(() => card()?.permissionRequest, 'the card shows the request');
    assert.equal(first.title, 'Fetch https://example.com');
    assert.equal(o.taskViews().find((t) => t.id === id)?.waiting?.length, 1);
    assert.equal(o.permissions.answer(id, first.requestId, 'allow_once'), true);
    const second = await waitFor(() => {
      const r = card()?.permissionRequest;
      return r && r.requestId !== first.requestId ? r : undefined;
    }, 'the agent continues and asks again');
    assert.equal(o.permissions.answer(id, second.requestId, 'reject'), true);
    await waitFor(() => (card()?.permissionRequest ? undefined : true), 'the card waits no more');
    await waitFor(() => (fs.readFileSync(log, 'utf8').includes('"q2"') ? true : undefined), 'the agent got the answer');
    const outcomes = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { permission?: string; outcome?: { optionId?: string } })
      .filter((l) => l.permission)
      .map((l) => [l.permission, l.outcome?.optionId]);
    assert.deepEqual(outcomes, [
      ['q1', 'yes'],
      ['q2', 'no'],
    ]);
  });
});
