import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localAgentHost } from '../../../src/core/agents/localAgentHost';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { integrateOne } from '../../../src/core/orchestrator/integration/integrateOne';
import {
  integrationDir,
  keptScratchPath,
  removeScratch,
} from '../../../src/core/orchestrator/integration/scratchWorktrees';
import { DEFAULT_INTEGRATION } from '../../../src/core/orchestrator/settings';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { makeHarness, waitForStatus } from '../../support/orchestratorHarness';
import { replay } from '../../support/replayBackend';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

/** A git that appends each command line it runs to a log, then runs the real git. */
function loggingGit(): { bin: string; commands: () => string[] } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = tempDir('logging-git-');
  const log = path.join(dir, 'git.log');
  const bin = path.join(dir, 'git');
  fs.writeFileSync(bin, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  return { bin, commands: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('scratch worktrees of the integration queue', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
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

  /** A repository on `main` (the user is on `work`) with `n` task branches of one commit each. */
  function repoWithTasks(n: number): string {
    const repo = makeCleanRepo();
    for (let i = 1; i <= n; i++) {
      git(repo, 'checkout', '-qb', `spectask/00000${i}-t`, 'main');
      fs.writeFileSync(path.join(repo, `task-${i}.txt`), `task ${i}\n`);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', `task ${i}`);
    }
    git(repo, 'checkout', '-qb', 'work', 'main');
    return repo;
  }

  function integrate(repo: string, registry: GitQueueRegistry, n: number, scratch: string, testCommand = 'true') {
    const commonDir = path.join(repo, '.git');
    return integrateOne({
      queue: registry.forRepo(repo),
      host: localAgentHost,
      repoRoot: repo,
      commonDir,
      wt: { path: repo, branch: `spectask/00000${n}-t`, baseBranch: 'main' },
      number: `00000${n}`,
      title: `task ${n}`,
      settings: { ...DEFAULT_INTEGRATION, testCommand },
      outputFile: path.join(commonDir, 'spectask', 'integration-logs', `00000${n}.log`),
      scratch,
    });
  }

  it('keeps one scratch worktree: a second integration resets it instead of adding one', async () => {
    const repo = repoWithTasks(3);
    const fake = loggingGit();
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    // The first run's test leaves output behind, ignored or not; the next one must not see it.
    fs.writeFileSync(path.join(repo, '.gitignore'), 'build/\n');
    git(repo, 'add', '.gitignore');
    git(repo, 'commit', '-qm', 'ignore build', '--', '.gitignore');
    git(repo, 'branch', '-f', 'main', 'work');
    const scratch = keptScratchPath(fs.realpathSync(path.join(repo, '.git')));
    const first = await integrate(repo, registry, 1, scratch, 'mkdir -p build && touch build/out stray.txt');
    assert.equal(first.kind, 'merged');
    assert.ok(fs.existsSync(path.join(scratch, 'stray.txt')), 'the scratch worktree is kept');
    const seen = path.join(tempDir('seen-'), 'seen');
    assert.equal((await integrate(repo, registry, 2, scratch, `ls -a > ${seen}`)).kind, 'merged');
    assert.equal((await integrate(repo, registry, 3, scratch)).kind, 'merged');
    assert.equal(fake.commands().filter((c) => / worktree add /.test(c)).length, 1, 'one `git worktree add` for three');
    assert.equal(fake.commands().filter((c) => / worktree remove /.test(c)).length, 0, 'and no removal');
    assert.doesNotMatch(fs.readFileSync(seen, 'utf8'), /stray\.txt|build/, "the previous test's files are gone");
    assert.match(fs.readFileSync(seen, 'utf8'), /task-2\.txt/);
    assert.equal(git(repo, 'rev-list', '--count', 'main'), '5');
    const scratches = git(repo, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((l) => l.includes(`${path.sep}spectask${path.sep}integration${path.sep}`));
    assert.equal(scratches.length, 1);
  });

  it('replaces a kept scratch worktree that a crash left mid-rebase, and integrates as usual', async () => {
    const repo = repoWithTasks(2);
    const registry = track(new GitQueueRegistry());
    const scratch = keptScratchPath(fs.realpathSync(path.join(repo, '.git')));
    assert.equal((await integrate(repo, registry, 1, scratch)).kind, 'merged');
    // A rebase stopped on a conflict and never aborted (the process died), plus a change in a tracked file.
    git(scratch, 'checkout', '-q', '--detach', 'spectask/000002-t');
    fs.writeFileSync(path.join(scratch, 'task-1.txt'), 'conflicting\n');
    git(scratch, 'add', '.');
    git(scratch, 'commit', '-qm', 'conflicting');
    assert.throws(() => git(scratch, 'rebase', '-q', 'main'));
    fs.writeFileSync(path.join(scratch, 'task-2.txt'), 'half-edited\n');
    assert.equal((await integrate(repo, registry, 2, scratch)).kind, 'merged');
    assert.equal(git(repo, 'show', 'main:task-2.txt'), 'task 2');
    assert.equal(git(repo, 'show', 'main:task-1.txt'), 'task 1');
    assert.equal(git(scratch, 'status', '--porcelain'), '');
  });

  it('the orchestrator keeps one for a burst of integrations and removes it once its queue has drained', async () => {
    const h = await makeHarness(async (ctx) => replay.implement(ctx, /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1]!));
    try {
      const ids: string[] = [];
      for (const title of ['First', 'Second']) {
        const id = await h.orchestrator.create({ title });
        const tasks = `# Implementation Tasks: ${title}\n\n- [ ] T1: do it\n`;
        fs.writeFileSync(path.join(h.orchestrator.task(id)!.path, 'tasks.md'), tasks);
        await h.orchestrator.skipPlanning(id);
        await waitForStatus(h, id, 'implementation_review');
        ids.push(id);
      }
      const dir = integrationDir(fs.realpathSync(path.join(h.repo, '.git')));
      const seen = new Set<string>();
      const look = () => fs.existsSync(dir) && fs.readdirSync(dir).forEach((n) => seen.add(n));
      const watch = setInterval(look, 5);
      try {
        await Promise.all(ids.map((id) => h.orchestrator.accept(id)));
        await h.orchestrator.whenIntegrationIdle();
      } finally {
        clearInterval(watch);
      }
      for (const id of ids) assert.equal(h.orchestrator.task(id)!.status, 'done');
      assert.ok(seen.size <= 1, `one scratch worktree for both: ${[...seen].join(', ')}`);
      assert.deepEqual(fs.readdirSync(dir), [], 'no scratch worktree is left once the queue drained');
      assert.doesNotMatch(git(h.repo, 'worktree', 'list'), /spectask\/integration/);
    } finally {
      await h.dispose();
    }
  });
});
