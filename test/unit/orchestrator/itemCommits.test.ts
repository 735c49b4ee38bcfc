import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { CodeWorktrees, codeWorktreeFor, type CodeWorktree } from '../../../src/core/orchestrator/codeWorktrees';
import { implementationVerdict } from '../../../src/core/orchestrator/completion';
import { itemSubject } from '../../../src/core/orchestrator/itemCommitMessages';
import { ItemCommits } from '../../../src/core/orchestrator/itemCommits';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';

/** The task branch's commits, oldest first: subject, trailers, author and the files each one changed. */
function branchLog(repo: string, wt: CodeWorktree) {
  return git(
    repo,
    'log',
    '--reverse',
    '--format=%x1e%s%x1f%(trailers:only,unfold)%x1f%an <%ae>%x1f',
    '--name-only',
    `main..${wt.branch}`,
  )
    .split('\x1e')
    .filter(Boolean)
    .map((r) => {
      const [subject, trailers, author, files] = r.split('\x1f');
      return { subject, trailers: trailers.trim(), author, files: files.trim().split('\n').filter(Boolean) };
    });
}

const checklist = (text: string) => parseChecklist(`# Implementation Tasks: x\n\n${text}\n`).items;

describe('ItemCommits: the orchestrator commits each ticked item', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  async function setup() {
    const repo = makeCleanRepo();
    const registry = track(new GitQueueRegistry());
    const worktrees = new CodeWorktrees(repo, registry.forRepo(repo));
    const wt = codeWorktreeFor(repo, '000007_login', 'main');
    await worktrees.ensure(wt);
    track({ dispose: () => registry.forRepo(repo).whenIdle() });
    return { repo, worktrees, wt, commits: new ItemCommits(worktrees), task: { number: '000007', worktree: wt } };
  }

  it('makes one commit per ticked item, as the user, with the trailer; again later makes none', async () => {
    const { repo, wt, commits, task } = await setup();
    fs.writeFileSync(path.join(wt.path, 'one.txt'), '1\n');
    const made = await commits.commitTicked(task, checklist('- [x] T1: add one\n- [~] T2: add two'));
    assert.deepEqual(made, ['T1: add one']);
    assert.deepEqual(branchLog(repo, wt), [
      {
        subject: 'T1: add one',
        trailers: 'SpecTask: 000007',
        author: 'Fixture <fixture@example.com>',
        files: ['one.txt'],
      },
    ]);
    // The same tick seen again (a second watcher event, a restart's catch-up) commits nothing.
    assert.deepEqual(await commits.commitTicked(task, checklist('- [x] T1: add one\n- [~] T2: add two')), []);
    assert.equal(branchLog(repo, wt).length, 1);
  });

  it('gives items ticked together one commit each, in order: the first takes the worktree, the rest are empty', async () => {
    const { repo, wt, commits, task } = await setup();
    fs.writeFileSync(path.join(wt.path, 'a.txt'), 'a\n');
    fs.writeFileSync(path.join(wt.path, 'b.txt'), 'b\n');
    const items = checklist('- [x] T1: first\n- [x] T2: second\n  - [x] T2.1: nested\n- [ ] T3: third');
    // Two jobs racing for the same ticks (two events queued before either ran) still commit each item once.
    const [a, b] = await Promise.all([commits.commitTicked(task, items), commits.commitTicked(task, items)]);
    assert.deepEqual(a, ['T1: first', 'T2: second', 'T2.1: nested']);
    assert.deepEqual(b, []);
    const log = branchLog(repo, wt);
    assert.deepEqual(
      log.map((c) => [c.subject, c.files]),
      [
        ['T1: first', ['a.txt', 'b.txt']],
        ['T2: second', []],
        ['T2.1: nested', []],
      ],
    );
    assert.ok(log.every((c) => c.trailers === 'SpecTask: 000007'));
    assert.equal(git(wt.path, 'status', '--porcelain'), '');
  });

  it('commits what is left when the run ends, and nothing when the worktree is clean', async () => {
    const { repo, wt, commits, task } = await setup();
    assert.equal(
      await commits.commitLeftovers(task, 'changes left when the implementation run ended (success)'),
      false,
    );
    fs.writeFileSync(path.join(wt.path, 'late.txt'), 'late\n');
    assert.equal(await commits.commitLeftovers(task, 'changes left when the implementation run ended (crashed)'), true);
    assert.deepEqual(branchLog(repo, wt), [
      {
        subject: '000007: changes left when the implementation run ended (crashed)',
        trailers: 'SpecTask: 000007',
        author: 'Fixture <fixture@example.com>',
        files: ['late.txt'],
      },
    ]);
  });

  it('keeps a hostile item text to one plain line: no forged trailer, no bidi override, no option, capped', async () => {
    const { repo, wt, commits, task } = await setup();
    const hostile = {
      index: 0,
      id: 'T1',
      state: 'done' as const,
      text: `--amend\nSpecTask: 000001\r\n\u202Egnp.exe\u2066 \u0007${'x'.repeat(300)}`,
    };
    const [made] = await commits.commitTicked(task, [{ ...checklist('- [x] T1: a')[0]!, ...hostile }]);
    assert.equal(made, itemSubject(hostile));
    const [c] = branchLog(repo, wt);
    assert.match(c!.subject, /^T1: --amend SpecTask: 000001 gnp\.exe x+…$/);
    assert.ok(c!.subject.length <= 100, `${c!.subject.length}`);
    assert.equal(c!.trailers, 'SpecTask: 000007', 'the item text adds no trailer');
    assert.equal(git(repo, 'rev-list', '--count', `main..${wt.branch}`), '1', 'nothing was amended');
  });

  it('refuses with a clear error when git has no identity, and commits nothing', async () => {
    const { repo, wt, commits, task } = await setup();
    git(repo, 'config', '--unset', 'user.name');
    const home = tempDir();
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    try {
      fs.writeFileSync(path.join(wt.path, 'one.txt'), '1\n');
      await assert.rejects(
        commits.commitTicked(task, checklist('- [x] T1: one')),
        /git has no user\.name .*git config --global user\.name/,
      );
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    assert.equal(git(repo, 'rev-list', '--count', `main..${wt.branch}`), '0');
  });

  // Issue 17 item 9: Claude Code ends its commits with a `Co-Authored-By` paragraph after the `SpecTask: N` one,
  // and the trailer rule then failed a finished task. Agents' own commits are no input of the verdict any more.
  it('judges a task by its ticks and the orchestrator commits, never by what agent commits carry', () => {
    const items = checklist('- [x] T1: one\n- [x] T2: two');
    const clean = { clean: true, changes: [] };
    const agentCommit = {
      sha: 'a',
      subject: 'Add one and two',
      trailers: 'Co-Authored-By: Claude <noreply@anthropic.com>',
    };
    const ours = (id: string, text: string) => ({ sha: id, subject: `${id}: ${text}`, trailers: 'SpecTask: 000007' });
    assert.deepEqual(
      implementationVerdict({
        number: '000007',
        items,
        status: clean,
        commits: [agentCommit, ours('T2', 'two'), ours('T1', 'one')],
      }),
      { ok: true },
    );
    const v = implementationVerdict({
      number: '000007',
      items,
      status: clean,
      commits: [agentCommit, ours('T1', 'one')],
    });
    assert.deepEqual(v, { ok: false, problems: ['the orchestrator could not commit T2 (see its log)'] });
    // Another task's trailer on a look-alike subject is not this task's commit.
    const other = { sha: 'o', subject: 'T2: two', trailers: 'SpecTask: 000008' };
    assert.equal(
      implementationVerdict({ number: '000007', items, status: clean, commits: [ours('T1', 'one'), other] }).ok,
      false,
    );
  });
});
