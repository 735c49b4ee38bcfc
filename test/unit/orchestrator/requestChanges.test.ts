import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { SpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { replay } from '../../support/replayBackend';
import { git } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

// Request changes is one intent (issue 19, item 5): the comments, their "sent" marks and the move to spec revision
// are one commit (the ReviewService's), and the revision starts only after it, as its own later move. The
// coordinator kicks the scheduler from the ReviewService's afterTransition, once that commit is made.
describe('Orchestrator: Request changes on a spec', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  /** A spec planned, reviewed and sent back once with one comment on design.md; `prompts` gets every prompt. */
  async function revisedOnce(prompts: string[] = []): Promise<{ harness: Harness; id: string }> {
    const harness = (h = await makeHarness(async (ctx) => {
      prompts.push(ctx.req.prompt);
      await replay.writeSpec(ctx, 'Audit the login', 2);
      return { text: 'done' };
    }));
    const id = await harness.orchestrator.create(
      { title: 'Audit the login', prompt: 'Log every login.' },
      { startPlanning: true },
    );
    await waitForStatus(harness, id, 'spec_review');
    await harness.orchestrator.requestSpecChanges(id, [
      { document: 'design.md', line: 3, quote: 'One module.', comment: 'Say where the log lives.' },
    ]);
    await waitForStatus(harness, id, 'spec_review');
    return { harness, id };
  }

  it('commits the comments with the move to spec revision, before the revision starts', async () => {
    const { harness, id } = await revisedOnce();
    await harness.idle();

    const wt = harness.docs.location.worktreePath;
    const rel = path.relative(wt, path.join(harness.orchestrator.task(id)!.path, 'spectask.json'));
    const [sentIn] = git(wt, 'log', '--reverse', '--format=%H %s', '-S', 'sentInRevision', '--', rel).split('\n');
    assert.match(sentIn, /request changes \(1 comment\): status spec_review → spec_revision$/);
    const committed = JSON.parse(git(wt, 'show', `${sentIn.split(' ')[0]}:${rel}`)) as SpecTaskRecord;
    assert.equal(committed.status, 'spec_revision');
    assert.deepEqual(
      committed.reviewComments.map((c) => [c.comment, (c as { sentInRevision?: number }).sentInRevision]),
      [['Say where the log lives.', 1]],
    );
    // The revision ran on the committed comments, as its own later move.
    const history = harness.orchestrator.task(id)!.record!.history.map((x) => x.to);
    assert.deepEqual(history.slice(-3), ['spec_revision', 'spec_generation', 'spec_review']);
  });

  it("gives the revision each open comment's id and asks which were addressed (addressed.json)", async () => {
    const prompts: string[] = [];
    const { harness, id } = await revisedOnce(prompts);
    const commentId = harness.orchestrator.task(id)!.record!.reviewComments[0]!.id;
    const revision = prompts.at(-1)!;
    assert.ok(revision.includes(`[id ${commentId}]`), revision);
    assert.match(revision, /addressed\.json/);
  });
});
