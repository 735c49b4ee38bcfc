import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { replay } from '../../support/replayBackend';
import { git } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// Issue 17 item 10: "hasWorktree: true after the worktree was removed". The record names the task's branch; whether
// its worktree is on disk is a fact of this machine, looked at when the task is read.
describe('Orchestrator: a task has a worktree only while it is on disk', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('says so after planning made it, and not after it was removed', async () => {
    h = await makeHarness(async (ctx) => {
      await replay.writeSpec(ctx, 'Audit the login', 2);
      return { text: 'done' };
    });
    const id = await h.orchestrator.create(
      { title: 'Audit the login', prompt: 'Log every login.' },
      { startPlanning: true },
    );
    await waitForStatus(h, id, 'spec_review');
    await h.idle();
    const task = h.orchestrator.task(id)!;
    const worktree = h.orchestrator.worktreeOf(id)!.path;
    assert.ok(fs.existsSync(worktree), 'planning runs in the code worktree');
    assert.equal(task.record?.branch !== undefined, true);
    assert.equal(task.hasWorktree, true);

    git(h.repo, 'worktree', 'remove', '--force', worktree);
    await h.orchestrator.reconcile();
    assert.equal(h.orchestrator.task(id)!.hasWorktree, false, 'the branch is still named, but no worktree is there');
    // A record written afterwards (any intent) does not bring it back.
    await h.orchestrator.reject(id, 'not now');
    assert.equal(h.orchestrator.task(id)!.hasWorktree, false);
  });
});
