import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checklistsEmptiedAt } from '../../../src/core/docs/emptiedHead';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { CommittedHead } from '../../../src/core/git/committedHead';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

// Issue 24's mark fault suite: `git commit --only` read an agent's tasks.md in the instant between its truncate
// and its write, and the committer was SIGKILLed before the amend that follows such a read. HEAD then holds the
// checklist emptied. The next committer (another `spectask mark`, the host after a reload) amends that commit with
// the file as it is back on disk, as the killed one would have: the branch's history never shows the checklist
// empty. A commit the remote already has, or a person's own commit, is never rewritten.
describe('a checklist emptied at HEAD by a committer killed before its amend', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  const CHECKLIST = '# Implementation Tasks: x\n\n- [ ] T1: a\n- [ ] T2: b\n';

  /** A SpecTask with a committed checklist, then HEAD made as the killed mark left it: `tasks.md` committed empty. */
  async function killedMark(message: string) {
    const repo = makeRepo();
    const registry = track(new GitQueueRegistry());
    const dd = await openDesignDocs(repo, { registry });
    track(dd.store);
    const s = await dd.store.create({ title: 'Killed before its amend' });
    const file = path.join(s.path, 'tasks.md');
    fs.writeFileSync(file, CHECKLIST);
    await dd.store.commitFolder(s.id, 'checklist');
    const wt = dd.location.worktreePath;
    const rel = path.relative(wt, file).split(path.sep).join('/');
    // The mark's byte, the agent's truncate, git's read of the empty file, the kill; then the agent's write.
    const ticked = CHECKLIST.replace('[ ] T1', '[x] T1');
    fs.writeFileSync(file, '');
    git(wt, 'commit', '-q', '--no-verify', '-m', message, '--only', '--', rel);
    fs.writeFileSync(file, ticked);
    return { dd, s, wt, rel, ticked, repo };
  }

  /** Every version of the checklist on the branch since it was written. */
  const versions = (wt: string, rel: string) =>
    git(wt, 'log', '--format=%H', '--', rel)
      .split('\n')
      .map((sha) => git(wt, 'show', `${sha}:${rel}`));

  it('is amended with the file by the next commit: no version of the checklist on the branch is empty', async () => {
    const { dd, s, wt, rel, ticked } = await killedMark(`spectask(000001): mark "a" done\n\nSpecTask: 000001\n`);
    const killed = git(wt, 'log', '-1', '--format=%s%n%P');
    await dd.store.mark(s.id, { index: 1 }, 'done');
    assert.deepEqual(
      versions(wt, rel).filter((v) => v === ''),
      [],
      'the emptied version is gone from the branch',
    );
    assert.equal(git(wt, 'show', `HEAD~1:${rel}`), ticked.trimEnd(), 'the killed commit holds the file as written');
    assert.equal(git(wt, 'log', '-1', '--format=%s%n%P', 'HEAD~1'), killed, 'the same message and parent');
    assert.match(git(wt, 'show', `HEAD:${rel}`), /\[x\] T1: a\n- \[x\] T2: b/);
    assert.equal(git(wt, 'status', '--porcelain'), '', 'the index agrees with HEAD');
  });

  it('is not rewritten once a remote-tracking ref has it, nor when a person made it', async () => {
    const pushed = await killedMark(`spectask(000001): mark "a" done\n\nSpecTask: 000001\n`);
    const remote = tempDir('emptied-remote-');
    git(remote, 'init', '-q', '--bare');
    git(pushed.wt, 'remote', 'add', 'origin', remote);
    git(pushed.wt, 'push', '-q', 'origin', 'HEAD:refs/heads/helix-design-docs');
    git(pushed.wt, 'fetch', '-q', 'origin');
    const head = git(pushed.wt, 'rev-parse', 'HEAD');
    await pushed.dd.store.mark(pushed.s.id, { index: 1 }, 'done');
    assert.equal(git(pushed.wt, 'rev-parse', 'HEAD~1'), head, 'the pushed commit stays as it is');

    const person = await killedMark('empty the checklist by hand\n');
    const byHand = git(person.wt, 'rev-parse', 'HEAD');
    await person.dd.store.mark(person.s.id, { index: 1 }, 'done');
    assert.equal(git(person.wt, 'rev-parse', 'HEAD~1'), byHand, "a person's commit stays as it is");
  });

  it('a folder name a crafted tree gives (`..`) never becomes a path the repair looks at or commits', async () => {
    const { wt } = await killedMark(`spectask(000001): mark "a" done\n\nSpecTask: 000001\n`);
    // A commit whose design/tasks tree also holds a folder named `..` with a checklist emptied since its parent:
    // taken as a path, it would name design/tasks.md, a file outside every task folder.
    const g = (...args: string[]) => git(wt, ...args);
    const tree = (entries: string) =>
      execFileSync('git', ['mktree'], { cwd: wt, input: entries, encoding: 'utf8' }).trim();
    const withDotDot = (tasksBlob: string) => {
      const dotdot = tree(`100644 blob ${tasksBlob}\ttasks.md\n`);
      const tasksTree = g('rev-parse', 'HEAD:design/tasks');
      const listing = execFileSync('git', ['ls-tree', tasksTree], { cwd: wt, encoding: 'utf8' });
      const tasks = tree(`${listing}040000 tree ${dotdot}\t..\n`);
      const design = execFileSync('git', ['ls-tree', 'HEAD:design'], { cwd: wt, encoding: 'utf8' }).replace(
        /^(040000 tree )[0-9a-f]+(\ttasks)$/m,
        `$1${tasks}$2`,
      );
      const root = execFileSync('git', ['ls-tree', 'HEAD'], { cwd: wt, encoding: 'utf8' }).replace(
        /^(040000 tree )[0-9a-f]+(\tdesign)$/m,
        `$1${tree(design)}$2`,
      );
      return tree(root);
    };
    const full = execFileSync('git', ['hash-object', '-w', '--stdin'], {
      cwd: wt,
      input: CHECKLIST,
      encoding: 'utf8',
    }).trim();
    const empty = execFileSync('git', ['hash-object', '-w', '--stdin'], {
      cwd: wt,
      input: '',
      encoding: 'utf8',
    }).trim();
    const parent = g('commit-tree', withDotDot(full), '-p', 'HEAD', '-m', 'spectask(000001): checklist');
    const crafted = g('commit-tree', withDotDot(empty), '-p', parent, '-m', 'spectask(000001): mark "b" done');
    // The repair's reading of it: the `..` folder emptied a checklist, yet it names no path to look at or commit.
    assert.deepEqual(checklistsEmptiedAt(new CommittedHead(wt, 'helix-design-docs'), crafted), []);
  });
});
