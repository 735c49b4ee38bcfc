import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS } from '../../../src/core/orchestrator/settings';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { BRANCH, world } from '../../support/syncWorld';
import { cleanupTemp, git } from '../../support/tempRepo';
import { makeRemoteWorld } from '../workers/remoteWorld';

// Issue 23, fencing: while a local claimant (VS Code or `spectask run` with spectask.pushToRemote) holds claims,
// every push of the design-docs branch must be leased on them. Sync Design Docs and the sync timer used to push
// on their own, around the fence; with a claimant they integrate only and hand the push to it.
describe('design-docs sync with a claimant publishing the branch', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  /** An orchestrator that claims: push on, in a clone of a remote (what spectask.pushToRemote opens). */
  async function openClaimant(clone: string) {
    const registry = track(new GitQueueRegistry());
    return track(
      await openOrchestrator(clone, {
        registry,
        backends: [],
        settings: () => DEFAULT_SETTINGS,
        createBranch: false,
        push: true,
      }),
    );
  }

  it('integrates without pushing and asks the claimant to push; pushes itself again once handed back', async () => {
    const w = track(await world());
    fs.writeFileSync(path.join(w.wt, 'ours.md'), 'ours\n');
    git(w.wt, 'add', 'ours.md');
    git(w.wt, 'commit', '-qm', 'ours');
    const theirs = w.teammate({ 'theirs.md': 'theirs\n' });
    let asked = 0;
    const handBack = w.dd.sync.publishThrough(async () => void asked++);
    const r = await w.dd.sync.sync();
    assert.equal(r.handedToClaimant, true);
    assert.equal(r.pushed, false);
    assert.equal(asked, 1, 'the claimant is asked to push once');
    assert.equal(git(w.bare, 'rev-parse', BRANCH), theirs, 'nothing was pushed around the claimant');
    assert.equal(r.replayed, 1, 'our commit is on top of the teammate’s, ready for the claimant');
    handBack.dispose();
    const again = await w.dd.sync.sync();
    assert.equal(again.pushed, true);
    assert.equal(again.handedToClaimant, undefined);
    assert.equal(git(w.bare, 'rev-parse', BRANCH), git(w.wt, 'rev-parse', 'HEAD'));
  });

  it('an orchestrator that claims (push on, a remote) routes every sync of its clone through its claims', async () => {
    const remote = makeRemoteWorld();
    const clone = remote.clone();
    const opened = await openClaimant(clone);
    const r = await opened.docs.sync.sync();
    assert.equal(r.handedToClaimant, true, 'Sync Design Docs and the timer do not push around the claims');
  });

  it("a claimant's refused push is told like the store's own (VS Code's warning, the CLI's line), not only logged", async () => {
    const remote = makeRemoteWorld();
    fs.writeFileSync(
      path.join(remote.bare, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "refused by policy" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const clone = remote.clone();
    const opened = await openClaimant(clone);
    const failed = new Promise<string>((resolve) => track(opened.docs.store.onDidFailPush((f) => resolve(f.message))));
    await opened.orchestrator.create({ title: 'Pushed through the claims', prompt: 'Anything.' });
    assert.match(await failed, /refused 3 times \(.*refused by policy/);
  });
});
