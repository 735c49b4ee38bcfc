import * as assert from 'node:assert/strict';
import { gitWriteRefusal, isGitCommand } from '../../../src/core/agents/readOnlyGit';

describe('read-only git for agents', () => {
  it('refuses every subcommand that writes, and global options before the subcommand', () => {
    for (const argv of [
      ['git', 'commit', '-m', 'x'],
      ['git', 'add', '.'],
      ['git', 'stash'],
      ['git', 'checkout', 'main'],
      ['git', 'config', 'core.fsmonitor', 'x'],
      ['git', 'branch', 'x'],
      ['git', 'format-patch', '-1'],
      ['git', '-c', 'core.pager=sh', 'log'],
      ['git', '-C', '..', 'status'],
      ['git', '--git-dir=../.git', 'log'],
      ['git'],
    ])
      assert.ok(gitWriteRefusal(argv), argv.join(' '));
  });

  it('refuses options that write a file or run a program, and their abbreviations', () => {
    for (const arg of [
      '--output=../../.git/config',
      '--outpu=x',
      '--OUTPUT=x',
      '--ext-diff',
      '--textconv',
      '-o',
      '-pO',
    ])
      assert.ok(gitWriteRefusal(['git', 'log', arg]), arg);
    assert.ok(gitWriteRefusal(['git', 'grep', '--open-files-in-pager=vi', 'x']));
  });

  it('lets reading commands through', () => {
    for (const argv of [
      ['git', 'status', '--short'],
      ['git', 'log', '--oneline', '-5'],
      ['git', 'diff', '--stat', 'HEAD'],
      ['git', 'show', 'HEAD:README.md'],
      ['git', 'grep', '-n', 'x'],
      ['git', 'ls-files'],
    ])
      assert.equal(gitWriteRefusal(argv), undefined, argv.join(' '));
  });

  it('knows git by its file name, not by a prefix', () => {
    assert.equal(isGitCommand(['git']), true);
    assert.equal(isGitCommand(['/usr/bin/git']), true);
    assert.equal(isGitCommand(['gitx']), false);
    assert.equal(isGitCommand(['./git-helper']), false);
  });
});
