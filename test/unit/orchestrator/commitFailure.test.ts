import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OrchestratorNotice } from '../../../src/core/orchestrator/orchestrator';
import { replay } from '../../support/replayBackend';
import { FIND_GIT_SUBCOMMAND, git, tempDir } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

/**
 * Makes every commit on the design-docs branch fail while `blockFile` exists: a `git` put in front of the real
 * one on PATH refuses `commit` when the branch checked out where it runs is the design-docs branch (the host's
 * git runs no repository hooks, so a hook cannot inject this). The agents' own commits on their task branches go
 * through. Returns what undoes it.
 */
function blockDocsCommits(dir: string, blockFile: string): () => void {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = path.join(dir, 'fake-git-bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, 'git'),
    `#!/bin/sh
${FIND_GIT_SUBCOMMAND}
if [ "$sub" = commit ] && [ -e '${blockFile}' ] && [ "$('${real}' symbolic-ref -q HEAD)" = refs/heads/helix-design-docs ]; then
  echo 'No space left on device (simulated)' >&2; exit 1
fi
exec '${real}' "$@"
`,
    { mode: 0o755 },
  );
  const before = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${before ?? ''}`;
  return () => void (process.env.PATH = before);
}

// Found by test/faults/diskFull.test.ts: while the disk was full, failed tick commits were only logged (the
// user saw nothing), and once space came back the ticks stayed uncommitted until some later change.
describe('Orchestrator: design-docs commits that fail', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );
  let restorePath: (() => void) | undefined;
  afterEach(() => {
    restorePath?.();
    restorePath = undefined;
  });

  it('tells the user once, and commits what was left behind at the next reconcile', async () => {
    h = await makeHarness(async (ctx) => replay.implement(ctx, '000001', { pauseMs: 300 }));
    const block = path.join(h.repo, '.git', 'block-docs-commits');
    restorePath = blockDocsCommits(tempDir(), block);
    const notices: OrchestratorNotice[] = [];
    h.orchestrator.onDidNotice((n) => notices.push(n));
    const id = await h.orchestrator.create({ title: 'Blocked' });
    const t = h.orchestrator.task(id)!;
    const tasksFile = path.join(t.path, 'tasks.md');
    const rel = path.relative(h.docs.location.worktreePath, tasksFile);
    fs.writeFileSync(tasksFile, '# Implementation Tasks: Blocked\n\n- [ ] T1: one\n- [ ] T2: two\n- [ ] T3: three\n');
    await h.docs.store.commitFolder(id, 'checklist');
    await h.orchestrator.skipPlanning(id);
    await waitForStatus(h, id, 'implementation');
    for (const t0 = Date.now(); !/- \[[~x]\] T1/.test(fs.readFileSync(tasksFile, 'utf8')) && Date.now() - t0 < 20_000;)
      await new Promise((r) => setTimeout(r, 5));
    fs.writeFileSync(block, ''); // from now on no design-docs commit goes through
    // The agent ticks everything while no design-docs commit can be made.
    for (const t0 = Date.now(); !/- \[x\] T3/.test(fs.readFileSync(tasksFile, 'utf8')) && Date.now() - t0 < 20_000;)
      await new Promise((r) => setTimeout(r, 25));
    for (
      const t0 = Date.now();
      h.orchestrator.taskViews().find((x) => x.id === id)?.agentWorking && Date.now() - t0 < 20_000;
    )
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 500)); // the run's end tries its commits too (and fails)
    const told = notices.filter((n) => n.kind === 'error' && /Could not commit the changes of #000001/.test(n.message));
    assert.equal(told.length, 1, `one notice for the failing streak: ${notices.map((n) => n.message).join(' | ')}`);
    assert.match(told[0].message, /No space left on device \(simulated\)/);
    assert.doesNotMatch(
      git(h.docs.location.worktreePath, 'show', `HEAD:${rel}`),
      /- \[x\] T3/,
      'nothing could be committed meanwhile',
    );

    fs.rmSync(block);
    await h.orchestrator.reconcile();
    const docsWt = h.docs.location.worktreePath;
    const settled = () =>
      git(docsWt, 'status', '--porcelain') === '' &&
      git(docsWt, 'show', `HEAD:${rel}`) === fs.readFileSync(tasksFile, 'utf8').trim();
    for (const t0 = Date.now(); !settled() && Date.now() - t0 < 5000;) await new Promise((r) => setTimeout(r, 50));
    assert.equal(
      git(docsWt, 'show', `HEAD:${rel}`),
      fs.readFileSync(tasksFile, 'utf8').trim(),
      'every tick the file holds is committed',
    );
    assert.equal(git(docsWt, 'status', '--porcelain'), '', 'nothing is left uncommitted in the design-docs worktree');
  });
});
