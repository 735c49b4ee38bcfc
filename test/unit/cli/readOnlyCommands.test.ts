import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, git, makeCleanRepo } from '../../support/tempRepo';
import { runCli as cli } from './runCli';

// Issue 17 item 10: looking (`fleet`, `queue`) or a mistyped id (`start 99`) on a repository without SpecTasks
// must not create the design-docs branch and its worktree: only `init`, `create` and `run` do.
describe('read-only and failing commands leave a repository without a design-docs branch alone', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  for (const argv of [['fleet'], ['fleet', '--json'], ['queue'], ['start', '99']])
    it(`spectask ${argv.join(' ')}`, async () => {
      const repo = makeCleanRepo();
      const r = await cli(repo, ...argv);
      assert.equal(r.code, 1, r.out);
      assert.match(r.err, /no design-docs branch yet .*spectask init/);
      assert.equal(git(repo, 'branch', '--list', '--all').includes('design-docs'), false, 'no branch was created');
      assert.equal(fs.existsSync(path.join(repo, '.git-worktrees')), false, 'no worktree was added');
    });

  it('once the branch exists, `start 99` names the missing SpecTask', async () => {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'init')).code, 0);
    const r = await cli(repo, 'start', '99');
    assert.equal(r.code, 1);
    assert.match(r.err, /no SpecTask '99'/);
  });
});
