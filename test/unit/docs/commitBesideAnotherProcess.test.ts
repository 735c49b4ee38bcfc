import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocCommitter } from '../../../src/core/docs/docCommitter';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { writtenFileSignatureSync } from '../../../src/core/docs/writtenFileCheck';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

/**
 * Two processes commit to one design-docs worktree: a window and `spectask mark` run by an agent, or two windows.
 * Each has its own git queue, so their gits run at once, and git's commit moves HEAD only from the head it read:
 * one that read it before the other's commit landed is refused ("cannot lock ref 'HEAD': is at … but expected …",
 * seen failing a review comment in a CI run of the integration tier). Such a commit is made again on the new head.
 */
describe('design-docs commits beside another process committing to the same branch', function () {
  this.timeout(120_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('every commit of both lands, none refused because the other moved HEAD meanwhile', async () => {
    const repo = makeRepo();
    const first = track(new GitQueueRegistry());
    const dd = await openDesignDocs(repo, { registry: first });
    dd.store.dispose();
    const wt = dd.location.worktreePath;
    const second = track(new GitQueueRegistry());
    const rounds = 120;
    const side = async (registry: GitQueueRegistry, name: string, wholeFiles: boolean): Promise<void> => {
      const queue = registry.forRepo(dd.repo.root);
      const committer = track(new DocCommitter(queue, wt, dd.location.branch));
      fs.mkdirSync(path.join(wt, name), { recursive: true });
      for (let i = 0; i < rounds; i++) {
        const file = `${name}/f${i % 4}.md`;
        const done = await queue.enqueue('write', async () => {
          const abs = path.join(wt, file);
          // Written whole (by rename), as the store writes: once tracked, such a file commits with `--only`.
          fs.writeFileSync(`${abs}.tmp`, `${name} ${i}\n`);
          fs.renameSync(`${abs}.tmp`, abs);
          const whole = wholeFiles && i >= 4;
          const written = new Map([[file, writtenFileSignatureSync(abs)!]]);
          const change = { taskId: '000001', summary: `${name} ${i}`, files: [file] };
          return { done: committer.commit(whole ? { ...change, wholeTrackedFiles: true, written } : change) };
        });
        await done.done;
      }
    };
    await Promise.all([side(first, 'a', false), side(second, 'b', true)]);
    // Every write of both is in a commit of the branch (a plain commit takes the whole index, so a change the
    // other had just staged may land in the other's commit: its content, not its message, is what must not be lost).
    for (const name of ['a', 'b'])
      for (let f = 0; f < 4; f++) {
        const file = `${name}/f${f}.md`;
        const versions = git(wt, 'log', '--format=%H', '--', file)
          .split('\n')
          .map((sha) => git(wt, 'show', `${sha}:${file}`));
        for (let i = f; i < rounds; i += 4) assert.ok(versions.includes(`${name} ${i}`), `${file}: ${name} ${i}`);
      }
    assert.equal(git(wt, 'status', '--porcelain'), '');
  });
});
