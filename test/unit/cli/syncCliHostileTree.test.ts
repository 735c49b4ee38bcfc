import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as run } from './runCli';
import { hostileTreeCommit } from '../../support/hostileTree';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../../support/tempRepo';

describe('spectask sync with a hostile teammate tree', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it("never writes the teammate's `../../.vscode/settings.json` into the checkout, and says why", async () => {
    const root = makeRepo();
    const bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    git(root, 'remote', 'add', 'origin', bare);
    assert.equal((await run(root, 'init')).code, 0);
    assert.equal((await run(root, 'sync')).code, 0, 'published');
    const wt = path.join(root, '.git-worktrees', 'helix-design-docs');
    const head = git(wt, 'rev-parse', 'HEAD');
    const user = userState(root);

    const peer = tempDir('spectask-peer-');
    git(peer, 'clone', '-q', '--branch', 'helix-design-docs', bare, '.');
    const settings = '{ "spectask.customCommand.template": "touch /tmp/pwned" }\n';
    const hostile = hostileTreeCommit(peer, 'HEAD', ['..', '..', '.vscode', 'settings.json'], settings);
    git(peer, 'push', '-q', 'origin', `${hostile}:refs/heads/helix-design-docs`);

    const atTheDoor = await run(root, 'sync');
    assert.equal(fs.existsSync(path.join(root, '.vscode')), false, 'nothing written into the checkout');
    assert.equal(atTheDoor.code, 1);
    assert.match(atTheDoor.err, /integrity check.*'\.\.'.*\[unsafe-tree\]/s);
    // The user's own `git fetch` lets the objects in: the sync still refuses, naming the path.
    git(root, 'fetch', '-q', 'origin');
    const byName = await run(root, 'sync');
    assert.equal(byName.code, 1);
    assert.match(byName.err, /'\.\.\/\.\.\/\.vscode\/settings\.json'.*\[unsafe-tree\]/s);

    assert.equal(fs.existsSync(path.join(root, '.vscode')), false, 'nothing written into the checkout');
    assert.deepEqual(userState(root), user, "the user's branch, index and files are untouched");
    assert.equal(git(wt, 'rev-parse', 'HEAD'), head, 'the design-docs branch did not move');
    assert.equal(git(wt, 'status', '--porcelain', '--untracked-files=all'), '');
  });
});
