import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchLayout, type LayoutWatch } from '../../../src/core/docs/layoutWatcher';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

/** Waits until `pred` holds (events arrive asynchronously); fails with what was seen after 5 s. */
async function until(pred: () => boolean, seen: () => string[]): Promise<void> {
  for (let i = 0; i < 250 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(pred(), `not reported; saw: ${JSON.stringify(seen())}`);
}

describe('layout watcher (a watch per folder)', function () {
  this.timeout(20_000);
  let watch: LayoutWatch | undefined;
  afterEach(() => watch?.dispose());
  after(cleanupTemp);

  function start(root: string): string[] {
    const seen: string[] = [];
    watch = watchLayout(
      root,
      (rel) => seen.push(rel ?? '.'),
      (e) => seen.push(`error: ${e.message}`),
    );
    return seen;
  }

  it('reports documents written in SpecTask folders that existed, and in folders created later (new and older layout)', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'design', 'tasks', '000001_a'), { recursive: true });
    const seen = start(root);
    await watch!.ready;
    await fs.promises.writeFile(path.join(root, 'design', 'tasks', '000001_a', 'tasks.md'), '- [x] one\n');
    await until(
      () => seen.includes(path.join('design', 'tasks', '000001_a', 'tasks.md')),
      () => seen,
    );
    // A folder created and written at once: the write may come before its watcher exists, so the folder is reported.
    await fs.promises.mkdir(path.join(root, 'design', 'tasks', '000002_b'));
    await fs.promises.writeFile(path.join(root, 'design', 'tasks', '000002_b', 'design.md'), '# Design: b\n');
    await until(
      () => seen.some((s) => s.startsWith(path.join('design', 'tasks', '000002_b'))),
      () => seen,
    );
    await new Promise((r) => setTimeout(r, 100)); // its watcher is attached by now
    seen.length = 0;
    await fs.promises.writeFile(path.join(root, 'design', 'tasks', '000002_b', 'tasks.md'), '- [ ] two\n');
    await until(
      () => seen.includes(path.join('design', 'tasks', '000002_b', 'tasks.md')),
      () => seen,
    );
    // The older layout, its parent created after the watch started.
    await fs.promises.mkdir(path.join(root, 'tasks', 'legacy'), { recursive: true });
    await new Promise((r) => setTimeout(r, 100));
    await fs.promises.writeFile(path.join(root, 'tasks', 'legacy', 'progress.md'), '- [ ] old\n');
    await until(
      () => seen.some((s) => s.startsWith(path.join('tasks', 'legacy'))),
      () => seen,
    );
  });

  it('follows a whole design/ tree that arrives at once (a checkout), and a SpecTask folder removed and made again', async () => {
    const root = tempDir();
    const seen = start(root);
    await watch!.ready;
    await fs.promises.mkdir(path.join(root, 'design', 'tasks', '000003_c'), { recursive: true });
    await until(
      () => seen.some((s) => s.startsWith(path.join('design', 'tasks', '000003_c'))),
      () => seen,
    );
    await new Promise((r) => setTimeout(r, 100));
    await fs.promises.rm(path.join(root, 'design', 'tasks', '000003_c'), { recursive: true });
    await until(
      () => seen.filter((s) => s === path.join('design', 'tasks', '000003_c')).length >= 2,
      () => seen,
    );
    await fs.promises.mkdir(path.join(root, 'design', 'tasks', '000003_c'));
    await new Promise((r) => setTimeout(r, 100));
    seen.length = 0;
    await fs.promises.writeFile(path.join(root, 'design', 'tasks', '000003_c', 'tasks.md'), '- [ ] again\n');
    await until(
      () => seen.includes(path.join('design', 'tasks', '000003_c', 'tasks.md')),
      () => seen,
    );
    assert.ok(!seen.some((s) => s.startsWith('error')), JSON.stringify(seen));
  });

  it('never does synchronous file I/O, at start or per event', async () => {
    const root = tempDir();
    for (let i = 1; i <= 20; i++) {
      const dir = path.join(root, 'design', 'tasks', `00000${i}_t`.slice(-8));
      fs.mkdirSync(dir, { recursive: true });
      for (const f of ['requirements.md', 'design.md', 'tasks.md']) fs.writeFileSync(path.join(dir, f), '# x\n');
    }
    const names = ['statSync', 'lstatSync', 'readdirSync', 'existsSync', 'readFileSync', 'accessSync'] as const;
    const calls: string[] = [];
    // The module object itself (not this file's import binding), which the product and Node's own fs.watch use.
    const fsModule = require('node:fs') as Record<string, unknown>;
    const originals = names.map((n) => fsModule[n]);
    names.forEach(
      (n, i) =>
        (fsModule[n] = (...a: unknown[]) => (calls.push(n), (originals[i] as (...x: unknown[]) => unknown)(...a))),
    );
    try {
      const seen = start(root);
      await watch!.ready;
      const dirs = await fs.promises.readdir(path.join(root, 'design', 'tasks'));
      for (const d of dirs)
        await fs.promises.writeFile(path.join(root, 'design', 'tasks', d, 'tasks.md'), '- [x] done\n');
      await fs.promises.mkdir(path.join(root, 'design', 'tasks', '000099_new'));
      await until(
        () => seen.length >= dirs.length + 1,
        () => seen,
      );
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      names.forEach((n, i) => (fsModule[n] = originals[i]));
    }
    assert.deepEqual(calls, [], 'synchronous file-system calls on the event loop');
  });
});
