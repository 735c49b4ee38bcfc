import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcpBackend } from '../../../../src/core/agents/acp/acpBackend';
import { openOrchestratorHarness, type OrchestratorHarness } from '../../../support/orchestratorHarness';
import { cleanupTemp, makeCleanRepo } from '../../../support/tempRepo';

/** A real ACP agent process that asks a person (test/fixtures/agents/acp-asking-agent.mjs). */
const AGENT = path.resolve(__dirname, '../../../../../test/fixtures/agents/acp-asking-agent.mjs');

// Issue 20: a question whose agent is gone cannot be answered any more. When the agent process dies while a
// person's answer is pending (it crashed, or something killed it), the question must leave every surface that
// lists it — the card and the tree (the task's run view), the status bar count and "Answer the Agent" (the
// PermissionRoom's waiting list) — and its notification is told it is stale.
describe('a pending question of an ACP agent that died', function () {
  this.timeout(60_000);
  let h: OrchestratorHarness | undefined;
  let scratch: string;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    cleanupTemp();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const open = async (env: Record<string, string>) => {
    const backend = new AcpBackend(
      {
        name: 'asking',
        label: 'Asking',
        command: process.execPath,
        args: [AGENT],
        installHint: '',
        env: { ACP_SCRIPT_LOG: path.join(scratch, 'agent.log'), ...env },
      },
      { graceMs: 1000 },
    );
    h = await openOrchestratorHarness(makeCleanRepo(), {
      backends: [backend],
      settings: { planning: { backend: 'acp' }, implementation: { backend: 'acp' }, permissionTimeoutMs: 0 },
    });
    const o = h.orchestrator;
    const settled: string[] = [];
    o.permissions.onDidSettle((s) => settled.push(s.requestId));
    const id = await o.create({ title: 'Fetch the example page', backend: 'acp' }, { startPlanning: true });
    const card = () => o.fleetSnapshot().cards.find((c) => c.taskId === id);
    const view = () => o.taskViews().find((t) => t.id === id);
    const waitFor = async <T>(fn: () => T | undefined, what: string): Promise<T> => {
      for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
        const v = fn();
        if (v) return v;
        if (Date.now() - t0 > 30_000)
          throw new Error(`${what}: ${JSON.stringify({ card: card(), status: view()?.status })} ${h?.logs.join('\n')}`);
      }
    };
    const asked = await waitFor(() => card()?.permissionRequest, 'the card shows the question');
    assert.equal(o.permissions.waiting(id).length, 1);
    const pid = lines()[0]!.pid as number;
    return { o, id, card, view, waitFor, asked, settled, pid };
  };

  const lines = () =>
    fs
      .readFileSync(path.join(scratch, 'agent.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  const assertGone = async (t: Awaited<ReturnType<typeof open>>) => {
    await t.waitFor(() => (/failed$/.test(t.view()?.status ?? '') ? true : undefined), 'the run ends as failed');
    // Everything that lists questions reads these three: the room (Answer the Agent, the notification), the
    // task's run view (tree item, status bar count) and the card.
    await t.waitFor(() => (t.o.permissions.waiting(t.id).length === 0 ? true : undefined), 'the room forgets it');
    assert.deepEqual(t.view()?.waiting ?? [], []);
    assert.equal(t.card()?.permissionRequest, undefined);
    assert.deepEqual(t.settled, [t.asked.requestId], 'the notification is told the question is stale');
    assert.equal(t.o.permissions.answer(t.id, t.asked.requestId, 'allow_once'), false, 'a late answer does nothing');
  };

  it('leaves every list when the agent crashes while it waits', async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acp-died-'));
    const t = await open({ ACP_DIE_ON: path.join(scratch, 'die') });
    fs.writeFileSync(path.join(scratch, 'die'), '');
    await assertGone(t);
  });

  it('leaves every list when the agent crashes and a child of it keeps its output open', async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acp-orphan-'));
    const t = await open({ ACP_DIE_ON: path.join(scratch, 'die'), ACP_ORPHAN: '1' });
    const orphan = lines().find((l) => l.orphan)?.orphan as number;
    try {
      fs.writeFileSync(path.join(scratch, 'die'), '');
      await assertGone(t);
    } finally {
      try {
        process.kill(-orphan, 'SIGKILL');
      } catch {
        // gone already (the run's end kills what is left of the agent's tree)
      }
    }
  });

  it('leaves every list when the agent is killed while it waits', async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'acp-killed-'));
    const t = await open({});
    process.kill(t.pid, 'SIGKILL');
    await assertGone(t);
  });
});
