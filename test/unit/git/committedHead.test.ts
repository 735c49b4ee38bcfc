import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommittedHead, stripspace } from '../../../src/core/git/committedHead';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

// Issue 24: the commit a quiet `git commit -q` made is read from git's files instead of a `rev-parse`.
describe('CommittedHead (the commit just made, from git files)', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  function commit(cwd: string, file: string, message: string): string {
    fs.writeFileSync(path.join(cwd, file), `${message}\n`);
    git(cwd, 'add', file);
    git(cwd, 'commit', '-q', '-m', message);
    return git(cwd, 'rev-parse', 'HEAD').trim();
  }

  it("names the commit of a message on its parent, in a linked worktree too, and below another process's commit", () => {
    const root = makeRepo();
    const wt = path.join(tempDir('committed-head-'), 'wt');
    git(root, 'worktree', 'add', '-q', '-b', 'docs/branch', wt);
    const head = new CommittedHead(wt, 'docs/branch');
    const parent = head.current();
    assert.equal(parent, git(wt, 'rev-parse', 'HEAD').trim());
    const message = 'spectask(000001): mark "x" done  \n\n\nSpecTask: 000001';
    const ours = commit(wt, 'a.md', message);
    assert.equal(head.find(message, parent), ours);
    const theirs = commit(wt, 'b.md', message); // same words, but on our commit: not ours
    assert.notEqual(theirs, ours);
    assert.equal(head.find(message, parent), ours);
    assert.equal(head.find('another message', parent), undefined);
    assert.equal(head.find(message, 'f'.repeat(40)), undefined);
  });

  it('gives up (the caller asks git) for a packed ref, a packed commit or another branch checked out', () => {
    const root = makeRepo();
    const branch = git(root, 'branch', '--show-current').trim();
    const head = new CommittedHead(root, branch);
    const parent = head.current();
    const ours = commit(root, 'c.md', 'packed soon');
    assert.equal(head.find('packed soon', parent), ours);
    git(root, 'gc', '-q');
    assert.equal(head.current(), undefined, 'the ref is packed');
    git(root, 'checkout', '-q', '-b', 'other');
    assert.equal(new CommittedHead(root, branch).current(), undefined, 'HEAD names another branch');
  });

  it('cleans a message as `git commit -m` does', () => {
    assert.equal(stripspace('\n\nsubject  \n\n\n\nbody\t\n\n'), 'subject\n\nbody\n');
    assert.equal(stripspace('a\r\nb'), 'a\nb\n');
    assert.equal(stripspace(''), '');
  });
});
