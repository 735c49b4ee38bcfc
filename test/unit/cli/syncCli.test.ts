import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as run } from './runCli';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../../support/tempRepo';

describe('spectask sync', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('publishes, lets a clone adopt the branch, fast-forwards with --json, and stops on a conflict with the files named', async () => {
    const root = makeRepo();
    const user = userState(root);
    assert.equal((await run(root, 'init')).code, 0);
    const noRemote = await run(root, 'sync');
    assert.equal(noRemote.code, 1);
    assert.match(noRemote.err, /no remote 'origin'.*\[no-remote\]/s);

    const bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    git(root, 'remote', 'add', 'origin', bare);
    git(root, 'push', '-q', 'origin', 'main');
    const published = await run(root, 'sync', '--json');
    assert.equal(published.code, 0, published.err);
    assert.equal(JSON.parse(published.out).outcome, 'published');

    // A teammate clones, creates a SpecTask with the CLI in their clone and syncs it up.
    const peer = tempDir('spectask-peer-');
    git(peer, 'clone', '-q', '--branch', 'main', bare, '.');
    assert.equal((await run(peer, 'sync')).code, 0, 'a clone adopts the shared branch by syncing');
    const theirs = JSON.parse((await run(peer, 'create', 'From the teammate', '--json')).out);
    const up = await run(peer, 'sync', '--json');
    assert.equal(JSON.parse(up.out).outcome, 'pushed', up.err);

    const ff = await run(root, 'sync', '--json');
    assert.equal(ff.code, 0, ff.err);
    const r = JSON.parse(ff.out);
    assert.equal(r.outcome, 'fast-forwarded');
    assert.equal(r.incoming, 1);
    assert.equal(r.pendingCommit, null);
    assert.equal(r.remoteAfter, r.after);
    const list = JSON.parse((await run(root, 'list', '--json')).out);
    assert.deepEqual(
      list.tasks.map((t: { title: string }) => t.title),
      ['From the teammate'],
    );

    // Both edit the same line of the same design.md: conflict, nothing changed, exit 1, nothing on stdout.
    const ours = path.join(root, '.git-worktrees', 'helix-design-docs', theirs.folder, 'design.md');
    fs.writeFileSync(ours, '# Design\n\nours\n');
    fs.writeFileSync(path.join(theirs.path, 'design.md'), '# Design\n\ntheirs\n');
    assert.equal((await run(peer, 'sync')).code, 0);
    const head = git(path.dirname(ours), 'rev-parse', 'HEAD');
    const conflict = await run(root, 'sync', '--json');
    assert.equal(conflict.code, 1);
    assert.equal(conflict.out, '');
    assert.match(conflict.err, new RegExp(`${theirs.folder}/design\\.md.*\\[conflict\\]`, 's'));
    // The pending edit was committed first (nothing lost) and stays ours; the branch did not take theirs.
    assert.equal(git(path.dirname(ours), 'show', 'HEAD:' + `${theirs.folder}/design.md`), '# Design\n\nours');
    assert.notEqual(git(path.dirname(ours), 'rev-parse', 'HEAD'), head, 'the pending edit was committed');
    assert.equal(fs.readFileSync(ours, 'utf8'), '# Design\n\nours\n');
    assert.deepEqual(userState(root), user, "the user's branch, index and files are untouched");
  });
});
