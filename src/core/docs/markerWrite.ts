import * as fs from 'node:fs';
import { writeFileAtomicSync } from './atomicWrite';
import { assertNoSymlinkBelowSync, openBranchFileSync, readBranchFileSync, readOpenFileSync } from './noFollow';
import { writtenFileSignatureSync, type WrittenFile } from './writtenFileCheck';

/** How {@link writeMarkerSync} wrote: the one byte in place, or the whole file by rename (any doubt). */
export type MarkerWriteWay = 'inPlace' | 'whole';

/**
 * Writes a checklist in which a mark changed one byte, the item's marker (`setItemState`), and returns how the
 * file looks after (its {@link WrittenFile} signature, for the commit's check) and how it was written.
 *
 * Writing the whole file by rename created a file and dropped one per tick: most of the time between a round of
 * 16 marks and its commit (issue 24: ~7 ms before the commit job, ~1 ms with the byte written in place). A
 * one-byte `pwrite` is never seen half done, by a reader or after a SIGKILL, and leaves no temporary file.
 *
 * The byte is written in place only into the very file that was read: a plain file with one name (a hard link
 * would carry the write outside the worktree), under no linked folder, of the same size and the same bytes,
 * read again through the descriptor that writes. Afterwards that descriptor must show exactly `after`, and the
 * path must still name that file. Otherwise another writer was at work in the same instant (an agent truncating
 * `tasks.md` to rewrite it, or renaming a new one over it), and the document is written whole by rename, as it
 * always was. The one torn state the byte itself can make is such a truncate landing between the check and the
 * write: the file then grows to the marker's offset with zero bytes, the check after the write sees it and the
 * whole file replaces it at once. Only a SIGKILL in those microseconds would leave it, for the agent's own
 * write to cover (it writes from the file's start).
 */
export function writeMarkerSync(
  root: string,
  abs: string,
  before: Uint8Array,
  after: Uint8Array,
  offset: number,
): { written: WrittenFile | undefined; way: MarkerWriteWay } {
  const written = inPlace(root, abs, before, after, offset);
  if (written) return { written, way: 'inPlace' };
  writeFileAtomicSync(abs, after, { root });
  return { written: writtenFileSignatureSync(abs), way: 'whole' };
}

/** What a mark makes of the checklist it read: the new document and its marker's offset. */
export interface MarkEdit {
  after: Uint8Array;
  offset: number;
}

/**
 * Reads the checklist at `abs` and writes what `edit` makes of it (nothing when it returns no `write`), with
 * {@link writeMarkerSync}'s rules, through the one descriptor that read it: a separate read and write cost a
 * second open, its checks of the folders above and a close on each of 16 concurrent ticks (issue 24).
 * Undefined when there is no plain file there; refusals as readBranchFileSync's.
 */
export function markChecklistSync<T>(
  root: string,
  abs: string,
  edit: (bytes: Buffer) => { result: T; write?: MarkEdit },
): { result: T; written?: WrittenFile; way?: MarkerWriteWay } | undefined {
  let open: ReturnType<typeof openBranchFileSync>;
  try {
    // O_NONBLOCK: a FIFO planted under the checklist's name must not hang the queue (it is refused as no file).
    open = openBranchFileSync(root, abs, fs.constants.O_RDWR | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (!CANNOT_WRITE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    // A file this process may read but not write in place: read it, and write it whole by rename as always.
    const bytes = readBranchFileSync(root, abs);
    if (!bytes) return undefined;
    const { result, write } = edit(bytes);
    return write ? { result, ...writeMarkerSync(root, abs, bytes, write.after, write.offset) } : { result };
  }
  if (!open) return undefined;
  let fd: number | undefined = open.fd;
  try {
    const bytes = readOpenFileSync(fd, open.size);
    const { result, write } = edit(bytes);
    if (!write) return { result };
    const written = open.nlink === 1 ? byteInPlace(abs, fd, bytes, write.after, write.offset) : undefined;
    if (written) return { result, written, way: 'inPlace' };
    fs.closeSync(fd);
    fd = undefined;
    writeFileAtomicSync(abs, write.after, { root });
    return { result, written: writtenFileSignatureSync(abs), way: 'whole' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Errors of an open for writing that a plain read would not meet: the mark then writes the whole file. */
const CANNOT_WRITE = new Set(['EACCES', 'EPERM', 'EROFS', 'ETXTBSY']);

/** The file's signature once the byte is written in place and checked; undefined when it was not, or may not be. */
function inPlace(
  root: string,
  abs: string,
  before: Uint8Array,
  after: Uint8Array,
  offset: number,
): WrittenFile | undefined {
  if (!onlyByteDiffers(before, after, offset)) return undefined;
  assertNoSymlinkBelowSync(root, abs);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the checklist's name must not hang the queue.
    fd = fs.openSync(abs, fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    // A FIFO fails the positioned read, a folder the open; a second name would carry the byte out of the worktree.
    return fs.fstatSync(fd).nlink === 1 ? byteInPlace(abs, fd, before, after, offset) : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `after`'s byte at `offset` through `fd` (a plain file with one name) if the file still holds exactly
 * `before` and only that byte differs; the signature once it is checked, else undefined.
 */
function byteInPlace(
  abs: string,
  fd: number,
  before: Uint8Array,
  after: Uint8Array,
  offset: number,
): WrittenFile | undefined {
  try {
    if (!onlyByteDiffers(before, after, offset) || !holds(fd, before)) return undefined;
    if (fs.writeSync(fd, after, offset, 1, offset) !== 1) return undefined;
    // Taken before the content is checked: whatever touches the file after this, the commit's check sees.
    const done = fs.fstatSync(fd);
    if (!holds(fd, after)) return undefined;
    // Renamed over meanwhile, the byte went to a file nobody will commit.
    const there = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!there || there.ino !== done.ino || there.dev !== done.dev) return undefined;
    return { ino: done.ino, ctimeMs: done.ctimeMs, size: done.size };
  } catch {
    return undefined;
  }
}

/** Whether the file behind `fd` holds exactly `bytes` (read from its start, and nothing after them). */
function holds(fd: number, bytes: Uint8Array): boolean {
  const now = Buffer.allocUnsafe(bytes.length + 1);
  let at = 0;
  for (let n; at < now.length && (n = fs.readSync(fd, now, at, now.length - at, at)) > 0;) at += n;
  return at === bytes.length && now.subarray(0, at).equals(bytes);
}

/** `after` is `before` with the byte at `offset` changed, and nothing else. */
function onlyByteDiffers(before: Uint8Array, after: Uint8Array, offset: number): boolean {
  if (before.length !== after.length || offset < 0 || offset >= before.length || before[offset] === after[offset])
    return false;
  const b = Buffer.from(before.buffer, before.byteOffset, before.length);
  const a = Buffer.from(after.buffer, after.byteOffset, after.length);
  return b.compare(a, 0, offset, 0, offset) === 0 && b.compare(a, offset + 1, a.length, offset + 1, b.length) === 0;
}
