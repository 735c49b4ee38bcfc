import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

const ITEMS = 12;

// Issue 24: a mark writes its marker's byte into the checklist in place (markerWrite.ts) rather than the whole
// file by rename. Git must still see every one of them: same inode, same size, often the same second.
describe('mark writes the marker in place, and git commits every tick', function () {
  this.timeout(30_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('keeps the checklist file and commits each of many quick marks of it', async () => {
    const registry = track(new GitQueueRegistry());
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    const wt = dd.location.worktreePath;
    const t = await dd.store.create({ title: 'In place' });
    const file = path.join(t.path, 'tasks.md');
    const items = Array.from({ length: ITEMS }, (_, i) => `- [ ] T${i + 1}: item ${i + 1}`);
    fs.writeFileSync(file, `# Implementation Tasks: In place\n\n${items.join('\n')}\n`);
    await dd.store.commitFolder(t.id, 'checklist');
    const ino = fs.statSync(file).ino;
    const rel = path.relative(wt, file).split(path.sep).join('/');
    for (let i = 0; i < ITEMS; i++) {
      // Two states of one item back to back: the same byte changes twice within a few milliseconds.
      await dd.store.mark(t.id, { index: i }, 'doing');
      const r = await dd.store.mark(t.id, { index: i }, 'done');
      assert.ok(r.commit, `item ${i + 1} committed`);
      assert.equal(git(wt, 'show', `HEAD:${rel}`), fs.readFileSync(file, 'utf8').trimEnd(), `HEAD after item ${i + 1}`);
    }
    assert.equal(fs.statSync(file).ino, ino, 'written in place: the same file all along');
    assert.equal(git(wt, 'status', '--porcelain'), '');
    assert.deepEqual(fs.readdirSync(t.path).sort(), ['design.md', 'requirements.md', 'spectask.json', 'tasks.md']);
  });
});
