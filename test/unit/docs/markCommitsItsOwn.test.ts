import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { tearingGit } from '../../support/tearingGit';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

const CHECKLIST = '# Implementation Tasks: x\n\n- [ ] T1: first\n- [ ] T2: second\n';

describe('mark commits its own change only (issue 17 item 10, issue 24)', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  async function setup(binary?: string): Promise<DesignDocs> {
    const registry = track(new GitQueueRegistry({ binary }));
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    for (const title of ['One', 'Two', 'Three']) {
      const t = await dd.store.create({ title });
      fs.writeFileSync(path.join(t.path, 'tasks.md'), CHECKLIST);
      await dd.store.commitFolder(t.id, 'checklist');
    }
    return dd;
  }

  it("leaves another process's staged tick and an agent's unstaged one out of its commit", async () => {
    const dd = await setup();
    const wt = dd.location.worktreePath;
    const [one, two, three] = await dd.store.list();
    // Another `spectask mark` in a second process has staged its tick and not committed it yet; an agent
    // ticked a third task's checklist and nothing committed it yet.
    fs.writeFileSync(path.join(two.path, 'tasks.md'), CHECKLIST.replace('[ ] T1', '[x] T1'));
    git(wt, 'add', `${two.folder}/tasks.md`);
    fs.writeFileSync(path.join(three.path, 'tasks.md'), CHECKLIST.replace('[ ] T2', '[x] T2'));

    const r = await dd.store.mark(one.id, { index: 1 }, 'done');
    assert.ok(r.commit);
    assert.equal(git(wt, 'log', '-1', '--format=%s'), 'spectask(000001): mark "second" done');
    assert.equal(git(wt, 'show', '--format=', '--name-only', 'HEAD'), `${one.folder}/tasks.md`);
    assert.equal(git(wt, 'diff', '--cached', '--name-only'), `${two.folder}/tasks.md`, 'the other tick stays staged');
    assert.equal(git(wt, 'diff', '--name-only'), `${three.folder}/tasks.md`, "the agent's tick stays uncommitted");
    assert.equal(git(wt, 'show', `HEAD:${two.folder}/tasks.md`), CHECKLIST.trimEnd());
  });

  it('commits a mark with one git process, and amends a commit that caught its file torn by another writer', async () => {
    const dir = tempDir();
    const fake = tearingGit(dir);
    track({ dispose: () => void delete process.env.TORN_FILE });
    const dd = await setup(fake.bin);
    const wt = dd.location.worktreePath;
    const [one] = await dd.store.list();
    const file = path.join(one.path, 'tasks.md');

    fake.clear();
    await dd.store.mark(one.id, { index: 0 }, 'done');
    assert.deepEqual(
      fake.commands().filter((c) => c !== 'rev-parse'),
      ['commit'],
      'no add, no torn-write check for its own whole write',
    );

    fake.tear(file);
    const r = await dd.store.mark(one.id, { index: 1 }, 'doing');
    assert.ok(fake.torn(), 'the commit ran while the file was empty');
    const expected = CHECKLIST.replace('[ ] T1', '[x] T1').replace('[ ] T2', '[~] T2');
    assert.equal(fs.readFileSync(file, 'utf8'), expected);
    assert.equal(git(wt, 'show', `HEAD:${one.folder}/tasks.md`), expected.trimEnd(), 'the commit holds the tick');
    assert.equal(r.commit?.sha, git(wt, 'rev-parse', 'HEAD'));
    assert.equal(git(wt, 'log', '-1', '--format=%s'), 'spectask(000001): mark "second" doing');
    assert.equal(git(wt, 'status', '--porcelain'), '');
  });

  it('commits ticks that arrive together in one commit: each reaches the queue in the same turn', async () => {
    const dd = await setup();
    const wt = dd.location.worktreePath;
    const tasks = await dd.store.list();
    for (const t of tasks) await dd.store.mark(t.id, { index: 0 }, 'doing'); // each SpecTask's folder is known
    const before = Number(git(wt, 'rev-list', '--count', 'HEAD'));
    const marks = await Promise.all(tasks.map((t) => dd.store.mark(t.id, { index: 0 }, 'done')));
    assert.equal(Number(git(wt, 'rev-list', '--count', 'HEAD')) - before, 1, 'one commit for three ticks');
    assert.equal(new Set(marks.map((m) => m.commit?.sha)).size, 1);
  });
});
