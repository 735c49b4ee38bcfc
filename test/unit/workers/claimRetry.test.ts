import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { ReplayBackend } from '../../support/replayBackend';
import { cleanupTemp } from '../../support/tempRepo';
import { makeRemoteWorld } from './remoteWorld';

const SETTINGS: OrchestratorSettings = {
  ...DEFAULT_SETTINGS,
  planning: { backend: 'custom' },
  implementation: { backend: 'custom' },
  reconcileIntervalMs: 0, // no reconcile tick: only the retry can start the task again
  maxNudges: 0,
  maxRetries: 0,
  autoStart: false,
};

// A CI run of `localRelease`: a task's claim was refused once (the remote's branch moved under it, pushed by the
// other tasks' ends), its card said "trying again", and nothing tried again: with no other change and no reconcile
// tick, it stayed queued. A refused claim now brings another pass a moment later.
describe('a claim the remote refused is tried again by itself', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('a refused claim and nothing else happening: the task is claimed and runs within seconds', async () => {
    const remote = makeRemoteWorld();
    // The remote refuses the first push that creates a claim, then takes them.
    const once = path.join(remote.bare, 'refuse-next-claim');
    fs.writeFileSync(
      path.join(remote.bare, 'hooks', 'pre-receive'),
      [
        '#!/bin/sh',
        'while read old new ref; do case "$ref" in refs/spectask/claims/*)',
        `  if [ -e '${once}' ]; then rm '${once}'; echo 'not now' >&2; exit 1; fi;; esac; done`,
      ].join('\n'),
      { mode: 0o755 },
    );
    fs.writeFileSync(once, '');
    const registry = track(new GitQueueRegistry());
    const backend = new ReplayBackend(async () => ({ text: 'done' }));
    const opened = track(
      await openOrchestrator(remote.clone(), {
        registry,
        backends: [backend],
        settings: () => SETTINGS,
        createBranch: false,
        push: true,
        claims: { pollMs: 60_000 },
      }),
    );
    const o = opened.orchestrator;
    await o.start();
    const id = await o.create({ title: 'Refused once', prompt: 'work' }, { skipPlanning: true });
    for (const t0 = Date.now(); fs.existsSync(once) && Date.now() - t0 < 20_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(!fs.existsSync(once), 'a claim push reached the remote (the hook refused it once)');
    for (const t0 = Date.now(); backend.calls.length === 0 && Date.now() - t0 < 15_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(backend.calls.length, 1, `the task ran after the refusal (status ${o.task(id)?.status})`);
  });
});
