import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setItemState } from '../../../src/core/checklist/setItemState';
import { writeMarkerSync } from '../../../src/core/docs/markerWrite';
import { BranchFileRefusedError } from '../../../src/core/docs/noFollow';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

const DOC = Buffer.from('# Implementation Tasks: x\n\n- [ ] T1: one\n- [ ] T2: two\n');

// Issue 24: a mark changes one byte. Writing it in place spares creating a file and dropping one per tick (the
// largest part of the git queue's own time with 16 writers); any doubt writes the whole file by rename.
describe('writeMarkerSync (a mark written in place when it is safe)', function () {
  after(cleanupTemp);

  function setUp(): { root: string; file: string; after: Buffer; offset: number } {
    const root = tempDir('marker-write-');
    const file = path.join(root, 'design', 'tasks.md');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, DOC);
    const r = setItemState(DOC, { index: 1 }, 'done');
    return { root, file, after: r.document, offset: r.item.markerOffset };
  }

  it('writes the one byte into the same file, and returns its signature', () => {
    const { root, file, after, offset } = setUp();
    const ino = fs.statSync(file).ino;
    const sig = writeMarkerSync(root, file, DOC, after, offset);
    assert.deepEqual(fs.readFileSync(file), after);
    assert.equal(fs.statSync(file).ino, ino, 'written in place, not replaced');
    assert.equal(sig?.ino, ino);
    assert.equal(sig?.size, DOC.length);
  });

  it('writes the whole file by rename when the file is not the one that was read', () => {
    const { root, file, after, offset } = setUp();
    fs.writeFileSync(file, Buffer.concat([DOC, Buffer.from('- [ ] T3: three\n')])); // another writer since
    const ino = fs.statSync(file).ino;
    writeMarkerSync(root, file, DOC, after, offset);
    assert.deepEqual(fs.readFileSync(file), after);
    assert.notEqual(fs.statSync(file).ino, ino);
  });

  it('never writes through a second name of the file (a hard link leading out of the worktree)', () => {
    const { root, file, after, offset } = setUp();
    const outside = path.join(tempDir('marker-outside-'), 'victim.md');
    fs.rmSync(file);
    fs.writeFileSync(outside, DOC);
    fs.linkSync(outside, file);
    writeMarkerSync(root, file, DOC, after, offset);
    assert.deepEqual(fs.readFileSync(outside), DOC, 'the other name is untouched');
    assert.deepEqual(fs.readFileSync(file), after);
  });

  it('writes the whole document when more than the one byte differs', () => {
    const { root, file, offset } = setUp();
    const other = Buffer.from(DOC.toString().replace('[ ] T2', '[x] T2').replace('T1: one', 'T1: ONE'));
    const ino = fs.statSync(file).ino;
    writeMarkerSync(root, file, DOC, other, offset);
    assert.deepEqual(fs.readFileSync(file), other);
    assert.notEqual(fs.statSync(file).ino, ino);
  });

  it('refuses a checklist under a linked folder, as the whole-file write does', () => {
    const { root, after, offset } = setUp();
    const elsewhere = tempDir('marker-elsewhere-');
    fs.writeFileSync(path.join(elsewhere, 'tasks.md'), DOC);
    fs.symlinkSync(elsewhere, path.join(root, 'linked'));
    assert.throws(
      () => writeMarkerSync(root, path.join(root, 'linked', 'tasks.md'), DOC, after, offset),
      BranchFileRefusedError,
    );
    assert.deepEqual(fs.readFileSync(path.join(elsewhere, 'tasks.md')), DOC);
  });
});
