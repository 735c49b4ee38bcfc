import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { planningVerdict } from '../../../src/core/orchestrator/completion';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, makeRepo } from '../../support/tempRepo';

describe('planningVerdict', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  // Found by test/faults/planningKill.test.ts: a planning agent SIGKILLed while writing tasks.md left
  // "# Implementation Tasks: …\n\n- [ ] T1: Add t" — a heading and one item — and the spec went to review.
  it('never accepts the documents of a run that was cut short, even when they look complete', async () => {
    const repo = makeRepo();
    const registry = track(new GitQueueRegistry());
    const docs = await openDesignDocs(repo, { registry });
    track({
      dispose: async () => {
        docs.store.dispose();
        await registry.forRepo(docs.repo.root).whenIdle();
      },
    });
    const s = await docs.store.create({ title: 'Cut' });
    const d0 = await docs.store.get(s.id);
    fs.writeFileSync(
      path.join(d0.path, 'requirements.md'),
      '# Requirements: Cut\n\n- WHEN x THE SYSTEM SHALL y.\n\n## Open Questions\n\nNone.\n',
    );
    fs.writeFileSync(path.join(d0.path, 'design.md'), '# Design: Cut\n\nSmall.\n');
    fs.writeFileSync(path.join(d0.path, 'tasks.md'), '# Implementation Tasks: Cut\n\n- [ ] T1: Add t');
    const d = await docs.store.get(s.id);
    assert.deepEqual(
      await planningVerdict(d, undefined, 'success'),
      { ok: true },
      'a run that finished is judged by its files',
    );
    assert.deepEqual(
      await planningVerdict(d, undefined, 'denied'),
      { ok: true },
      'a refused tool does not cut the documents short',
    );
    for (const status of ['crashed', 'timeout', 'cancelled'] as const) {
      const v = await planningVerdict(d, undefined, status);
      assert.equal(v.ok, false, status);
      assert.match(
        !v.ok ? v.problems.join('; ') : '',
        new RegExp(`cut off mid-way: the planning run did not finish \\(${status}\\)`),
      );
    }
  });
});
