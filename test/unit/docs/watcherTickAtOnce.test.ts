import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DesignDocsWatcher, type DesignDocsEvent } from '../../../src/core/docs/designDocsWatcher';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

const checklist = (marks: string[]) =>
  `# Implementation Tasks: T\n\n${marks.map((m, i) => `- [${m}] Step ${i + 1}`).join('\n')}\n`;

/** Waits for the next event `pred` accepts (file events are asynchronous; mocha's timeout fails a lost one). */
function next(w: DesignDocsWatcher, pred: (e: DesignDocsEvent) => boolean): Promise<DesignDocsEvent> {
  return new Promise((resolve) => {
    const sub = w.onDidChange((e) => {
      if (!pred(e)) return;
      sub.dispose();
      resolve(e);
    });
  });
}

// The watcher's debounce is a minute here: whatever arrives before it ends was read without waiting for it.
describe('design-docs watcher: an agent tick is read at once', function () {
  this.timeout(20_000);
  let watcher: DesignDocsWatcher | undefined;
  afterEach(() => watcher?.dispose());
  after(cleanupTemp);

  function setup(): { root: string; tasksMd: string } {
    const root = tempDir('watch-at-once-');
    const folder = path.join(root, 'design', 'tasks', '000001_t');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'requirements.md'), '# Requirements\n');
    const tasksMd = path.join(folder, 'tasks.md');
    fs.writeFileSync(tasksMd, checklist([' ', ' ', ' ']));
    return { root, tasksMd };
  }

  it('reports the first tick of a quiet folder without waiting for the debounce', async () => {
    const { root, tasksMd } = setup();
    watcher = new DesignDocsWatcher(root, { debounceMs: 60_000, maxWaitMs: 60_000 });
    await watcher.start();
    const changed = next(watcher, (e) => e.kind === 'checklistChanged');
    fs.writeFileSync(tasksMd, checklist(['x', '~', ' ']));
    const e = await changed;
    assert.equal(e.kind === 'checklistChanged' && e.progress.done, 1);
  });

  it('keeps coalescing a folder whose events keep coming: the next write waits for the debounce', async () => {
    const { root, tasksMd } = setup();
    watcher = new DesignDocsWatcher(root, { debounceMs: 60_000, maxWaitMs: 60_000 });
    const events: DesignDocsEvent[] = [];
    watcher.onDidChange((e) => events.push(e));
    await watcher.start();
    const first = next(watcher, (e) => e.kind === 'checklistChanged');
    fs.writeFileSync(tasksMd, checklist(['x', ' ', ' ']));
    await first;
    fs.writeFileSync(tasksMd, checklist(['x', 'x', ' ']));
    // The second write's event is noted (a second turn of file events), but not read before the debounce.
    await new Promise((r) => setTimeout(r, 300));
    const done = () =>
      events.filter((e) => e.kind === 'checklistChanged').map((e) => 'progress' in e && e.progress.done);
    assert.deepEqual(done(), [1]);
    await watcher.settle();
    assert.deepEqual(done(), [1, 2]);
  });

  it('waits for the debounce for other documents (a record written in pieces is not read half-written)', async () => {
    const { root } = setup();
    watcher = new DesignDocsWatcher(root, { debounceMs: 60_000, maxWaitMs: 60_000 });
    const events: DesignDocsEvent[] = [];
    watcher.onDidChange((e) => events.push(e));
    await watcher.start();
    fs.writeFileSync(path.join(root, 'design', 'tasks', '000001_t', 'requirements.md'), '# Requirements\n\nMore.\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(events.length, 0);
    await watcher.settle();
    assert.deepEqual(
      events.map((e) => e.kind === 'documentChanged' && e.document),
      ['requirements.md'],
    );
  });
});
