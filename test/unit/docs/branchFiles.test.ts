import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DesignDocsWatcher, type DesignDocsEvent } from '../../../src/core/docs/designDocsWatcher';
import { MAX_DOCUMENT_BYTES } from '../../../src/core/docs/noFollow';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, git, makeCleanRepo, tempDir, userState } from '../../support/tempRepo';

/** The user's own file, shaped like a checklist so that following a link to it would show as items. */
const README = '# app\n\n- [ ] secret item of the user\n';
const LINK_MESSAGE = (rel: string) =>
  new RegExp(
    `${rel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is a symbolic link on the design-docs branch; refusing to follow it`,
  );

/** A 2 MiB checklist: every line a real item, so a parse would show thousands of them. */
function hugeChecklist(): string {
  const line = '- [ ] an item the parser would have to read\n';
  return `# Implementation Tasks: Huge\n\n${line.repeat(Math.ceil((2 * MAX_DOCUMENT_BYTES) / line.length))}`;
}

describe('design-docs branch files: no symbolic link followed, no document over the size limit', function () {
  this.timeout(30_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  let root: string;
  let watcher: DesignDocsWatcher | undefined;
  beforeEach(async () => {
    registry = new GitQueueRegistry();
    root = makeCleanRepo();
    fs.writeFileSync(path.join(root, 'README.md'), README);
    git(root, 'commit', '-qam', 'readme');
    dd = await openDesignDocs(root, { registry });
  });
  afterEach(() => {
    watcher?.dispose();
    watcher = undefined;
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);
  const wt = () => dd.location.worktreePath;
  /** Replaces `rel` in the design-docs worktree by a link to `target` and commits it, as a teammate's push would. */
  const commitLink = (rel: string, target: string) => {
    const abs = path.join(wt(), rel);
    fs.rmSync(abs, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.symlinkSync(target, abs);
    git(wt(), 'add', '-A');
    git(wt(), 'commit', '-qm', `link ${rel}`);
  };

  it('create refuses a linked design/spectask-counter.json and leaves the file it points at unchanged', async () => {
    await dd.store.create({ title: 'First' });
    commitLink('design/spectask-counter.json', path.join(root, 'README.md'));
    const before = userState(root);
    await assert.rejects(dd.store.create({ title: 'Second' }), LINK_MESSAGE('design/spectask-counter.json'));
    assert.equal(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), README);
    assert.deepEqual(userState(root), before);
    assert.deepEqual(
      (await dd.store.list()).map((t) => t.number),
      [1],
    );
  });

  it('create refuses a linked design/tasks folder: nothing is written where it points', async () => {
    const outside = tempDir('outside-');
    commitLink('design/tasks', outside);
    await assert.rejects(dd.store.create({ title: 'Elsewhere' }), LINK_MESSAGE('design/tasks'));
    assert.deepEqual(fs.readdirSync(outside), []);
    await assert.rejects(dd.store.list(), LINK_MESSAGE('design/tasks'));
  });

  it('a linked tasks.md is a problem of its SpecTask: nothing outside is read, marking refuses, the watcher says why', async () => {
    const t = await dd.store.create({ title: 'Linked' });
    const rel = `${t.folder}/tasks.md`;
    watcher = new DesignDocsWatcher(wt(), { debounceMs: 30, maxWaitMs: 150 });
    const events: DesignDocsEvent[] = [];
    const errors: Error[] = [];
    watcher.onDidChange((e) => events.push(e));
    watcher.onDidError((e) => errors.push(e));
    await watcher.start();
    commitLink(rel, path.join(root, 'README.md'));
    const end = Date.now() + 5000;
    while (!errors.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(
      errors.some((e) => LINK_MESSAGE(rel).test(e.message)),
      errors.map((e) => e.message).join('; '),
    );
    assert.doesNotMatch(JSON.stringify(events), /secret item/);
    assert.equal(events.filter((e) => e.kind === 'checklistChanged').length, 0);

    const [listed] = await dd.store.list();
    assert.equal(listed.id, t.id);
    assert.equal(listed.checklistFile, undefined);
    assert.equal(listed.progress, undefined);
    assert.ok(
      listed.problems.some((p) => LINK_MESSAGE(rel).test(p.message)),
      JSON.stringify(listed.problems),
    );
    const details = await dd.store.get('1');
    assert.equal(details.checklist, undefined);
    assert.doesNotMatch(JSON.stringify(details), /secret item/);
    await assert.rejects(dd.store.mark('1', { index: 0 }, 'done'), LINK_MESSAGE(rel));
    assert.equal(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), README);
  });

  it('update refuses a linked spectask.json and leaves its target unchanged', async () => {
    const t = await dd.store.create({ title: 'Linked record' });
    const target = path.join(root, 'README.md');
    commitLink(`${t.folder}/spectask.json`, target);
    await assert.rejects(
      dd.store.update('1', 'retitle', (r) => ({ ...r, title: 'x' })),
      LINK_MESSAGE(`${t.folder}/spectask.json`),
    );
    assert.equal(fs.readFileSync(target, 'utf8'), README);
  });

  it('a 2 MiB tasks.md is listed with a problem and never parsed; the watcher reports it without items', async () => {
    const t = await dd.store.create({ title: 'Huge' });
    const rel = `${t.folder}/tasks.md`;
    fs.writeFileSync(path.join(wt(), rel), '# Implementation Tasks: Huge\n\n- [ ] T1: small first\n');
    await dd.store.commitFolder('1');
    watcher = new DesignDocsWatcher(wt(), { debounceMs: 30, maxWaitMs: 150 });
    const events: DesignDocsEvent[] = [];
    const errors: Error[] = [];
    watcher.onDidChange((e) => events.push(e));
    watcher.onDidError((e) => errors.push(e));
    await watcher.start();
    fs.writeFileSync(path.join(wt(), rel), hugeChecklist());
    await dd.store.commitFolder('1');
    const sizeMessage = new RegExp(`${rel.replace(/[.]/g, '\\.')} is 2\\.1 MB; the limit is 1 MiB`);
    const end = Date.now() + 5000;
    while (!errors.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(
      errors.some((e) => sizeMessage.test(e.message)),
      errors.map((e) => e.message).join('; '),
    );
    const changed = events.filter((e) => e.kind === 'documentChanged' && e.document === 'tasks.md');
    assert.equal(changed.length, 1, JSON.stringify(events));
    assert.ok(!('items' in changed[0]), 'no items parsed from the huge file');
    // Its items are unknown, not removed: no checklist change is claimed.
    assert.equal(events.filter((e) => e.kind === 'checklistChanged').length, 0);

    const [listed] = await dd.store.list();
    assert.equal(listed.id, t.id);
    assert.equal(listed.title, 'Huge');
    // Not parsed: a parse would have given tens of thousands of items and a progress.
    assert.equal(listed.progress, undefined);
    assert.equal(listed.checklistFile, undefined);
    assert.ok(
      listed.problems.some((p) => sizeMessage.test(p.message)),
      JSON.stringify(listed.problems),
    );
    assert.equal((await dd.store.get('1')).checklist, undefined);
    await assert.rejects(dd.store.mark('1', { index: 0 }, 'done'), sizeMessage);
  });
});
