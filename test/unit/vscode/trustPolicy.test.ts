import * as assert from 'node:assert/strict';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import { UNTRUSTED_MESSAGE, untrustedReason } from '../../../src/vscode/services/trustPolicy';
import { ReplayBackend } from '../../support/replayBackend';
import { makeCleanRepo } from '../../support/tempRepo';

// The extension wires `mayRunAgents` to untrustedReason(vscode.workspace.isTrusted); this checks the policy and
// that an orchestrator wired that way starts no agent until trust is granted. The whole extension in a really
// untrusted window (no git, no probe, no agent) is checked by the integration tier's trust session
// (test/integration/trust.test.ts).
describe('workspace trust policy', () => {
  it('gives the reason only for an untrusted workspace', () => {
    assert.equal(untrustedReason(true), undefined);
    assert.equal(untrustedReason(false), UNTRUSTED_MESSAGE);
    assert.match(UNTRUSTED_MESSAGE, /not trusted.*no agent starts/);
  });

  it('keeps SpecTasks queued with the reason while untrusted, and starts the agent once trusted', async function () {
    this.timeout(30_000);
    let trusted = false;
    const backend = new ReplayBackend(async () => ({ status: 'success' }));
    const settings: OrchestratorSettings = {
      ...DEFAULT_SETTINGS,
      planning: { backend: 'custom' },
      implementation: { backend: 'custom' },
      reconcileIntervalMs: 0,
    };
    const registry = new GitQueueRegistry();
    const opened = await openOrchestrator(makeCleanRepo(), {
      registry,
      backends: [backend],
      settings: () => settings,
      mayRunAgents: () => untrustedReason(trusted),
    });
    try {
      await opened.orchestrator.start();
      const id = await opened.orchestrator.create({ title: 'Add a health endpoint' }, { startPlanning: true });
      const queued = async () => {
        for (let i = 0; i < 100; i++) {
          const v = opened.orchestrator.taskViews().find((t) => t.id === id);
          if (v?.queueReason) return v;
          await new Promise((r) => setTimeout(r, 20));
        }
        return opened.orchestrator.taskViews().find((t) => t.id === id);
      };
      const v = await queued();
      assert.equal(v?.status, 'queued_spec_generation');
      assert.equal(v?.queueReason, UNTRUSTED_MESSAGE);
      assert.equal(backend.calls.length, 0, 'no agent may start in an untrusted workspace');

      trusted = true; // what onDidGrantWorkspaceTrust does: kick the orchestrator
      opened.orchestrator.kick();
      for (let i = 0; i < 250 && backend.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(backend.calls.length, 1, 'the planning agent starts once the workspace is trusted');
    } finally {
      opened.dispose();
      registry.dispose();
    }
  });
});
