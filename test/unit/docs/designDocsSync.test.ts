import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DesignDocsSyncError } from '../../../src/core/docs/designDocsSync';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { BRANCH, world, type World } from '../../support/syncWorld';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../../support/tempRepo';

// Real git throughout (test/support/syncWorld.ts): a bare remote, our repository (with its design-docs worktree)
// and a teammate's clone of the design-docs branch.
const head = (w: World) => git(w.wt, 'rev-parse', 'HEAD');
const remoteHead = (w: World) => git(w.bare, 'rev-parse', BRANCH);
const isAncestor = (cwd: string, a: string, b: string) => {
  try {
    git(cwd, 'merge-base', '--is-ancestor', a, b);
    return true;
  } catch {
    return false;
  }
};
const read = (w: World, rel: string) => fs.readFileSync(path.join(w.wt, rel), 'utf8');

/** Our worktree is clean, on the branch, and the user's checkout is exactly as it was. */
function assertHealthy(w: World) {
  assert.equal(git(w.wt, 'status', '--porcelain'), '', 'the design-docs worktree is clean');
  assert.equal(git(w.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${BRANCH}`);
  assert.deepEqual(userState(w.repo), w.user, "the user's branch, index and files are untouched");
}

describe('design-docs sync with a teammate', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it("fast-forwards when only the remote moved, and the teammate's SpecTask appears in the worktree", async () => {
    const w = track(await world());
    const theirs = w.teammate({
      'design/tasks/000005_from-peer/tasks.md': '- [ ] T1: peer item\n',
      'design/tasks/000005_from-peer/design.md': '# Design: peer\n',
    });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'fast-forwarded');
    assert.equal(r.incoming, 1);
    assert.equal(head(w), theirs, "our branch is exactly the teammate's commit (nothing rewritten)");
    assert.equal(read(w, 'design/tasks/000005_from-peer/tasks.md'), '- [ ] T1: peer item\n');
    assert.deepEqual(r.changedFiles.sort(), [
      'design/tasks/000005_from-peer/design.md',
      'design/tasks/000005_from-peer/tasks.md',
    ]);
    assert.equal((await w.dd.store.get('5')).folder.endsWith('000005_from-peer'), true, 'the store sees it');
    // A deletion travels too.
    w.teammate({ 'design/tasks/000005_from-peer/design.md': null });
    await w.dd.sync.sync();
    assert.equal(fs.existsSync(path.join(w.wt, 'design/tasks/000005_from-peer/design.md')), false);
    assertHealthy(w);
  });

  it("takes a teammate's file at the branch's top level (its folder is the worktree itself)", async () => {
    const w = track(await world());
    fs.writeFileSync(path.join(w.wt, 'ours.md'), 'ours\n');
    git(w.wt, 'add', 'ours.md');
    git(w.wt, 'commit', '-qm', 'ours');
    w.teammate({ 'NOTES.md': 'from the teammate\n' });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'rebased');
    assert.equal(read(w, 'NOTES.md'), 'from the teammate\n');
    assertHealthy(w);
  });

  it("rebases our unpushed commits on the teammate's when both moved, keeping both and rewriting none of theirs", async () => {
    const w = track(await world());
    const mine = await w.dd.store.create({ title: 'Ours' });
    const ourCommit = head(w);
    const theirs = w.teammate({ 'design/tasks/000009_theirs/design.md': '# Design: theirs\n' });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'rebased');
    assert.equal(r.replayed, 1);
    assert.ok(r.pushed);
    assert.ok(isAncestor(w.wt, theirs, head(w)), "the teammate's commit is an ancestor of ours");
    assert.notEqual(head(w), ourCommit);
    assert.equal(
      git(w.wt, 'log', '-1', '--format=%s'),
      git(w.wt, 'log', '-1', '--format=%s', ourCommit),
      'our commit message is kept',
    );
    assert.equal(remoteHead(w), head(w), 'pushed');
    assert.ok(fs.existsSync(path.join(mine.path, 'spectask.json')));
    assert.ok(fs.existsSync(path.join(w.wt, 'design/tasks/000009_theirs/design.md')));
    assertHealthy(w);
  });

  it('merges a checklist both sides ticked per item: [x] beats [~] beats [ ]', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Ticks' });
    const rel = path.relative(w.wt, path.join(t.path, 'tasks.md'));
    fs.writeFileSync(path.join(w.wt, rel), '# Tasks\n\n- [ ] T1: a\n- [ ] T2: b\n- [ ] T3: c\n- [ ] T4: d\n');
    await w.dd.store.commitFolder(t.id, 'checklist');
    await w.dd.sync.sync();
    // Same lines, different markers: git alone reports a conflict here.
    await w.dd.store.mark(t.id, { id: 'T1' }, 'done');
    await w.dd.store.mark(t.id, { id: 'T2' }, 'doing');
    w.teammate({ [rel]: '# Tasks\n\n- [~] T1: a\n- [x] T2: b\n- [ ] T3: c\n- [x] T4: d\n' });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'rebased');
    assert.equal(read(w, rel), '# Tasks\n\n- [x] T1: a\n- [x] T2: b\n- [ ] T3: c\n- [x] T4: d\n');
    assert.equal(git(w.wt, 'show', `HEAD:${rel}`), '# Tasks\n\n- [x] T1: a\n- [x] T2: b\n- [ ] T3: c\n- [x] T4: d');
    assert.ok(
      r.resolved.some((x) => x.file === rel && /per item/.test(x.rule)),
      JSON.stringify(r.resolved),
    );
    assert.equal(remoteHead(w), head(w));
    assertHealthy(w);
  });

  it('stops on any other conflict, naming the file, with branch, worktree and remote exactly as they were', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Clash' });
    await w.dd.sync.sync();
    const rel = path.relative(w.wt, path.join(t.path, 'design.md'));
    fs.writeFileSync(path.join(w.wt, rel), '# Design: Clash\n\nOurs says A.\n');
    await w.dd.store.commitFolder(t.id, 'our design');
    const ours = head(w);
    const theirs = w.teammate({ [rel]: '# Design: Clash\n\nTheirs says B.\n' });
    const before = git(w.wt, 'ls-files', '-s');
    await assert.rejects(w.dd.sync.sync(), (e: unknown) => {
      assert.ok(e instanceof DesignDocsSyncError);
      assert.equal(e.code, 'conflict');
      assert.deepEqual(e.files, [rel]);
      assert.match(e.message, /design\.md/);
      assert.match(e.message, /Nothing was changed/);
      return true;
    });
    assert.equal(head(w), ours, 'our branch did not move');
    assert.equal(remoteHead(w), theirs, 'the remote did not move');
    assert.equal(read(w, rel), '# Design: Clash\n\nOurs says A.\n');
    assert.equal(git(w.wt, 'ls-files', '-s'), before, 'the worktree index did not change');
    assertHealthy(w);
  });

  it('merges changes to different lines of the same document', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Lines' });
    const rel = path.relative(w.wt, path.join(t.path, 'design.md'));
    fs.writeFileSync(path.join(w.wt, rel), '# Design\n\ntop\n\n1\n2\n3\n4\n5\n\nbottom\n');
    await w.dd.store.commitFolder(t.id, 'design');
    await w.dd.sync.sync();
    fs.writeFileSync(path.join(w.wt, rel), '# Design\n\ntop (ours)\n\n1\n2\n3\n4\n5\n\nbottom\n');
    await w.dd.store.commitFolder(t.id, 'top');
    w.teammate({ [rel]: '# Design\n\ntop\n\n1\n2\n3\n4\n5\n\nbottom (theirs)\n' });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'rebased');
    assert.equal(read(w, rel), '# Design\n\ntop (ours)\n\n1\n2\n3\n4\n5\n\nbottom (theirs)\n');
    assertHealthy(w);
  });

  it('merges spectask.json changed on both sides: both transitions, the latest status, comments by id', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Record' });
    await w.dd.sync.sync();
    const rel = path.relative(w.wt, path.join(t.path, 'spectask.json'));
    // The teammate adds a review comment and (later) archives the task; we start planning (earlier).
    const rec = JSON.parse(read(w, rel));
    await w.dd.store.transition(t.id, 'start_planning');
    const later = new Date(Date.now() + 60_000).toISOString();
    const theirs = {
      ...rec,
      status: 'archived',
      updatedAt: later,
      reviewComments: [{ id: 'peer-1', document: 'design.md', comment: 'from the teammate', createdAt: later }],
      history: [...rec.history, { at: later, from: 'backlog', to: 'archived', trigger: 'archive' }],
    };
    w.teammate({ [rel]: `${JSON.stringify(theirs, null, 2)}\n` });
    const r = await w.dd.sync.sync();
    assert.equal(r.outcome, 'rebased');
    const merged = JSON.parse(read(w, rel));
    assert.equal(merged.status, 'archived', "the later transition (the teammate's) decides the status");
    assert.deepEqual(
      merged.history.map((h: { to: string }) => h.to),
      ['backlog', 'queued_spec_generation', 'archived'],
    );
    assert.deepEqual(
      merged.reviewComments.map((c: { id: string }) => c.id),
      ['peer-1'],
    );
    assert.ok(r.resolved.some((x) => x.file === rel));
    assert.equal((await w.dd.store.get(t.id)).record?.status, 'archived');
    assertHealthy(w);
  });

  it('a push rejected because a teammate pushed first syncs and pushes again, never forced', async () => {
    const w = track(await world({ push: true }));
    const t = await w.dd.store.create({ title: 'Pushed' });
    await w.registry.forRepo(w.repo).whenIdle();
    assert.equal(remoteHead(w), head(w));
    const theirs = w.teammate({ 'design/tasks/000042_peer/design.md': '# Design: peer\n' });
    fs.writeFileSync(path.join(t.path, 'tasks.md'), '- [ ] T1: one\n');
    await w.dd.store.commitFolder(t.id, 'checklist');
    await w.registry.forRepo(w.repo).whenIdle();
    assert.deepEqual(w.failures, [], 'no push failure reported');
    assert.equal(remoteHead(w), head(w), 'our commit reached the remote');
    assert.ok(isAncestor(w.wt, theirs, head(w)), "on top of the teammate's commit");
    assert.ok(fs.existsSync(path.join(w.wt, 'design/tasks/000042_peer/design.md')));
    assert.equal(git(w.wt, 'show', `HEAD:${path.relative(w.wt, path.join(t.path, 'tasks.md'))}`), '- [ ] T1: one');
    assertHealthy(w);
  });

  it('commits what agents wrote but nobody committed before integrating, so nothing is lost', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Agent' });
    await w.dd.sync.sync();
    const rel = path.relative(w.wt, path.join(t.path, 'tasks.md'));
    fs.writeFileSync(path.join(w.wt, rel), '- [x] T1: written by an agent, not committed\n');
    fs.writeFileSync(path.join(t.path, 'notes.md'), 'a new file, not committed\n');
    w.teammate({ 'design/tasks/000077_peer/tasks.md': '- [ ] T1: theirs\n' });
    const r = await w.dd.sync.sync();
    assert.ok(r.pendingCommit, "the agent's writes were committed first");
    assert.equal(r.outcome, 'rebased');
    assert.equal(read(w, rel), '- [x] T1: written by an agent, not committed\n');
    assert.equal(git(w.bare, 'show', `${BRANCH}:${rel}`), '- [x] T1: written by an agent, not committed');
    assert.ok(git(w.bare, 'show', `${BRANCH}:${path.relative(w.wt, path.join(t.path, 'notes.md'))}`));
    assertHealthy(w);
  });

  it('merges, never overwrites, a file an agent wrote while the sync was fetching', async () => {
    const w = track(await world());
    const t = await w.dd.store.create({ title: 'Racing agent' });
    const rel = path.relative(w.wt, path.join(t.path, 'tasks.md'));
    fs.writeFileSync(path.join(w.wt, rel), '- [ ] T1: a\n- [ ] T2: b\n- [ ] T3: c\n');
    await w.dd.store.commitFolder(t.id, 'checklist');
    await w.dd.sync.sync();
    w.teammate({ [rel]: '- [ ] T1: a\n- [ ] T2: b\n- [x] T3: c\n' });
    // git runs this instead of upload-pack for our fetch: the agent's tick lands after the sync committed
    // what was pending and before it updates the worktree (once; later fetches run upload-pack alone).
    const hookDir = tempDir('spectask-hook-');
    const agentWrite = path.join(hookDir, 'agent-write.md');
    fs.writeFileSync(agentWrite, '- [x] T1: a\n- [ ] T2: b\n- [ ] T3: c\n');
    const hook = path.join(hookDir, 'upload-pack.sh');
    fs.writeFileSync(
      hook,
      `#!/bin/sh\nif [ -f '${agentWrite}' ]; then mv '${agentWrite}' '${path.join(w.wt, rel)}'; fi\nexec git-upload-pack "$@"\n`,
      { mode: 0o755 },
    );
    git(w.repo, 'config', 'remote.origin.uploadpack', hook);
    const r = await w.dd.sync.sync();
    assert.ok(!fs.existsSync(agentWrite), 'the agent wrote during the fetch');
    assert.equal(r.outcome, 'fast-forwarded');
    assert.equal(read(w, rel), '- [x] T1: a\n- [ ] T2: b\n- [x] T3: c\n', "both the agent's tick and the teammate's");
    assert.equal(
      git(w.wt, 'show', `HEAD:${rel}`),
      '- [ ] T1: a\n- [ ] T2: b\n- [x] T3: c',
      "the branch is the teammate's commit; the agent's tick is still to be committed",
    );
    assert.ok(r.resolved.some((x) => x.file === rel));
    // The next sync commits it first and pushes it.
    const next = await w.dd.sync.sync();
    assert.ok(next.pendingCommit);
    assert.equal(git(w.bare, 'show', `${BRANCH}:${rel}`), '- [x] T1: a\n- [ ] T2: b\n- [x] T3: c');
    assert.deepEqual(userState(w.repo), w.user);
  });

  it('keeps both SpecTasks when two clones took the same number at once, and names the clash', async () => {
    const w = track(await world());
    const ours = await w.dd.store.create({ title: 'Ours' });
    w.teammate({ [`design/tasks/${ours.id}_theirs/design.md`]: '# Design: theirs\n' });
    const r = await w.dd.sync.sync();
    assert.deepEqual(r.duplicateNumbers, [
      { number: ours.id, folders: [`design/tasks/${ours.id}_ours`, `design/tasks/${ours.id}_theirs`] },
    ]);
    assert.ok(fs.existsSync(path.join(w.wt, `design/tasks/${ours.id}_theirs/design.md`)));
    assert.ok(fs.existsSync(path.join(ours.path, 'spectask.json')));
  });

  it('says clearly when there is no remote, and publishes the branch when the remote lacks it', async () => {
    const registry = track(new GitQueueRegistry());
    const repo = makeRepo();
    const dd = await openDesignDocs(repo, { registry });
    track(dd.store);
    await assert.rejects(
      dd.sync.sync(),
      (e: unknown) =>
        e instanceof DesignDocsSyncError && e.code === 'no-remote' && /git remote add origin/.test(e.message),
    );
    const bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', bare);
    const r = await dd.sync.sync();
    assert.equal(r.outcome, 'published');
    assert.equal(git(bare, 'rev-parse', BRANCH), git(dd.location.worktreePath, 'rev-parse', 'HEAD'));
    const again = await dd.sync.sync();
    assert.equal(again.outcome, 'up-to-date');
  });
});
