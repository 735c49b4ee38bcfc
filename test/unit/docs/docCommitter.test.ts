import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCommitMessage } from '../../../src/core/docs/commitMessage';
import { DocCommitter } from '../../../src/core/docs/docCommitter';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { tearingGit } from '../../support/tearingGit';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

describe('design-docs commits', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('formats one change, and a burst with one trailer per SpecTask', () => {
    assert.equal(
      formatCommitMessage([{ taskId: '000007', summary: 'mark "Add login endpoint" done' }]),
      'spectask(000007): mark "Add login endpoint" done\n\nSpecTask: 000007\n',
    );
    assert.equal(
      formatCommitMessage([
        { taskId: '000007', summary: 'mark "a" done' },
        { taskId: '000009', summary: 'mark "b" doing' },
      ]),
      'spectask: 2 checklist and document updates\n\n- 000007: mark "a" done\n- 000009: mark "b" doing\n\nSpecTask: 000007\nSpecTask: 000009\n',
    );
  });

  async function setup(lockRetryDelaysMs?: number[], binary?: string) {
    const registry = track(new GitQueueRegistry({ lockRetryDelaysMs, onStuckLock: async () => false, binary }));
    const dd = await openDesignDocs(makeRepo(), { registry });
    dd.store.dispose(); // only the branch and worktree are used: these tests commit through their own committer
    const queue = registry.forRepo(dd.repo.root);
    const wt = dd.location.worktreePath;
    const committer = track(new DocCommitter(queue, wt, dd.location.branch));
    const write = (file: string, text: string, taskId: string) =>
      queue.enqueue('write', async () => {
        fs.writeFileSync(path.join(wt, file), text);
        return { done: committer.commit({ taskId, summary: `write ${file}`, files: [file] }) };
      });
    return { registry, dd, wt, committer, write };
  }

  it("never commits a file caught empty between an agent's truncate and its write", async () => {
    const { wt, committer, write } = await setup();
    await (
      await write('tasks.md', '- [x] T1: a\n- [ ] T2: b\n', '000001')
    ).done;
    // The agent truncates, we commit, and its write lands 150 ms later (well after `git add` ran).
    fs.writeFileSync(path.join(wt, 'tasks.md'), '');
    setTimeout(() => fs.writeFileSync(path.join(wt, 'tasks.md'), '- [x] T1: a\n- [x] T2: b\n'), 150);
    const c = await committer.commit({ taskId: '000001', summary: 'mark "b" done', files: ['tasks.md'] });
    assert.ok(c, 'a commit was made');
    assert.equal(git(wt, 'show', `${c.sha}:tasks.md`), '- [x] T1: a\n- [x] T2: b');
  });

  it('catches a file git read empty in the middle of a rewrite that was complete again when the add ended', async () => {
    const dir = tempDir();
    const full = '- [x] T1: a\n- [x] T2: b\n';
    const fake = tearingGit(dir);
    track({ dispose: () => void delete process.env.TORN_FILE });
    const s = await setup(undefined, fake.bin);
    const wt = s.wt;
    await (
      await s.write('tasks.md', '- [x] T1: a\n- [ ] T2: b\n', '000001')
    ).done;
    fs.writeFileSync(path.join(wt, 'tasks.md'), full);
    fake.tear(path.join(wt, 'tasks.md'), 'add');
    const c = await s.committer.commit({ taskId: '000001', summary: 'mark "b" done', files: ['tasks.md'] });
    assert.ok(c, 'a commit was made');
    // Sized by the file alone (full again when looked at), this commit would have recorded an empty checklist.
    assert.equal(git(wt, 'show', `${c.sha}:tasks.md`), full.trimEnd());
    assert.ok(fake.torn(), 'the race happened');
  });

  it('commits a file that was complete before git add started with add and commit alone', async () => {
    const dir = tempDir();
    const fake = tearingGit(dir);
    const { wt, committer } = await setup(undefined, fake.bin);
    fs.writeFileSync(path.join(wt, 'tasks.md'), '- [x] T1: a\n');
    await new Promise((r) => setTimeout(r, 60)); // older than the timestamps' slack when git add starts
    fake.clear();
    const c = await committer.commit({ taskId: '000001', summary: 'tick', files: ['tasks.md'] });
    assert.ok(c);
    assert.equal(git(wt, 'show', `${c.sha}:tasks.md`), '- [x] T1: a');
    assert.deepEqual(
      fake.commands().filter((x) => x !== 'config' && x !== 'rev-parse'),
      ['add', 'commit'],
    );
  });

  it('commits a tracked file this process wrote whole with one git commit, leaving what else is staged', async () => {
    const dir = tempDir();
    const fake = tearingGit(dir);
    const { wt, committer, write } = await setup(undefined, fake.bin);
    await (
      await write('spectask.json', '{"a":1}\n', '000001')
    ).done;
    fs.writeFileSync(path.join(wt, 'other.md'), 'staged by someone else\n');
    git(wt, 'add', 'other.md');
    fs.writeFileSync(path.join(wt, 'spectask.json'), '{"a":2}\n');
    fake.clear();
    const c = await committer.commit({
      taskId: '000001',
      summary: 'move',
      files: ['spectask.json'],
      wholeTrackedFiles: true,
    });
    assert.ok(c);
    assert.equal(git(wt, 'show', `${c.sha}:spectask.json`), '{"a":2}');
    assert.deepEqual(
      fake.commands().filter((x) => x !== 'config' && x !== 'rev-parse'),
      ['commit'],
      'one git process: no add, no torn-write check',
    );
    assert.equal(git(wt, 'diff', '--cached', '--name-only'), 'other.md', 'the other staged file stays staged');
    assert.equal(
      await committer.commit({ taskId: '000001', summary: 'again', files: ['spectask.json'], wholeTrackedFiles: true }),
      undefined,
      'an unchanged file makes no commit',
    );
  });

  it('commits a file said to be whole but unknown to git the long way', async () => {
    const { wt, committer } = await setup();
    fs.writeFileSync(path.join(wt, 'new.json'), '{}\n');
    const c = await committer.commit({
      taskId: '000002',
      summary: 'new',
      files: ['new.json'],
      wholeTrackedFiles: true,
    });
    assert.ok(c);
    assert.equal(git(wt, 'show', `${c.sha}:new.json`), '{}');
  });

  it('coalesces changes that arrive together into one commit, resolving every caller with it', async () => {
    const { wt, committer, write } = await setup();
    const seen: string[] = [];
    committer.onDidCommit((c) => seen.push(c.sha));
    const jobs = await Promise.all([
      write('a.md', 'a', '000001'),
      write('b.md', 'b', '000002'),
      write('c.md', 'c', '000001'),
    ]);
    const commits = await Promise.all(jobs.map((j) => j.done));
    assert.equal(new Set(commits.map((c) => c?.sha)).size, 1, 'one commit for the burst');
    assert.equal(seen.length, 1);
    assert.match(
      git(wt, 'log', '-1', '--format=%B'),
      /^spectask: 3 checklist and document updates\n\n- 000001: write a.md\n- 000002: write b.md\n- 000001: write c.md\n\nSpecTask: 000001\nSpecTask: 000002/,
    );
    assert.deepEqual(git(wt, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['a.md', 'b.md', 'c.md']);
  });

  it('rejects the callers of a failed commit and carries their files into the next one', async () => {
    const { wt, write } = await setup([1, 1]);
    const lock = path.join(git(wt, 'rev-parse', '--absolute-git-dir'), 'index.lock');
    fs.writeFileSync(lock, '');
    const first = await write('lost.md', 'must not be lost', '000001');
    await assert.rejects(first.done, /index\.lock/);
    fs.rmSync(lock);
    const second = await write('next.md', 'next', '000001');
    await second.done;
    assert.deepEqual(git(wt, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['lost.md', 'next.md']);
  });

  it('pushes after committing when asked (never forced) and reports a rejected push without losing the commit', async () => {
    const registry = track(new GitQueueRegistry());
    const root = makeRepo();
    const bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    git(root, 'remote', 'add', 'origin', bare);
    // Without the sync on rejection (designDocsSync.test.ts covers that): the committer itself reports it.
    const dd = await openDesignDocs(root, { registry, push: true, syncOnRejectedPush: false });
    track(dd.store);
    const failures: string[] = [];
    dd.store.onDidFailPush((f) => failures.push(f.message));
    const t = await dd.store.create({ title: 'Pushed' });
    // Callers are released at commit time; the push follows in the same queue job.
    await registry.forRepo(root).whenIdle();
    assert.equal(git(bare, 'rev-parse', 'helix-design-docs'), git(root, 'rev-parse', 'helix-design-docs'));
    // Someone else pushes first: our next push is rejected (not forced over theirs), the commit stays local.
    const peer = tempDir('spectask-peer-');
    git(peer, 'clone', '-q', '--branch', 'helix-design-docs', bare, '.');
    fs.writeFileSync(path.join(peer, 'peer.md'), 'peer\n');
    git(peer, 'add', '.');
    git(peer, 'commit', '-qm', 'peer');
    git(peer, 'push', '-q', 'origin', 'helix-design-docs');
    const theirs = git(bare, 'rev-parse', 'helix-design-docs');
    fs.writeFileSync(path.join(t.path, 'tasks.md'), '- [ ] one\n');
    const c = await dd.store.commitFolder(t.id, 'checklist');
    assert.ok(c?.sha);
    await registry.forRepo(root).whenIdle();
    assert.equal(failures.length, 1);
    assert.match(failures[0], /rejected|fetch first|non-fast-forward/);
    assert.equal(git(bare, 'rev-parse', 'helix-design-docs'), theirs);
    assert.equal(git(root, 'rev-parse', 'helix-design-docs'), c!.sha);
  });
});
