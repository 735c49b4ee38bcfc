import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { BranchDiff } from '../../../src/core/review/branchDiff';

describe('BranchDiff (implementation review)', () => {
  let dir: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  const write = (f: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'branchdiff-'));
    git('init', '-q', '-b', 'main');
    write('keep.txt', 'same\n');
    write('edit.txt', 'one\n');
    write('gone.txt', 'bye\n');
    write('src/move me.ts', 'export const x = 1;\nexport const y = 2;\nexport const z = 3;\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'spectask/000001-x');
    write('edit.txt', 'two\n');
    fs.rmSync(path.join(dir, 'gone.txt'));
    git('mv', 'src/move me.ts', 'src/moved.ts');
    write('new.txt', 'hi\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'work');
    git('checkout', '-q', 'main');
    write('later-on-main.txt', 'not part of the branch\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'main moves on');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists what the branch changed since it forked, with rename sources, not what main did since', async () => {
    const d = new BranchDiff(new GitRunner(dir));
    const files = await d.changedFiles('main', 'spectask/000001-x');
    assert.deepEqual(
      files.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { status: 'M', path: 'edit.txt' },
        { status: 'D', path: 'gone.txt' },
        { status: 'A', path: 'new.txt' },
        { status: 'R', path: 'src/moved.ts', oldPath: 'src/move me.ts' },
      ],
    );
  });

  it('shows a file at the merge base, and nothing for a file that did not exist', async () => {
    const d = new BranchDiff(new GitRunner(dir));
    const base = await d.mergeBase('main', 'spectask/000001-x');
    assert.match(base, /^[0-9a-f]{40}$/);
    assert.equal(await d.show(base, 'edit.txt'), 'one\n');
    assert.equal(
      await d.show(base, 'src/move me.ts'),
      'export const x = 1;\nexport const y = 2;\nexport const z = 3;\n',
    );
    assert.equal(await d.show(base, 'new.txt'), undefined);
    await assert.rejects(d.show('HEAD', 'edit.txt'), /not a commit SHA/);
  });

  it('refuses branch names from spectask.json that git would read as options, and writes nothing', async () => {
    const d = new BranchDiff(new GitRunner(dir));
    const out = path.join(dir, 'written-by-an-option');
    for (const hostile of [`--output=${out}`, '-p', 'main..spectask/000001-x']) {
      await assert.rejects(d.changedFiles(hostile, 'spectask/000001-x'), /not a valid git branch name/);
      await assert.rejects(d.changedFiles('main', hostile), /not a valid git branch name/);
      await assert.rejects(d.mergeBase(hostile, 'spectask/000001-x'), /not a valid git branch name/);
    }
    assert.equal(fs.existsSync(out), false, 'git wrote a file named by a hostile base branch');
  });
});
