import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../../../src/core/docs/noFollow';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

/** Records every file the process opens (both the callback and the synchronous API) while `fn` runs. */
async function filesOpened(fn: () => Promise<unknown>): Promise<string[]> {
  const opened: string[] = [];
  // The module object itself (not this file's import binding), which the product's code calls through.
  const mutableFs = require('node:fs') as { open: unknown; openSync: unknown };
  const realOpen = mutableFs.open;
  const realOpenSync = mutableFs.openSync;
  mutableFs.open = (p: fs.PathLike, ...rest: unknown[]) => (
    opened.push(String(p)),
    (realOpen as (...a: unknown[]) => void)(p, ...rest)
  );
  mutableFs.openSync = (p: fs.PathLike, ...rest: unknown[]) => (
    opened.push(String(p)),
    (realOpenSync as (...a: unknown[]) => number)(p, ...rest)
  );
  try {
    await fn();
  } finally {
    mutableFs.open = realOpen;
    mutableFs.openSync = realOpenSync;
  }
  return opened;
}

describe('listing SpecTasks reads only what the list shows', function () {
  this.timeout(20_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  beforeEach(async () => {
    registry = new GitQueueRegistry();
    dd = await openDesignDocs(makeRepo(), { registry });
  });
  afterEach(() => {
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);

  it('opens spectask.json and tasks.md of each SpecTask, nothing else of its folder', async () => {
    for (const title of ['One', 'Two', 'Three']) await dd.store.create({ title });
    let listed: Awaited<ReturnType<DesignDocs['store']['list']>> = [];
    const opened = await filesOpened(async () => (listed = await dd.store.list()));
    assert.deepEqual(
      listed.map((t) => [t.title, t.progress?.total]),
      [
        ['One', 0],
        ['Two', 0],
        ['Three', 0],
      ],
    );
    const inFolders = opened
      .filter((p) => p.includes(`${path.sep}design${path.sep}tasks${path.sep}`))
      .map((p) => path.basename(p))
      .sort();
    assert.deepEqual(inFolders, [
      'spectask.json',
      'spectask.json',
      'spectask.json',
      'tasks.md',
      'tasks.md',
      'tasks.md',
    ]);
    const details = await dd.store.get('2');
    assert.ok(details.documents.requirements && details.documents.design, 'the documents are still found');
  });

  it('still reports a linked design.md and an oversized requirements.md without reading them', async () => {
    const t = await dd.store.create({ title: 'Odd documents' });
    const wt = dd.location.worktreePath;
    const design = path.join(wt, t.folder, 'design.md');
    fs.rmSync(design);
    fs.symlinkSync(path.join(wt, 'README.md'), design);
    fs.writeFileSync(path.join(wt, t.folder, 'requirements.md'), 'x'.repeat(MAX_DOCUMENT_BYTES + 1));
    git(wt, 'add', '-A');
    const [listed] = await dd.store.list();
    assert.equal(listed.title, 'Odd documents', 'the title comes from the record');
    assert.deepEqual(
      listed.problems.map((p) => path.basename(p.path)),
      ['requirements.md', 'design.md'],
    );
    assert.match(listed.problems[0].message, /requirements\.md is 1\.0 MB; the limit is 1 MiB/);
    assert.match(listed.problems[1].message, /design\.md is a symbolic link on the design-docs branch/);
  });

  it('takes the title from requirements.md when there is no record', async () => {
    const t = await dd.store.create({ title: 'Record title' });
    const wt = dd.location.worktreePath;
    fs.rmSync(path.join(wt, t.folder, 'spectask.json'));
    fs.writeFileSync(path.join(wt, t.folder, 'requirements.md'), '# Requirements: Heading title\n');
    const [listed] = await dd.store.list();
    assert.equal(listed.title, 'Heading title');
    assert.deepEqual(listed.problems, []);
  });

  it('a mark opens only the checklist it changes', async () => {
    const t = await dd.store.create({ title: 'Tick' });
    fs.writeFileSync(path.join(t.path, 'tasks.md'), '# Implementation Tasks: Tick\n\n- [ ] T1: one\n');
    await dd.store.commitFolder(t.id);
    const opened = await filesOpened(() => dd.store.mark(t.id, { index: 0 }, 'done'));
    const names = opened
      .filter((p) => p.includes(t.folder.split('/').join(path.sep)))
      .map((p) => path.basename(p))
      .filter((name) => !name.endsWith('.tmp')); // the atomic write's temporary file
    assert.deepEqual(
      [...new Set(names)], // opened to be read, then to have its marker written in place (markerWrite.ts)
      ['tasks.md'],
      'the record and the other documents are not read',
    );
  });
});
