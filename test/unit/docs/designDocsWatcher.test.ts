import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffItems, DesignDocsWatcher, type DesignDocsEvent } from '../../../src/core/docs/designDocsWatcher';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { parseChecklist } from '../../../src/core/checklist/parseChecklist';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

/** Waits until `pred` holds over the events seen so far (file events are asynchronous), or fails. */
async function until(
  events: DesignDocsEvent[],
  pred: (e: DesignDocsEvent[]) => boolean,
  what: string,
  ms = 5000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!pred(events)) {
    if (Date.now() > end)
      assert.fail(
        `timed out waiting for ${what}; saw ${JSON.stringify(events.map((e) => [e.kind, e.taskId, 'document' in e ? e.document : '']))}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('design-docs watcher', function () {
  this.timeout(20_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  let watcher: DesignDocsWatcher;
  let events: DesignDocsEvent[];
  beforeEach(async () => {
    registry = new GitQueueRegistry();
    dd = await openDesignDocs(makeRepo(), { registry });
    const t = await dd.store.create({ title: 'Watched' });
    fs.writeFileSync(
      path.join(dd.location.worktreePath, t.folder, 'tasks.md'),
      '# Implementation Tasks: Watched\n\n- [ ] T1: one\n- [ ] T2: two\n- [ ] T3: three\n',
    );
    await dd.store.commitFolder('1');
    watcher = new DesignDocsWatcher(dd.location.worktreePath, { debounceMs: 30, maxWaitMs: 150 });
    events = [];
    watcher.onDidChange((e) => events.push(e));
    await watcher.start();
  });
  afterEach(() => {
    watcher.dispose();
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);
  const checklistEvents = () =>
    events.filter((e): e is Extract<DesignDocsEvent, { kind: 'checklistChanged' }> => e.kind === 'checklistChanged');

  it('reports nothing for the state it started with', async () => {
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(events, []);
  });

  it('reports an item state change made through the store, with before and after', async () => {
    await dd.store.mark('1', { id: 'T2' }, 'doing');
    await until(events, (es) => es.some((e) => e.kind === 'checklistChanged'), 'a checklist event');
    const [c] = checklistEvents();
    assert.equal(c.taskId, '000001');
    assert.deepEqual(c.changes, [{ index: 1, id: 'T2', text: 'two', before: 'todo', after: 'doing' }]);
    assert.equal(c.focus.current?.id, 'T2');
    assert.equal(c.progress.doing, 1);
  });

  it("reports an agent's or editor's direct write, ending a quick burst at the last state", async () => {
    const file = path.join(dd.location.worktreePath, 'design/tasks/000001_watched/tasks.md');
    const states = ['[~]', '[x]', '[ ]', '[~]', '[x]'];
    for (const s of states) {
      fs.writeFileSync(file, `# Implementation Tasks: Watched\n\n- ${s} T1: one\n- [ ] T2: two\n- [ ] T3: three\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(events, () => checklistEvents().at(-1)?.items[0].state === 'done', 'the final state');
    await watcher.settle();
    assert.equal(checklistEvents().at(-1)!.items[0].state, 'done');
    assert.ok(checklistEvents().length < states.length, `debounced (${checklistEvents().length} events)`);
  });

  it('tells a deleted document from a removed SpecTask folder', async () => {
    const folder = path.join(dd.location.worktreePath, 'design/tasks/000001_watched');
    fs.writeFileSync(
      path.join(folder, 'tasks.md'),
      '# Implementation Tasks: Watched\n\n- [x] T1: one\n- [ ] T2: two\n- [ ] T3: three\n',
    );
    await until(events, () => checklistEvents().length === 1, 'the tick');
    fs.rmSync(path.join(folder, 'design.md'));
    await until(
      events,
      (es) => es.some((e) => e.kind === 'documentChanged' && e.document === 'design.md' && e.change === 'deleted'),
      'design.md deleted',
    );
    assert.equal(events.filter((e) => e.kind === 'taskRemoved').length, 0, 'the folder is still there');
    fs.writeFileSync(
      path.join(folder, 'tasks.md'),
      '# Implementation Tasks: Watched\n\n- [x] T1: one\n- [x] T2: two\n- [ ] T3: three\n',
    );
    fs.rmSync(folder, { recursive: true });
    await until(
      events,
      (es) => es.some((e) => e.kind === 'taskRemoved' && e.taskId === '000001'),
      'the SpecTask removed',
    );
  });

  it('reports changes that arrive by git pull, and new SpecTask folders', async () => {
    const wt = dd.location.worktreePath;
    const b = dd.location.branch;
    const bare = tempDir('spectask-remote-');
    git(bare, 'init', '-q', '--bare');
    git(dd.repo.root, 'remote', 'add', 'origin', bare);
    git(wt, 'push', '-q', '-u', 'origin', b);
    const other = tempDir('spectask-peer-');
    git(other, 'clone', '-q', '--branch', b, bare, '.');
    const file = path.join(other, 'design/tasks/000001_watched/tasks.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('[ ] T3', '[x] T3'));
    fs.mkdirSync(path.join(other, 'design/tasks/000002_from-peer'));
    fs.writeFileSync(path.join(other, 'design/tasks/000002_from-peer/requirements.md'), '# Requirements: From peer\n');
    git(other, 'add', '.');
    git(other, '-c', 'user.name=p', '-c', 'user.email=p@x', 'commit', '-qm', 'peer');
    git(other, 'push', '-q', 'origin', b);
    git(wt, 'pull', '-q', '--ff-only', 'origin', b);
    await until(events, (es) => es.some((e) => e.kind === 'taskAdded' && e.taskId === '000002'), 'the new folder');
    await until(
      events,
      () => checklistEvents().some((e) => e.changes.some((c) => c.id === 'T3' && c.after === 'done')),
      'the pulled tick',
    );
  });

  it('pairs items by id, then by position, for the change list', () => {
    const a = parseChecklist('- [ ] T1: a\n- [ ] T2: b\n- [ ] c\n').items;
    const b = parseChecklist('- [x] T2: b\n- [ ] T1: a\n- [~] c\n- [ ] d\n').items;
    assert.deepEqual(diffItems(a, b), [
      { index: 0, id: 'T2', text: 'b', before: 'todo', after: 'done' },
      { index: 2, id: undefined, text: 'c', before: 'todo', after: 'doing' },
      { index: 3, id: undefined, text: 'd', before: undefined, after: 'todo' },
    ]);
  });
});
