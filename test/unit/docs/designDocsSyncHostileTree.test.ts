import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DesignDocsSyncError } from '../../../src/core/docs/designDocsSync';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { BRANCH, world, type World } from '../../support/syncWorld';
import { hostileTreeCommit } from '../../support/hostileTree';
import { cleanupTemp, git, tempDir, userState } from '../../support/tempRepo';

// A teammate's commit is data from someone else's machine. git's porcelain never writes a tree entry named
// `..` or `.git`, but its plumbing does (`mktree`, `commit-tree`), and a push carries such a tree as it is.
// Real git throughout: a bare remote, our repository with its design-docs worktree, a teammate's clone.

/** The teammate commits a file at `components` on top of the remote branch, with plumbing, and pushes it. */
function hostileCommit(w: World, components: string[], content: string, mode = '100644'): string {
  git(w.peer, 'pull', '-q', '--ff-only', 'origin', BRANCH);
  const commit = hostileTreeCommit(w.peer, 'HEAD', components, content, mode);
  git(w.peer, 'push', '-q', 'origin', `${commit}:refs/heads/${BRANCH}`);
  return commit;
}

/** The user's own `git fetch` (no integrity check) puts the objects in the repository before our sync runs. */
const userFetchesByHand = (w: World) => git(w.repo, 'fetch', '-q', 'origin');

const ESCAPE = ['..', '..', '.vscode', 'settings.json'];
const HOSTILE_SETTINGS = '{ "spectask.customCommand.template": "touch /tmp/pwned" }\n';

describe('design-docs sync refuses a teammate tree with hostile paths', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  /** Sync stopped naming the problem, and nothing moved: our checkout, the worktree, its branch. */
  async function assertRefused(w: World, pattern: RegExp, code: DesignDocsSyncError['code'] = 'unsafe-tree') {
    const user = userState(w.repo);
    const head = git(w.wt, 'rev-parse', 'HEAD');
    const index = git(w.wt, 'ls-files', '-s');
    const error = await w.dd.sync.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    // First what matters most: whatever the sync did, nothing landed outside the worktree.
    assert.equal(fs.existsSync(path.join(w.repo, '.vscode')), false, "nothing was written into the user's checkout");
    assert.ok(error instanceof DesignDocsSyncError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    assert.deepEqual(userState(w.repo), user, "the user's branch, index and files are untouched");
    assert.equal(git(w.wt, 'rev-parse', 'HEAD'), head, 'the design-docs branch did not move');
    assert.equal(git(w.wt, 'ls-files', '-s'), index, "the worktree's index did not change");
    assert.equal(git(w.wt, 'status', '--porcelain', '--untracked-files=all'), '', 'the worktree is clean');
  }

  it("refuses `..` entries at the door: the fetch's integrity check rejects the teammate's objects", async () => {
    const w = track(await world());
    hostileCommit(w, ESCAPE, HOSTILE_SETTINGS);
    await assertRefused(w, /integrity check[\s\S]*'\.\.'/);
  });

  it('refuses `../../.vscode/settings.json` by name when the objects are already here (fetched by hand)', async () => {
    const w = track(await world());
    hostileCommit(w, ESCAPE, HOSTILE_SETTINGS);
    userFetchesByHand(w);
    await assertRefused(w, /\.\.\/\.\.\/\.vscode\/settings\.json/);
  });

  for (const [what, components] of [
    ['a `.git` folder', ['design', '.git', 'hooks', 'post-checkout']],
    ['a `.GIT` folder (case-insensitive file systems)', ['.GIT', 'config']],
    ['a `.` entry', ['design', '.', 'x.md']],
    ['a backslash inside a name (a separator on Windows)', ['design', '..\\..\\..\\evil.md']],
  ] as const) {
    it(`refuses ${what}`, async () => {
      const w = track(await world());
      hostileCommit(w, [...components], 'x\n');
      userFetchesByHand(w);
      await assertRefused(w, new RegExp(components.at(-1)!.replace(/[.\\]/g, '\\$&')));
    });
  }

  it('refuses a symbolic link in the tree (sync writes regular files only)', async () => {
    const w = track(await world());
    hostileCommit(w, ['design', 'link'], '../../..', '120000');
    await assertRefused(w, /design\/link/);
  });

  it('refuses to write through a symbolic link an agent left in the worktree', async () => {
    const w = track(await world());
    const outside = tempDir('spectask-outside-');
    fs.mkdirSync(path.join(w.wt, 'design', 'tasks'), { recursive: true });
    fs.symlinkSync(outside, path.join(w.wt, 'design', 'tasks', '000005_peer'));
    // Ignored, so that the sync's pending commit leaves it alone and the link stays on the way.
    const exclude = path.resolve(w.wt, git(w.wt, 'rev-parse', '--git-path', 'info/exclude'));
    fs.mkdirSync(path.dirname(exclude), { recursive: true });
    fs.appendFileSync(exclude, '/design/tasks/000005_peer\n');
    hostileCommit(w, ['design', 'tasks', '000005_peer', 'tasks.md'], '- [ ] T1: peer\n');
    await assert.rejects(w.dd.sync.sync(), (e: unknown) => {
      assert.ok(e instanceof DesignDocsSyncError, String(e));
      assert.equal(e.code, 'unsafe-tree');
      assert.match(e.message, /design\/tasks\/000005_peer/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written through the link');
  });

  it("a normal teammate commit still syncs, after a refused one was replaced by the teammate's fix", async () => {
    const w = track(await world());
    const clean = git(w.peer, 'rev-parse', 'HEAD');
    hostileCommit(w, ESCAPE, HOSTILE_SETTINGS);
    await assert.rejects(w.dd.sync.sync(), DesignDocsSyncError);
    // The teammate takes it back and pushes a real SpecTask.
    git(w.peer, 'reset', '-q', '--hard', clean);
    fs.mkdirSync(path.join(w.peer, 'design/tasks/000005_from-peer'), { recursive: true });
    fs.writeFileSync(path.join(w.peer, 'design/tasks/000005_from-peer/tasks.md'), '- [ ] T1: peer item\n');
    git(w.peer, 'add', '-A');
    git(w.peer, 'commit', '-qm', 'peer task');
    git(w.peer, 'push', '-q', '--force', 'origin', BRANCH);
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'fast-forwarded');
    assert.equal(git(w.wt, 'rev-parse', 'HEAD'), git(w.peer, 'rev-parse', 'HEAD'));
    assert.equal(
      fs.readFileSync(path.join(w.wt, 'design/tasks/000005_from-peer/tasks.md'), 'utf8'),
      '- [ ] T1: peer item\n',
    );
    assert.equal(fs.existsSync(path.join(w.repo, '.vscode')), false);
  });
});
