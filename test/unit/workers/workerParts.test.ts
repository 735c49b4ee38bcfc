import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { makeStatusCommit } from '../../../src/core/workers/statusCommit';
import { chooseClaims, type ClaimableTask } from '../../../src/core/workers/workerSchedule';
import { cleanupTemp, git, makeCleanRepo } from '../../support/tempRepo';
import { runCli } from '../cli/runCli';

describe('worker parts: what to claim, the status commit, the command line', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  const task = (n: number, status: ClaimableTask['status'], extra: Partial<ClaimableTask['record']> = {}) => ({
    id: String(n).padStart(6, '0'),
    number: String(n).padStart(6, '0'),
    status,
    record: { priority: 'medium' as const, dependsOn: [], ...extra },
  });

  it('chooses like the scheduler: priority first, dependencies honoured, claimed tasks skipped', () => {
    const tasks = [
      task(1, 'queued_implementation'),
      task(2, 'queued_implementation', { priority: 'critical' }),
      task(3, 'queued_implementation', { dependsOn: ['000004'] }),
      task(4, 'implementation'),
      task(5, 'queued_spec_generation'),
      task(6, 'backlog'),
    ];
    assert.deepEqual(
      chooseClaims(tasks, new Set(), 2).map((d) => [d.taskId, d.trigger]),
      [
        ['000005', 'planning_slot_free'],
        ['000002', 'implementation_slot_free'],
      ],
    );
    // Another worker's running SpecTask takes no slot of ours; a claimed one is never chosen.
    assert.deepEqual(
      chooseClaims(tasks, new Set(['000002', '000005']), 5).map((d) => d.taskId),
      ['000001'],
    );
    assert.deepEqual(chooseClaims(tasks, new Set(), 0), []);
  });

  it('claimed SpecTasks that still read queued here take no slot: the free ones behind them are chosen', () => {
    // Another worker claimed 1-3; this clone has not integrated their status commits yet.
    const tasks = [1, 2, 3, 4, 5].map((n) => task(n, 'queued_implementation'));
    assert.deepEqual(
      chooseClaims(tasks, new Set(['000001', '000002', '000003']), 2).map((d) => d.taskId),
      ['000004', '000005'],
    );
  });

  it('builds the status commit on the remote head with plumbing, leaving the worktree alone', async () => {
    const repo = makeCleanRepo();
    const rel = 'design/tasks/000007_add-login';
    fs.mkdirSync(path.join(repo, rel), { recursive: true });
    const record = { ...newSpecTaskRecord({ number: 7, title: 'Add login' }), status: 'queued_implementation' };
    fs.writeFileSync(path.join(repo, rel, 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'task 7');
    const head = git(repo, 'rev-parse', 'HEAD');
    const runner = new GitRunner(repo, 'git', undefined, undefined, new GitCommandRunner());
    const made = await makeStatusCommit(runner, head, '000007', 'implementation_slot_free', 'claimed by h:1');
    assert.ok(made);
    assert.deepEqual([made.from, made.to], ['queued_implementation', 'implementation']);
    assert.equal(git(repo, 'rev-parse', `${made.sha}^`), head);
    const after = JSON.parse(git(repo, 'show', `${made.sha}:${rel}/spectask.json`));
    assert.equal(after.status, 'implementation');
    assert.equal(after.history.at(-1).note, 'claimed by h:1');
    assert.equal(git(repo, 'rev-parse', 'HEAD'), head, 'no branch moved');
    assert.equal(git(repo, 'status', '--porcelain'), '', 'no file changed');
    // Not allowed from its status there (someone moved it first), or not there at all: nothing to claim.
    assert.equal(await makeStatusCommit(runner, made.sha, '000007', 'implementation_slot_free', 'x'), undefined);
    assert.equal(await makeStatusCommit(runner, head, '000008', 'implementation_slot_free', 'x'), undefined);
  });

  it('`spectask worker` refuses a lease or agent count that is not a positive number', async () => {
    const repo = makeCleanRepo();
    for (const bad of [
      ['--lease', '-1'],
      ['--lease', 'soon'],
      ['--max-agents', '0'],
    ]) {
      const r = await runCli(repo, 'worker', ...bad);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
      assert.match(r.err, /must be a number/);
    }
    const r = await runCli(repo, 'worker', '--remote', '--upload-pack=touch /tmp/x', '--lease', '1');
    assert.equal(r.code, 1);
    assert.match(r.err, /not a remote name/);
    assert.ok(!fs.existsSync(path.join(repo, '.git-worktrees')), 'refused before touching the clone');
  });
});
