import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { AutoMaintenance, MAINTENANCE_EVERY } from '../../../src/core/git/autoMaintenance';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, FIND_GIT_SUBCOMMAND, makeRepo, tempDir } from '../../support/tempRepo';

/** A git that logs for each `commit` whether it skips git's maintenance check, then runs the real git. */
function commitLoggingGit(): { bin: string; commits: () => string[] } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = tempDir('commit-logging-git-');
  const log = path.join(dir, 'git.log');
  const bin = path.join(dir, 'git');
  fs.writeFileSync(
    bin,
    `#!/bin/sh\n${FIND_GIT_SUBCOMMAND}\nif [ "$sub" = commit ]; then case "$*" in *maintenance.auto=false*) echo skip ;; *) echo run ;; esac >> '${log}'; fi\nexec '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  return { bin, commits: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

// Issue 24: git starts (and waits for) `git maintenance run --auto` after every commit, a second process per
// tick. The orchestrator's commits let it run on one commit in MAINTENANCE_EVERY only.
describe("git's maintenance check after the orchestrator's commits", function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('runs on the first commit and then once every MAINTENANCE_EVERY commits', () => {
    const m = new AutoMaintenance(4);
    const runs = Array.from({ length: 9 }, () => m.next().length === 0);
    assert.deepEqual(runs, [true, false, false, false, true, false, false, false, true]);
    assert.deepEqual(new AutoMaintenance().next(), []);
  });

  it('is skipped on all but one in MAINTENANCE_EVERY design-docs commits (ticks and transitions)', async () => {
    const fake = commitLoggingGit();
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    const t = await dd.store.create({ title: 'Ticks' });
    const items = Array.from({ length: 40 }, (_, i) => `- [ ] T${i + 1}: item ${i + 1}`).join('\n');
    fs.writeFileSync(path.join(t.path, 'tasks.md'), `# Implementation Tasks: Ticks\n\n${items}\n`);
    await dd.store.commitFolder(t.id, 'checklist');
    for (let i = 0; i < 40; i++) await dd.store.mark(t.id, { index: i }, 'done');
    await dd.store.transition(t.id, 'start_planning');
    const commits = fake.commits();
    assert.ok(commits.length >= 43, `every change was committed: ${commits.length}`);
    const withMaintenance = commits.filter((c) => c === 'run').length;
    assert.equal(withMaintenance, Math.ceil(commits.length / MAINTENANCE_EVERY));
  });
});
