import * as fs from 'node:fs';
import { writeFileAtomicSync } from './atomicWrite';
import { assertNoSymlinkBelowSync } from './noFollow';
import { writtenFileSignatureSync, type WrittenFile } from './writtenFileCheck';

/**
 * Writes a checklist in which a mark changed one byte, the item's marker (`setItemState`), and returns how the
 * file looks after (its {@link WrittenFile} signature, for the commit's check).
 *
 * The byte is written in place when nothing can go wrong with that: a one-byte write is never seen half done,
 * by a reader or after a kill. Writing the whole file again by rename created a new file and dropped the old one
 * for every tick, the largest part of the queue's own time with 16 writers (issue 24: the CPU profile of the
 * benchmark had `rename` at a fifth of its time). The file must be the one that was read: the same size and
 * bytes, read again through the descriptor that writes it, a plain file with no other name (a hard link would
 * carry the write outside the worktree), not a link and under no linked folder. After the write it must still
 * be that file, of that size, holding the new byte: otherwise another writer was at work in the same instant,
 * and the document is written whole by rename, as before.
 */
export function writeMarkerSync(
  root: string,
  abs: string,
  before: Uint8Array,
  after: Uint8Array,
  offset: number,
): WrittenFile | undefined {
  if (!inPlace(root, abs, before, after, offset)) writeFileAtomicSync(abs, after, { root });
  return writtenFileSignatureSync(abs);
}

/** True once the byte is written in place and checked; false when it was not, or may not have been. */
function inPlace(root: string, abs: string, before: Uint8Array, after: Uint8Array, offset: number): boolean {
  if (!onlyByteDiffers(before, after, offset)) return false;
  assertNoSymlinkBelowSync(root, abs);
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return false;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.nlink !== 1 || st.size !== before.length) return false;
    const now = Buffer.allocUnsafe(before.length);
    if (fs.readSync(fd, now, 0, now.length, 0) !== now.length || !now.equals(before)) return false;
    if (fs.writeSync(fd, after, offset, 1, offset) !== 1) return false;
    const done = fs.fstatSync(fd);
    const there = fs.lstatSync(abs, { throwIfNoEntry: false });
    const byte = Buffer.alloc(1);
    return (
      done.size === before.length &&
      there?.ino === done.ino &&
      there.dev === done.dev &&
      fs.readSync(fd, byte, 0, 1, offset) === 1 &&
      byte[0] === after[offset]
    );
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** `after` is `before` with the byte at `offset` changed, and nothing else. */
function onlyByteDiffers(before: Uint8Array, after: Uint8Array, offset: number): boolean {
  if (before.length !== after.length || offset < 0 || offset >= before.length || before[offset] === after[offset])
    return false;
  const b = Buffer.from(before.buffer, before.byteOffset, before.length);
  const a = Buffer.from(after.buffer, after.byteOffset, after.length);
  return b.compare(a, 0, offset, 0, offset) === 0 && b.compare(a, offset + 1, a.length, offset + 1, b.length) === 0;
}
