import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localAgentHost } from '../../../src/core/agents/localAgentHost';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { integrateOne } from '../../../src/core/orchestrator/integration/integrateOne';
import { keptScratchPath, removeScratch } from '../../../src/core/orchestrator/integration/scratchWorktrees';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { CodeWorktrees, codeWorktreeFor } from '../../../src/core/orchestrator/codeWorktrees';
import { commitWorktree, ItemCommits } from '../../../src/core/orchestrator/itemCommits';
import { DEFAULT_INTEGRATION } from '../../../src/core/orchestrator/settings';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, FIND_GIT_SUBCOMMAND, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

/**
 * A git that runs the real one and logs each subcommand that printed nothing at all. simple-git waits 50 ms
 * after such a command (its completion check), inside the repository's one queue (issue 24).
 */
function silenceLoggingGit(): { bin: string; silent: () => string[] } {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = tempDir('silence-logging-git-');
  const log = path.join(dir, 'silent.log');
  const bin = path.join(dir, 'git');
  fs.writeFileSync(
    bin,
    `#!/bin/sh
${FIND_GIT_SUBCOMMAND}
out=$(mktemp); err=$(mktemp)
'${real}' "$@" >"$out" 2>"$err"; s=$?
[ -s "$out" ] || [ -s "$err" ] || echo "$sub $*" >> '${log}'
cat "$out"; cat "$err" >&2; rm -f "$out" "$err"; exit $s
`,
    { mode: 0o755 },
  );
  return { bin, silent: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('git commands on the integration and item-commit paths print something (no 50 ms wait each)', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('an integration into a checked-out base, and an item commit, run no silent git command (the scratch worktree removal aside)', async () => {
    const repo = makeCleanRepo(); // the user is on `main`, the base: its checkout is checked and fast-forwarded
    git(repo, 'branch', 'spectask/000001-t');
    const wtPath = path.join(tempDir('task-wt-'), 'wt');
    git(repo, 'worktree', 'add', '-q', wtPath, 'spectask/000001-t');
    const fake = silenceLoggingGit();
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    const queue = registry.forRepo(repo);
    const wt = { path: wtPath, branch: 'spectask/000001-t', baseBranch: 'main' };
    fs.writeFileSync(path.join(wtPath, 'task.txt'), 'done\n');
    await queue.enqueue('item', (g) =>
      commitWorktree(g, { number: '000001', worktree: wt }, 'T1: do it', { allowEmpty: true }),
    );
    const commonDir = path.join(repo, '.git');
    const scratch = keptScratchPath(commonDir);
    const outcome = await integrateOne({
      queue,
      host: localAgentHost,
      repoRoot: repo,
      commonDir,
      wt,
      number: '000001',
      title: 'task',
      settings: { ...DEFAULT_INTEGRATION, testCommand: 'true' },
      outputFile: path.join(commonDir, 'spectask', 'integration-logs', '000001.log'),
      scratch,
    });
    await queue.enqueue('clean up', (g) => removeScratch(g, scratch));
    assert.equal(outcome.kind, 'merged');
    assert.equal(git(repo, 'show', 'main:task.txt'), 'done');
    assert.deepEqual(
      fake.silent().filter((c) => !c.startsWith('worktree ')),
      [],
      'silent git commands (each costs a 50 ms wait)',
    );
  });

  it("a run's start and end (a new task branch, two items ticked at once, the leftovers, the verdict's status) run no silent git command but the first item's log", async () => {
    const repo = makeCleanRepo();
    const fake = silenceLoggingGit();
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    const worktrees = new CodeWorktrees(repo, registry.forRepo(repo));
    const wt = codeWorktreeFor(repo, '000003_overhead', 'main');
    await worktrees.ensure(wt); // the branch is new: its existence check fails
    const items = parseChecklist('# Implementation Tasks: x\n\n- [ ] T1: one\n- [ ] T2: two\n').items;
    const commits = new ItemCommits(worktrees);
    const task = { number: '000003', worktree: wt };
    assert.deepEqual(await commits.commitTicked(task, items), [], 'before the run: nothing ticked');
    fs.writeFileSync(path.join(wt.path, 'one.txt'), '1\n');
    const ticked = items.map((i) => ({ ...i, state: 'done' as const }));
    assert.deepEqual(await commits.commitTicked(task, ticked), ['T1: one', 'T2: two']);
    assert.equal(await commits.commitLeftovers(task, 'left'), false);
    assert.equal((await worktrees.status(wt)).clean, true);
    assert.equal((await worktrees.commitsSinceBase(wt)).length, 2);
    // Left: the log of a branch with no commit yet prints nothing; only a GitRunner that does not wait can help.
    assert.deepEqual(
      fake.silent().map((c) => c.split(' ')[0]),
      ['log'],
      'silent git commands (each costs a 50 ms wait)',
    );
  });
});
