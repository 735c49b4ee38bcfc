import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, git, makeRepo, userState } from '../../support/tempRepo';

describe('SpecTask store', function () {
  this.timeout(30_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  let root: string;
  beforeEach(async () => {
    registry = new GitQueueRegistry();
    root = makeRepo();
    dd = await openDesignDocs(root, { registry });
  });
  afterEach(() => {
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);
  const wt = () => dd.location.worktreePath;
  const log = (n = 1) =>
    git(wt(), 'log', `-${n}`, '--format=%B%x00')
      .split('\0')
      .map((s) => s.trim())
      .filter(Boolean);

  it('creates a numbered folder with the three documents and spectask.json, committed', async () => {
    const before = userState(root);
    const t = await dd.store.create({
      title: 'Add login endpoint',
      prompt: 'Users log in with email.\nAnd a password.',
    });
    assert.equal(t.id, '000001');
    assert.equal(t.folder, 'design/tasks/000001_add-login-endpoint');
    const dir = path.join(wt(), t.folder);
    const req = fs.readFileSync(path.join(dir, 'requirements.md'), 'utf8');
    assert.match(req, /^# Requirements: Add login endpoint\n/);
    assert.match(req, /WHEN .* THE SYSTEM SHALL/);
    assert.match(req, /## Open Questions/);
    assert.match(req, /> Users log in with email.\n> And a password./);
    assert.match(fs.readFileSync(path.join(dir, 'design.md'), 'utf8'), /^# Design: Add login endpoint\n/);
    assert.match(fs.readFileSync(path.join(dir, 'tasks.md'), 'utf8'), /^# Implementation Tasks: Add login endpoint\n/);
    const rec = JSON.parse(fs.readFileSync(path.join(dir, 'spectask.json'), 'utf8'));
    assert.equal(rec.status, 'backlog');
    assert.equal(rec.number, 1);
    assert.equal(rec.history[0].trigger, 'created');
    assert.equal(t.progress?.total, 0, 'the template checklist has no items (its example is in a comment)');
    assert.deepEqual(log(), ['spectask(000001): create "Add login endpoint"\n\nSpecTask: 000001']);
    assert.equal(git(wt(), 'status', '--porcelain'), '');
    assert.deepEqual(userState(root), before);
  });

  it('never hands out a number twice: concurrent creations, and after a deletion', async () => {
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => dd.store.create({ title: `Task ${i}` })));
    assert.deepEqual(
      created.map((t) => t.number).sort((a, b) => a! - b!),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    git(wt(), 'rm', '-rq', created.find((t) => t.number === 8)!.folder);
    git(wt(), 'commit', '-qm', 'delete 8');
    const next = await dd.store.create({ title: 'After deletion' });
    assert.equal(next.number, 9);
    // Even when the counter file is lost, the folder scan still avoids every existing number.
    fs.rmSync(path.join(wt(), 'design', 'spectask-counter.json'));
    assert.equal((await dd.store.create({ title: 'No counter' })).number, 10);
  });

  it('lists every task and reports a broken spectask.json with its path and field, loading the others', async () => {
    await dd.store.create({ title: 'Good one' });
    const bad = await dd.store.create({ title: 'Broken one' });
    await dd.store.create({ title: 'Unparsable' });
    const badFile = path.join(wt(), bad.folder, 'spectask.json');
    const rec = JSON.parse(fs.readFileSync(badFile, 'utf8'));
    fs.writeFileSync(badFile, JSON.stringify({ ...rec, status: 'flying' }));
    fs.writeFileSync(path.join(wt(), 'design/tasks/000003_unparsable/spectask.json'), '{ nope');
    const list = await dd.store.list();
    assert.deepEqual(
      list.map((t) => [t.id, t.title, t.status]),
      [
        ['000001', 'Good one', 'backlog'],
        ['000002', 'Broken one', undefined],
        ['000003', 'Unparsable', undefined],
      ],
    );
    assert.deepEqual(list[1].problems, [
      { path: badFile, field: 'status', message: 'must be one of the SpecTask statuses (got "flying")' },
    ]);
    assert.match(list[2].problems[0].message, /not valid JSON/);
    await assert.rejects(
      dd.store.update('2', 'x', () => undefined),
      (e: Error) => e.message.includes(badFile) && e.message.includes('(status)'),
    );
  });

  it('updates spectask.json and moves through the status machine with history', async () => {
    await dd.store.create({ title: 'Flow' });
    await dd.store.update('1', 'set backend', (r) => {
      r.backend = 'claude-code';
      r.agentSessions.planning = 'ses_1';
    });
    const rec = await dd.store.transition('000001', 'start_planning');
    assert.equal(rec.status, 'queued_spec_generation');
    assert.equal(rec.backend, 'claude-code');
    assert.deepEqual(
      rec.history.map((h) => h.to),
      ['backlog', 'queued_spec_generation'],
    );
    assert.deepEqual(log(2), [
      'spectask(000001): status backlog → queued_spec_generation\n\nSpecTask: 000001',
      'spectask(000001): set backend\n\nSpecTask: 000001',
    ]);
    await assert.rejects(
      dd.store.transition('1', 'accept'),
      /Cannot accept and merge a SpecTask that is queued for planning/,
    );
    await assert.rejects(
      dd.store.update('1', 'bad', (r) => void (r.priority = 'urgent' as never)),
      /priority/,
    );
    await assert.rejects(dd.store.get('42'), /no SpecTask '42'/);
  });

  it('marks an item, changing one byte, with a structured commit message', async () => {
    const t = await dd.store.create({ title: 'Marking' });
    const tasks = path.join(wt(), t.folder, 'tasks.md');
    const original =
      '# Implementation Tasks: Marking\r\n\r\n- [ ] T1: Add login endpoint  \r\n- [ ] T2: Write tests\r\n';
    fs.writeFileSync(tasks, original);
    await dd.store.commitFolder('1', 'write the checklist');
    const r = await dd.store.mark('1', { id: 'T1' }, 'done');
    assert.equal(r.changed, true);
    assert.deepEqual([r.before, r.after], ['todo', 'done']);
    assert.equal(fs.readFileSync(tasks, 'utf8'), original.replace('[ ] T1', '[x] T1'));
    assert.deepEqual(log(), ['spectask(000001): mark "Add login endpoint" done\n\nSpecTask: 000001']);
    assert.equal(git(wt(), 'show', `HEAD:${t.folder}/tasks.md`), original.replace('[ ] T1', '[x] T1').trimEnd());
    const d = await dd.store.get('1');
    assert.equal(d.focus?.current?.text, 'Write tests');
    assert.deepEqual(d.progress, { done: 1, doing: 0, todo: 1, total: 2, percent: 50 });
    const same = await dd.store.mark('1', { index: 0 }, 'done');
    assert.equal(same.changed, false);
    assert.equal(same.commit, undefined);
    await assert.rejects(dd.store.mark('1', { id: 'T9' }, 'done'), /no checklist item with id 'T9'/);
  });

  it('keeps every one of 32 concurrent ticks on 4 SpecTasks, in the files and the branch history', async () => {
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push(await dd.store.create({ title: `Parallel ${i}` }));
    for (const t of tasks) {
      const lines = Array.from({ length: 8 }, (_, j) => `- [ ] T${j + 1}: item ${t.id}-${j}`);
      fs.writeFileSync(path.join(wt(), t.folder, 'tasks.md'), `# Implementation Tasks: x\n\n${lines.join('\n')}\n`);
    }
    await dd.store.commitFolder('1', 'checklists');
    const commitsBefore = Number(git(wt(), 'rev-list', '--count', 'HEAD'));
    const marks = tasks.flatMap((t) =>
      Array.from({ length: 8 }, (_, j) => dd.store.mark(t.id, { id: `T${j + 1}` }, j % 2 ? 'done' : 'doing')),
    );
    const results = await Promise.all(marks);
    assert.equal(results.length, 32);
    assert.ok(results.every((r) => r.changed && r.commit?.sha));
    for (const t of tasks) {
      const d = await dd.store.get(t.id);
      assert.deepEqual(
        d.checklist!.items.map((i) => i.state),
        ['doing', 'done', 'doing', 'done', 'doing', 'done', 'doing', 'done'],
      );
      assert.equal(
        git(wt(), 'show', `HEAD:${t.folder}/tasks.md`),
        fs.readFileSync(path.join(wt(), t.folder, 'tasks.md'), 'utf8').trimEnd(),
      );
    }
    const history = git(
      wt(),
      'log',
      `-${Number(git(wt(), 'rev-list', '--count', 'HEAD')) - commitsBefore}`,
      '--format=%B',
    );
    for (const t of tasks)
      for (let j = 0; j < 8; j++)
        assert.ok(
          history.includes(`mark "item ${t.id}-${j}" ${j % 2 ? 'done' : 'doing'}`),
          `tick ${t.id}-${j} in history`,
        );
    for (const t of tasks) assert.ok(history.includes(`SpecTask: ${t.id}`));
    assert.equal(git(wt(), 'status', '--porcelain'), '');
    const commits = Number(git(wt(), 'rev-list', '--count', 'HEAD')) - commitsBefore;
    assert.ok(commits >= 1 && commits <= 32, `${commits} commits`);
  });
});
