import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, FIND_GIT_SUBCOMMAND, git, makeRepo, tempDir } from '../../support/tempRepo';

/** A git that logs each subcommand with its arguments, then runs the real git. */
function loggingGit(): { bin: string; calls: () => string[] } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = tempDir('quiet-commit-git-');
  const log = path.join(dir, 'git.log');
  const bin = path.join(dir, 'git');
  fs.writeFileSync(bin, `#!/bin/sh\n${FIND_GIT_SUBCOMMAND}\necho "$sub $*" >> '${log}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  return { bin, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

// Issue 24: `git commit` without -q prints a diffstat of the new commit (git reads and diffs every changed file
// again, a third of a 16-file commit). Design-docs commits are quiet, and the commit is named without a process.
describe('design-docs commits are quiet and need no rev-parse', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('marks, transitions and folder commits run `commit -q` only, and report the commit HEAD names', async () => {
    const fake = loggingGit();
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    const t = await dd.store.create({ title: 'Quiet' });
    fs.writeFileSync(path.join(t.path, 'tasks.md'), '# Implementation Tasks: Quiet\n\n- [ ] T1: one\n- [ ] T2: two\n');
    const before = fake.calls().length;
    const folder = await dd.store.commitFolder(t.id, 'checklist');
    const wt = dd.location.worktreePath;
    assert.equal(folder?.sha, git(wt, 'rev-parse', 'HEAD').trim());
    const marks = await Promise.all([
      dd.store.mark(t.id, { index: 0 }, 'done'),
      dd.store.mark(t.id, { index: 1 }, 'doing'),
    ]);
    assert.equal(marks[1].commit?.sha, git(wt, 'rev-parse', 'HEAD').trim());
    const seen: string[] = [];
    track(dd.store.onDidCommit((c) => seen.push(c.sha)));
    await dd.store.transition(t.id, 'start_planning');
    assert.deepEqual(seen, [git(wt, 'rev-parse', 'HEAD').trim()]);
    const calls = fake.calls().slice(before);
    const commits = calls.filter((c) => c.startsWith('commit '));
    assert.ok(commits.length >= 3, calls.join('\n'));
    assert.deepEqual(
      commits.filter((c) => !c.includes(' commit -q ')),
      [],
      'every commit is quiet',
    );
    assert.deepEqual(
      calls.filter((c) => c.startsWith('rev-parse')),
      [],
      'no rev-parse names a commit',
    );
  });
});
