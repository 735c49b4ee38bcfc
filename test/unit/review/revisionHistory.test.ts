import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { previousRevisionCommit } from '../../../src/core/review/revisionHistory';
import { replay } from '../../support/replayBackend';
import { git } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// "Compare with revision N-1" (issue 22): the design-docs history holds the documents as they were reviewed.
describe('previousRevisionCommit', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('finds the documents as reviewed before the revision, and nothing before the first revision', async () => {
    h = await makeHarness(async (ctx) => {
      await replay.writeSpec(ctx, 'Revised', 2);
      if (ctx.req.prompt.includes('requested changes to the spec'))
        fs.appendFileSync(path.join(ctx.taskFolder, 'design.md'), '\nRevised after review.\n');
      return { text: 'done' };
    });
    const id = await h.orchestrator.create({ title: 'Revised', prompt: 'x' }, { startPlanning: true });
    await waitForStatus(h, id, 'spec_review');
    const worktree = h.docs.location.worktreePath;
    const folder = path.relative(worktree, h.orchestrator.task(id)!.path);
    const runner = new GitRunner(worktree);
    assert.equal(await previousRevisionCommit(runner, worktree, folder), undefined, 'no revision yet');
    const reviewed = fs.readFileSync(path.join(h.orchestrator.task(id)!.path, 'design.md'), 'utf8');

    await h.orchestrator.requestSpecChanges(id, [{ document: 'design.md', line: 1, quote: '', comment: 'More.' }]);
    for (let t0 = Date.now(); h.backend.calls.length < 2 && Date.now() - t0 < 20_000;)
      await new Promise((r) => setTimeout(r, 20));
    await waitForStatus(h, id, 'spec_review');
    assert.notEqual(fs.readFileSync(path.join(h.orchestrator.task(id)!.path, 'design.md'), 'utf8'), reviewed);
    const sha = await previousRevisionCommit(runner, worktree, folder);
    assert.ok(sha && /^[0-9a-f]{40}$/.test(sha), String(sha));
    assert.equal(git(worktree, 'show', `${sha}:${folder}/design.md`), reviewed.trim()); // git() trims
  });
});
