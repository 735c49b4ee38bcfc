import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { CodeWorktrees } from '../../src/core/orchestrator/codeWorktrees';
import { disposeAfterEach } from '../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../support/tempRepo';

// Deterministic reproductions of the two bugs the random agent kills found (each needed a kill at one exact
// instant, so the random suite hit them only once in ~100 kills).
describe('faults: regressions found by the agent-kill suite', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(() => cleanupTemp());

  it('an agent killed inside its own `git commit` leaves index.lock, HEAD.lock or the branch ref lock: the next run removes them', async () => {
    const repo = makeRepo();
    const registry = track(new GitQueueRegistry());
    const wts = new CodeWorktrees(repo, registry.forRepo(repo));
    const wt = { path: path.join(repo, '.git-worktrees', '000001_x'), branch: 'spectask/000001-x', baseBranch: 'main' };
    await wts.ensure(wt);
    const gitDir = git(wt.path, 'rev-parse', '--absolute-git-dir');
    const locks = [
      path.join(gitDir, 'index.lock'),
      path.join(gitDir, 'HEAD.lock'),
      path.join(repo, '.git', 'refs', 'heads', 'spectask', '000001-x.lock'),
    ];
    for (const l of locks) fs.writeFileSync(l, ''); // what a SIGKILLed `git add`/`git commit` leaves behind
    await wts.ensure(wt); // the orchestrator calls this before every run
    for (const l of locks) assert.equal(fs.existsSync(l), false, `the stale ${path.basename(l)} was removed`);
    fs.writeFileSync(path.join(wt.path, 'f.txt'), 'x\n');
    git(wt.path, 'add', 'f.txt');
    git(wt.path, 'commit', '-q', '-m', 'works again'); // commit needs HEAD.lock and the ref lock free
  });

  it('an agent killed between truncating and rewriting tasks.md: the emptied checklist is restored as last committed', async () => {
    const repo = makeRepo();
    const registry = track(new GitQueueRegistry());
    const docs = await openDesignDocs(repo, { registry });
    track({
      dispose: async () => {
        docs.store.dispose();
        await registry.forRepo(docs.repo.root).whenIdle();
      },
    });
    const s = await docs.store.create({ title: 'Torn' });
    const d = await docs.store.get(s.id);
    const file = path.join(d.path, 'tasks.md');
    fs.writeFileSync(file, '# Tasks\n\n- [x] T1: a\n- [ ] T2: b\n');
    await docs.store.commitFolder(s.id, 'tick');
    fs.writeFileSync(file, ''); // the torn write
    assert.equal(await docs.store.restoreEmptiedChecklist(s.id), true);
    assert.equal(fs.readFileSync(file, 'utf8'), '# Tasks\n\n- [x] T1: a\n- [ ] T2: b\n');
    // A checklist with content is never touched.
    fs.writeFileSync(file, '# Tasks\n\n- [x] T1: a\n- [x] T2: b\n');
    assert.equal(await docs.store.restoreEmptiedChecklist(s.id), false);
    assert.match(fs.readFileSync(file, 'utf8'), /- \[x\] T2/);
  });
});
