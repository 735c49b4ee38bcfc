import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitWriteRefusal, isGitCommand } from '../../../src/core/agents/readOnlyGit';
import { DEFAULT_ALLOWED_COMMANDS } from '../../../src/core/orchestrator/settings';

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

  it('the default allow-list offers no git command that writes (Claude is given it as Bash(...) rules)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    const contributed: string[] = pkg.contributes.configuration.properties['spectask.agents.allowedCommands'].default;
    for (const list of [DEFAULT_ALLOWED_COMMANDS, contributed])
      for (const cmd of list.filter((c) => c.startsWith('git ')))
        assert.equal(gitWriteRefusal(cmd.split(' ')), undefined, `'${cmd}' is in a default allow-list`);
    assert.deepEqual([...contributed], [...DEFAULT_ALLOWED_COMMANDS]);
  });
});
