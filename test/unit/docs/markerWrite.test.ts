import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import realFs from 'node:fs';
import * as path from 'node:path';
import { setItemState } from '../../../src/core/checklist/setItemState';
import { markChecklistSync, writeMarkerSync, type MarkerWriteWay } from '../../../src/core/docs/markerWrite';
import type { WrittenFile } from '../../../src/core/docs/writtenFileCheck';
import { BranchFileRefusedError, MAX_DOCUMENT_BYTES } from '../../../src/core/docs/noFollow';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

const DOC = Buffer.from('# Implementation Tasks: x\n\n- [ ] T1: one\n- [ ] T2: two\n');

/**
 * Runs `fn` with the one-byte `fs.writeSync` wrapped: `around` may play another writer in the instant before or
 * after the byte lands, which no real schedule hits on purpose. Returns what the file held right after each
 * one-byte write: what a reader, or a SIGKILL of the host at that instant, would find.
 */
function byteWrites(file: string, fn: () => void, around: (write: () => number) => number = (w) => w()): Buffer[] {
  const original = realFs.writeSync as (...a: unknown[]) => number;
  const seen: Buffer[] = [];
  (realFs as { writeSync: unknown }).writeSync = (...args: unknown[]) => {
    if (args[3] !== 1) return original(...args);
    return around(() => {
      const n = original(...args);
      seen.push(fs.readFileSync(file));
      return n;
    });
  };
  try {
    fn();
  } finally {
    (realFs as { writeSync: unknown }).writeSync = original;
  }
  return seen;
}

// Issue 24: a mark changes one byte. Writing it in place spares creating a file and dropping one per tick (most of
// the time between 16 writers' marks and their commit); any doubt writes the whole file by rename, as before. The
// byte may land only where the file becomes exactly the document asked for: anything else would be a torn state.
type Write = (
  root: string,
  file: string,
  before: Buffer,
  after: Buffer,
  offset: number,
) => { written?: WrittenFile; way: MarkerWriteWay };

/**
 * Both ways in: a byte for a document already read, and the mark's read and write through one descriptor. For
 * the second, a file that differs from `before` is what another writer made of it between the read and the byte.
 */
const ENTRIES: [string, Write][] = [
  ['writeMarkerSync', writeMarkerSync],
  [
    'markChecklistSync',
    (root, file, before, after, offset) => {
      const since = fs.readFileSync(file);
      if (!since.equals(before)) fs.writeFileSync(file, before);
      const r = markChecklistSync(root, file, (bytes) => {
        assert.deepEqual(bytes, before, 'it read the file as it was');
        if (!since.equals(before)) fs.writeFileSync(file, since); // the other writer, in place, as agents write
        return { result: 'edited', write: { after, offset } };
      });
      assert.equal(r?.result, 'edited');
      assert.ok(r.way, 'it wrote');
      return { written: r.written, way: r.way };
    },
  ],
];

for (const [name, writeMarkerSync] of ENTRIES)
  describe(`${name} (a mark written in place when it is safe)`, function () {
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
      let r: ReturnType<typeof writeMarkerSync> | undefined;
      const seen = byteWrites(file, () => (r = writeMarkerSync(root, file, DOC, after, offset)));
      assert.equal(r?.way, 'inPlace');
      assert.deepEqual(seen, [after], 'the file was never anything but the old or the new document');
      assert.deepEqual(fs.readFileSync(file), after);
      assert.equal(fs.statSync(file).ino, ino, 'written in place, not replaced');
      assert.deepEqual(r?.written, { ino, ctimeMs: fs.lstatSync(file).ctimeMs, size: DOC.length });
      assert.deepEqual(
        fs.readdirSync(path.dirname(file)),
        ['tasks.md'],
        'no temporary file (none for a SIGKILL to leave)',
      );
    });

    /** The byte never lands, and the whole document replaces the file by rename. */
    function assertWrittenWhole(file: string, seen: Buffer[], way: string, whole: Buffer): void {
      assert.deepEqual(seen, [], 'no byte written into a file that is not the one read');
      assert.equal(way, 'whole');
      assert.deepEqual(fs.readFileSync(file), whole, 'as the whole-file write always did');
    }

    it('an agent emptied the file since the read (between its truncate and its write): no byte lands in it', () => {
      const { root, file, after, offset } = setUp();
      fs.writeFileSync(file, '');
      let way = '';
      const seen = byteWrites(file, () => (way = writeMarkerSync(root, file, DOC, after, offset).way));
      assertWrittenWhole(file, seen, way, after);
    });

    it('the file grew since the read: no byte lands in it', () => {
      const { root, file, after, offset } = setUp();
      fs.writeFileSync(file, Buffer.concat([DOC, Buffer.from('- [ ] T3: three\n')]));
      let way = '';
      const seen = byteWrites(file, () => (way = writeMarkerSync(root, file, DOC, after, offset).way));
      assertWrittenWhole(file, seen, way, after);
    });

    it('the file has the same size but other bytes than the ones read: no byte lands in it', () => {
      const { root, file, after, offset } = setUp();
      fs.writeFileSync(file, DOC.toString().replace('[ ] T1', '[x] T1')); // the agent ticked T1 since the read
      let way = '';
      const seen = byteWrites(file, () => (way = writeMarkerSync(root, file, DOC, after, offset).way));
      assertWrittenWhole(file, seen, way, after);
    });

    it('more than the one byte differs: the whole document is written, never the byte alone', () => {
      const { root, file, offset } = setUp();
      const other = Buffer.from(DOC.toString().replace('[ ] T2', '[x] T2').replace('T1: one', 'T1: ONE'));
      let way = '';
      const seen = byteWrites(file, () => (way = writeMarkerSync(root, file, DOC, other, offset).way));
      assertWrittenWhole(file, seen, way, other);
    });

    it('never writes through a second name of the file (a hard link leading out of the worktree)', () => {
      const { root, file, after, offset } = setUp();
      const outside = path.join(tempDir('marker-outside-'), 'victim.md');
      fs.rmSync(file);
      fs.writeFileSync(outside, DOC);
      fs.linkSync(outside, file);
      assert.equal(writeMarkerSync(root, file, DOC, after, offset).way, 'whole');
      assert.deepEqual(fs.readFileSync(outside), DOC, 'the other name is untouched');
      assert.deepEqual(fs.readFileSync(file), after);
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

    it('an agent truncating the file in the instant before the byte lands: the zero bytes it makes are replaced at once', () => {
      const { root, file, after, offset } = setUp();
      let way = '';
      const seen = byteWrites(
        file,
        () => (way = writeMarkerSync(root, file, DOC, after, offset).way),
        (write) => (fs.truncateSync(file, 0), write()), // the agent's open(O_TRUNC), before its write
      );
      assert.deepEqual(seen, [Buffer.concat([Buffer.alloc(offset), after.subarray(offset, offset + 1)])]);
      assert.equal(way, 'whole');
      assert.deepEqual(fs.readFileSync(file), after, 'no zero bytes left in the checklist');
    });

    it('an agent rewriting the file with the same size in the instant before the byte lands: never a mix of both', () => {
      const { root, file, after, offset } = setUp();
      let way = '';
      byteWrites(
        file,
        () => (way = writeMarkerSync(root, file, DOC, after, offset).way),
        (write) => (fs.writeFileSync(file, DOC.toString().replace('T1: one', 'T1: eno')), write()),
      );
      assert.equal(way, 'whole');
      assert.deepEqual(fs.readFileSync(file), after, 'as the whole-file write always did');
    });

    it('a file renamed over the checklist right after the byte landed: the whole file is written at the path', () => {
      const { root, file, after, offset } = setUp();
      let way = '';
      byteWrites(
        file,
        () => (way = writeMarkerSync(root, file, DOC, after, offset).way),
        (write) => {
          const n = write();
          fs.writeFileSync(`${file}.new`, DOC);
          fs.renameSync(`${file}.new`, file); // the byte went to the file the path no longer names
          return n;
        },
      );
      assert.equal(way, 'whole');
      assert.deepEqual(fs.readFileSync(file), after, 'the tick is in the file the commit takes');
    });
  });

// The mark's own path: the checklist read and written through one descriptor (issue 24: a second open, its checks
// of the folders above and a close on each of 16 concurrent ticks). The read's refusals must stay those of
// readBranchFileSync, and nothing may be written when the mark changes nothing.
describe('markChecklistSync (the read and the byte through one descriptor)', function () {
  after(cleanupTemp);

  function setUp(): { root: string; file: string } {
    const root = tempDir('marker-one-fd-');
    const file = path.join(root, 'design', 'tasks.md');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, DOC);
    return { root, file };
  }
  const edit = (bytes: Buffer) => {
    const r = setItemState(bytes, { index: 1 }, 'done');
    return { result: r.changed, write: r.changed ? { after: r.document, offset: r.item.markerOffset } : undefined };
  };

  it('a mark that changes nothing writes nothing', () => {
    const { root, file } = setUp();
    fs.writeFileSync(file, setItemState(DOC, { index: 1 }, 'done').document);
    const before = fs.lstatSync(file);
    const r = markChecklistSync(root, file, edit);
    assert.deepEqual(r, { result: false });
    const now = fs.lstatSync(file);
    assert.deepEqual([now.ino, now.ctimeMs], [before.ino, before.ctimeMs]);
  });

  it('no plain file under the name (missing, a folder, a FIFO) is no checklist, and nothing hangs', () => {
    const { root, file } = setUp();
    fs.rmSync(file);
    assert.equal(markChecklistSync(root, file, edit), undefined, 'missing');
    fs.mkdirSync(file);
    assert.equal(markChecklistSync(root, file, edit), undefined, 'a folder');
    fs.rmdirSync(file);
    spawnSync('mkfifo', [file]);
    assert.ok(fs.lstatSync(file).isFIFO());
    assert.equal(markChecklistSync(root, file, edit), undefined, 'a FIFO');
  });

  it('refuses a checklist that is itself a link, and one over the size limit, before reading a byte', () => {
    const { root, file } = setUp();
    const elsewhere = path.join(tempDir('marker-one-fd-out-'), 'victim.md');
    fs.writeFileSync(elsewhere, DOC);
    fs.rmSync(file);
    fs.symlinkSync(elsewhere, file);
    let edited = false;
    const spy = (bytes: Buffer) => ((edited = true), edit(bytes));
    assert.throws(() => markChecklistSync(root, file, spy), BranchFileRefusedError);
    assert.deepEqual(fs.readFileSync(elsewhere), DOC, 'the link target is untouched');
    fs.rmSync(file);
    fs.writeFileSync(file, Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x20));
    assert.throws(() => markChecklistSync(root, file, spy), /limit|large/i);
    assert.equal(edited, false, 'the edit never ran');
  });
});
