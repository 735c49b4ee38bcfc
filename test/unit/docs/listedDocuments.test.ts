import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkedDocuments, listedDocuments } from '../../../src/core/docs/listedDocuments';
import { MAX_DOCUMENT_BYTES } from '../../../src/core/docs/noFollow';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { cleanupTemp, makeRepo, tempDir } from '../../support/tempRepo';

/** What a reader answers for one path: the bytes, or the refusal's message. */
function answer(fn: () => Buffer | boolean | undefined | void): string {
  try {
    const r = fn();
    return Buffer.isBuffer(r) ? `bytes ${r.length} ${r.subarray(0, 8).toString('hex')}` : String(r);
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
}

/** Counts calls of the named synchronous fs functions while `fn` runs (the product calls them on the module). */
async function counting<T>(
  names: string[],
  fn: () => Promise<T>,
): Promise<{ result: T; calls: Record<string, number> }> {
  const mutableFs = require('node:fs') as Record<string, unknown>;
  const real = new Map(names.map((n) => [n, mutableFs[n] as (...a: unknown[]) => unknown]));
  const calls: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const [n, f] of real)
    mutableFs[n] = (...a: unknown[]) => {
      calls[n]++;
      return f(...a);
    };
  try {
    return { result: await fn(), calls };
  } finally {
    for (const [n, f] of real) mutableFs[n] = f;
  }
}

describe('listedDocuments: the listing reads documents as noFollow.ts does, with fewer calls', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  it('answers exactly as noFollow.ts for every kind of entry', () => {
    const root = fs.realpathSync(tempDir());
    const folder = path.join(root, 'design', 'tasks', '000001_x');
    fs.mkdirSync(folder, { recursive: true });
    const entries: Record<string, () => void> = {
      'small.md': () => fs.writeFileSync(path.join(folder, 'small.md'), '- [ ] a\n'),
      'empty.md': () => fs.writeFileSync(path.join(folder, 'empty.md'), ''),
      'scratch.md': () => fs.writeFileSync(path.join(folder, 'scratch.md'), 'y'.repeat(64 * 1024)),
      'scratchLess1.md': () => fs.writeFileSync(path.join(folder, 'scratchLess1.md'), 'y'.repeat(64 * 1024 - 1)),
      'large.md': () => fs.writeFileSync(path.join(folder, 'large.md'), 'z'.repeat(300 * 1024)),
      'limit.md': () => fs.writeFileSync(path.join(folder, 'limit.md'), 'l'.repeat(MAX_DOCUMENT_BYTES)),
      'over.md': () => fs.writeFileSync(path.join(folder, 'over.md'), 'o'.repeat(MAX_DOCUMENT_BYTES + 1)),
      'dir.md': () => fs.mkdirSync(path.join(folder, 'dir.md')),
      'link.md': () => fs.symlinkSync(path.join(folder, 'small.md'), path.join(folder, 'link.md')),
      'dangling.md': () => fs.symlinkSync(path.join(root, 'nowhere'), path.join(folder, 'dangling.md')),
      'dirlink.md': () => fs.symlinkSync(folder, path.join(folder, 'dirlink.md')),
    };
    for (const make of Object.values(entries)) make();
    const names = [...Object.keys(entries), 'missing.md', 'small.md/below'];
    const fast = listedDocuments(root);
    const checked = checkedDocuments(root, true);
    for (const name of names) {
      const abs = path.join(folder, name);
      assert.equal(
        answer(() => fast.read(abs)),
        answer(() => checked.read(abs)),
        `read ${name}`,
      );
      assert.equal(
        answer(() => fast.exists(abs)),
        answer(() => checked.exists(abs)),
        `exists ${name}`,
      );
    }
    const linkedFolder = path.join(root, 'design', 'tasks', '000002_y');
    fs.symlinkSync(folder, linkedFolder);
    for (const abs of [folder, linkedFolder, path.join(root, 'design', 'tasks', '000003_gone')])
      assert.equal(
        answer(() => fast.checkFolder(abs)),
        answer(() => checked.checkFolder(abs)),
        `folder ${abs}`,
      );
  });

  it('a read stays valid after reads of other readers', () => {
    const root = fs.realpathSync(tempDir());
    fs.writeFileSync(path.join(root, 'a.md'), 'first');
    fs.writeFileSync(path.join(root, 'b.md'), 'second');
    const a = listedDocuments(root).read(path.join(root, 'a.md'));
    listedDocuments(root).read(path.join(root, 'b.md'));
    assert.equal(a?.toString(), 'first');
  });
});

describe('listing SpecTasks: system calls per folder', function () {
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

  it('one lstat per folder and per looked-at document, one read per read document, no fstat', async () => {
    for (const title of ['One', 'Two', 'Three']) await dd.store.create({ title });
    const { result, calls } = await counting(['lstatSync', 'fstatSync', 'readSync', 'openSync'], () => dd.store.list());
    assert.deepEqual(
      result.map((t) => [t.title, t.progress?.total, Object.keys((t as { documents?: object }).documents ?? {})]),
      [
        ['One', 0, ['metadata', 'requirements', 'design', 'tasks']],
        ['Two', 0, ['metadata', 'requirements', 'design', 'tasks']],
        ['Three', 0, ['metadata', 'requirements', 'design', 'tasks']],
      ],
    );
    // Per folder: lstat of the folder, requirements.md and design.md; spectask.json and tasks.md opened and
    // read once each.
    assert.deepEqual(calls, { lstatSync: 9, fstatSync: 0, readSync: 6, openSync: 6 });
  });

  it('one SpecTask with its checklist: its folder checked, then its documents read the same way', async () => {
    for (const title of ['One', 'Two']) await dd.store.create({ title });
    const { result, calls } = await counting(['lstatSync', 'fstatSync', 'readSync', 'openSync'], () =>
      dd.store.get('2'),
    );
    assert.equal(result.title, 'Two');
    assert.ok(result.checklist && result.documents.design && result.documents.requirements);
    // The folder and its parents (design, design/tasks) checked with 3 lstats; then requirements.md and
    // design.md looked at; spectask.json and tasks.md opened and read once each.
    assert.deepEqual(calls, { lstatSync: 5, fstatSync: 0, readSync: 2, openSync: 2 });
  });
});
