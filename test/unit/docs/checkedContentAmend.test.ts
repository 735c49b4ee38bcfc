import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { amendWithContent } from '../../../src/core/docs/contentAmend';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { tearingGit } from '../../support/tearingGit';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

// Issue 24's mark fault suite left one emptied checklist in the branch's history after a repair: an agent that
// rewrites tasks.md (truncate, then write) can be in its truncate again whenever git reads the file, and the
// amend or re-add meant to put the content back read it from the worktree too. Now the committer reads the
// content back itself, checks it is whole and not empty, and gives git that copy (contentAmend.ts). The git here
// empties the file for exactly as long as each of its commands that may read the worktree runs.
describe('the content put back after a torn read is the content the committer checked', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);
  afterEach(() => void delete process.env.TORN_FILE);

  const CHECKLIST = '# Implementation Tasks: x\n\n- [ ] T1: first\n- [ ] T2: second\n';

  async function setup() {
    const fake = tearingGit(tempDir('tearing-'));
    track({ dispose: fake.stop });
    const registry = track(new GitQueueRegistry({ binary: fake.bin }));
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    const s = await dd.store.create({ title: 'Torn' });
    const file = path.join(s.path, 'tasks.md');
    fs.writeFileSync(file, CHECKLIST);
    await dd.store.commitFolder(s.id, 'checklist');
    const wt = dd.location.worktreePath;
    const rel = path.relative(wt, file).split(path.sep).join('/');
    const versions = () =>
      git(wt, 'log', '--format=%H', '--', rel)
        .split('\n')
        .map((sha) => git(wt, 'show', `${sha}:${rel}`));
    return { fake, dd, s, file, wt, rel, versions };
  }

  it("a mark's commit that read the file torn is amended with the file as read back, not read again", async () => {
    const { fake, dd, s, file, wt, rel, versions } = await setup();
    fake.tearAlways(file);
    const r = await dd.store.mark(s.id, { index: 0 }, 'done');
    fake.stop();
    const ticked = CHECKLIST.replace('[ ] T1', '[x] T1');
    assert.equal(git(wt, 'show', `HEAD:${rel}`), ticked.trimEnd(), 'the commit holds the tick');
    assert.equal(r.commit?.sha, git(wt, 'rev-parse', 'HEAD'));
    assert.deepEqual(
      versions().filter((v) => v === ''),
      [],
      'no version on the branch is empty',
    );
    assert.equal(git(wt, 'log', '-1', '--format=%s'), 'spectask(000001): mark "first" done');
    assert.equal(git(wt, 'status', '--porcelain'), '', 'the index agrees with HEAD and the file');
  });

  it("an agent's edit staged torn is staged again from the content read back, not added again", async () => {
    const { fake, dd, s, file, wt, rel } = await setup();
    const edited = CHECKLIST.replace('[ ] T2', '[x] T2');
    fs.writeFileSync(file, edited);
    fake.tearAlways(file);
    const c = await dd.store.commitFolder(s.id, 'agent edits');
    fake.stop();
    assert.ok(c, 'the edit is committed');
    assert.equal(git(wt, 'show', `HEAD:${rel}`), edited.trimEnd());
    assert.equal(git(wt, 'status', '--porcelain'), '');
  });

  it('the repair of a checklist a killed committer left emptied takes the content it read back', async () => {
    const { fake, dd, s, file, wt, rel, versions } = await setup();
    // The killed mark: its `commit --only` read the agent's truncate, and it died before putting the content back.
    fs.writeFileSync(file, '');
    git(wt, 'commit', '-q', '--no-verify', '-m', 'spectask(000001): mark "first" done', '--only', '--', rel);
    const ticked = CHECKLIST.replace('[ ] T1', '[x] T1');
    fs.writeFileSync(file, ticked);
    fake.tearAlways(file);
    await dd.store.mark(s.id, { index: 1 }, 'doing');
    fake.stop();
    assert.deepEqual(
      versions().filter((v) => v === ''),
      [],
      'the emptied version is gone from the branch',
    );
    assert.equal(git(wt, 'show', `HEAD~1:${rel}`), ticked.trimEnd());
    assert.equal(git(wt, 'show', `HEAD:${rel}`), ticked.replace('[ ] T2', '[~] T2').trimEnd());
    assert.equal(git(wt, 'status', '--porcelain'), '');
  });

  it('amendWithContent keeps message, author and parent, moves the branch only from the head it was given, and leaves what a person staged', async () => {
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo, 'a.md'), 'one\n');
    fs.writeFileSync(path.join(repo, 'b.md'), 'two\n');
    git(repo, 'add', 'a.md', 'b.md');
    git(repo, 'commit', '-q', '-m', 'base');
    fs.writeFileSync(path.join(repo, 'a.md'), '');
    fs.writeFileSync(path.join(repo, 'b.md'), 'staged by a person\n');
    git(repo, 'add', 'b.md');
    git(repo, 'commit', '-q', '--date=2001-02-03T04:05:06Z', '-m', 'spectask(000001): mark\n\nbody line', '--', 'a.md');
    const head = git(repo, 'rev-parse', 'HEAD');
    const runner = new GitRunner(repo);
    const files = new Map([
      ['a.md', Buffer.from('one, checked\n')],
      ['b.md', Buffer.from('two, checked\n')],
    ]);
    const amended = await amendWithContent(runner, { cwd: repo, head, files, identity: {} });
    assert.equal(amended, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(
      git(repo, 'log', '-1', '--format=%B%n%an%n%ad%n%P', '--date=iso-strict', 'HEAD'),
      git(repo, 'log', '-1', '--format=%B%n%an%n%ad%n%P', '--date=iso-strict', head),
    );
    assert.equal(git(repo, 'show', 'HEAD:a.md'), 'one, checked');
    assert.equal(git(repo, 'show', 'HEAD:b.md'), 'two, checked');
    assert.equal(git(repo, 'show', ':a.md'), 'one, checked', 'the index entry the commit had replaced follows it');
    assert.equal(git(repo, 'show', ':b.md'), 'staged by a person', 'what a person staged stays staged');

    // The branch moved since `head` was read: nothing changes.
    const stale = await amendWithContent(runner, { cwd: repo, head, files, identity: {} });
    assert.equal(stale, undefined);
    assert.equal(git(repo, 'rev-parse', 'HEAD'), amended);
  });
});
