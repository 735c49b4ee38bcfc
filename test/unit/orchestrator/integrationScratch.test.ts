import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { removeScratch } from '../../../src/core/orchestrator/integration/scratchWorktrees';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

describe('scratch worktrees of the integration queue', () => {
  after(cleanupTemp);
  const listed = (repo: string, p: string) => git(repo, 'worktree', 'list', '--porcelain').includes(p);

  it('removes a scratch worktree, one whose folder is gone, and does nothing where there is none', async () => {
    const repo = makeCleanRepo();
    const g = new GitRunner(repo);
    const scratch = path.join(fs.realpathSync(tempDir('spectask-scratch-')), '1-000001');
    git(repo, 'worktree', 'add', '-q', '--detach', scratch, 'main');
    await removeScratch(g, scratch);
    assert.ok(!fs.existsSync(scratch) && !listed(repo, scratch), 'removed and unregistered');

    git(repo, 'worktree', 'add', '-q', '--detach', scratch, 'main');
    fs.rmSync(scratch, { recursive: true, force: true }); // the folder went, git still lists it
    await removeScratch(g, scratch);
    assert.ok(!listed(repo, scratch), 'a listed worktree without its folder is unregistered');
    git(repo, 'worktree', 'add', '-q', '--detach', scratch, 'main'); // and the path can be used again
    await removeScratch(g, scratch);

    fs.mkdirSync(scratch); // a half-made folder git never registered
    await removeScratch(g, scratch);
    assert.ok(!fs.existsSync(scratch));
    await removeScratch(g, scratch); // nothing there: nothing to do, no error
  });
});
