import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * The largest document the host reads from the design-docs branch (requirements.md, design.md, tasks.md,
 * spectask.json, pull_request.md): 1 MiB. A real spec is a few kilobytes; a teammate's or an agent's 13.7 MB
 * tasks.md cost 1.3 s and 500 MB on the host's thread, so anything larger is reported, never parsed.
 */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * A file on the design-docs branch the host will not read or write: a symbolic link (which a teammate's
 * commit can point at any file of the user's), a path leaving the worktree, or a document over the size limit.
 */
export class BranchFileRefusedError extends Error {
  constructor(
    /** The offending path relative to the worktree, `/`-separated. */
    readonly rel: string,
    readonly reason: 'symlink' | 'outside' | 'tooLarge',
    message: string,
  ) {
    super(message);
    this.name = 'BranchFileRefusedError';
  }
}

const lstatAsync = promisify(fs.lstat);
const openAsync = promisify(fs.open);
const fstatAsync = promisify(fs.fstat);
const readAsync = promisify(fs.read);
const writeAsync = promisify(fs.write);
const closeAsync = promisify(fs.close);

// Without O_NOFOLLOW (Windows) the final component is lstat-ed before it is opened instead.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** `abs` relative to `root` with `/` separators; throws when it is not strictly below `root`. */
function relativeBelow(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (!rel || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw new BranchFileRefusedError(
      rel.split(path.sep).join('/'),
      'outside',
      `${abs} is not inside the design-docs worktree ${root}; refusing to touch it`,
    );
  return rel.split(path.sep).join('/');
}

function symlinkRefusal(rel: string): BranchFileRefusedError {
  return new BranchFileRefusedError(
    rel,
    'symlink',
    `${rel} is a symbolic link on the design-docs branch; refusing to follow it`,
  );
}

function tooLargeRefusal(rel: string, size: number, limit: number): BranchFileRefusedError {
  return new BranchFileRefusedError(
    rel,
    'tooLarge',
    `${rel} is ${humanSize(size)}; the limit is ${limit === MAX_DOCUMENT_BYTES ? '1 MiB' : `${limit} bytes`}`,
  );
}

/** `2097152` → `2.1 MB` (the size a person sees in a file manager). */
function humanSize(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}

/**
 * Throws {@link BranchFileRefusedError} when `abs` is not below `root` or any of its components below
 * `root` (the final one included) is a symbolic link. A component that does not exist ends the check: there
 * is nothing to follow, and the caller's own read or write reports it missing (or creates it).
 */
export async function assertNoSymlinkBelow(root: string, abs: string): Promise<void> {
  const parts = relativeBelow(root, abs).split('/');
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const st = await lstatAsync(path.join(root, rel)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (!st) return;
    if (st.isSymbolicLink()) throw symlinkRefusal(rel);
  }
}

/** {@link assertNoSymlinkBelow} for the folders holding `abs`, not `abs` itself. */
export async function assertNoSymlinkAbove(root: string, abs: string): Promise<void> {
  relativeBelow(root, abs);
  const parent = path.dirname(abs);
  if (path.relative(root, parent)) await assertNoSymlinkBelow(root, parent);
}

/**
 * Reads a file of the design-docs worktree without following a symbolic link anywhere below `root`, and
 * without reading more than `limit` bytes: the size is checked on the open file before a byte is read.
 * Undefined when the file is missing or is a folder. Throws {@link BranchFileRefusedError} for a link, a
 * path outside the worktree or a file over the limit. `parentsChecked`: the caller checked the folders
 * above already (the watcher reads a folder's documents together).
 */
export async function readBranchFile(
  root: string,
  abs: string,
  options: { limit?: number; parentsChecked?: boolean } = {},
): Promise<Buffer | undefined> {
  const rel = relativeBelow(root, abs);
  if (!options.parentsChecked) await assertNoSymlinkAbove(root, abs);
  if (!O_NOFOLLOW) await assertNoSymlinkBelow(root, abs);
  const fd = await openAsync(abs, fs.constants.O_RDONLY | O_NOFOLLOW).catch((e: NodeJS.ErrnoException) => {
    // Linux and macOS say ELOOP for a link opened with O_NOFOLLOW, the BSDs EMLINK.
    if (e.code === 'ELOOP' || e.code === 'EMLINK') throw symlinkRefusal(rel);
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EISDIR') return undefined;
    throw e;
  });
  if (fd === undefined) return undefined;
  try {
    const st = await fstatAsync(fd);
    if (!st.isFile()) return undefined;
    const limit = options.limit ?? MAX_DOCUMENT_BYTES;
    if (st.size > limit) throw tooLargeRefusal(rel, st.size, limit);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < buf.length) {
      const { bytesRead } = await readAsync(fd, buf, at, buf.length - at, at);
      if (bytesRead === 0) break; // truncated meanwhile: what is there
      at += bytesRead;
    }
    return at === buf.length ? buf : buf.subarray(0, at);
  } finally {
    await closeAsync(fd);
  }
}

/**
 * {@link assertNoSymlinkBelow} without a round trip through the thread pool per component: for readers that
 * go through many folders in one pass ({@link SpecTaskReader}'s listing), where the async calls' overhead
 * was most of the time (issue 24: a CPU profile of `spectask list` over 1,000 SpecTasks).
 */
export function assertNoSymlinkBelowSync(root: string, abs: string): void {
  const parts = relativeBelow(root, abs).split('/');
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(root, rel));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw e;
    }
    if (st.isSymbolicLink()) throw symlinkRefusal(rel);
  }
}

/** Throws {@link BranchFileRefusedError} when `abs` itself (not the folders above it) is a symbolic link. */
export function branchFolderCheckSync(root: string, abs: string): void {
  const rel = relativeBelow(root, abs);
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw symlinkRefusal(rel);
}

/**
 * {@link readBranchFile}, synchronous: the same refusals (a link anywhere below `root`, a path outside it, a
 * file over the limit, checked on the open file before a byte is read) for readers of many small files.
 */
export function readBranchFileSync(
  root: string,
  abs: string,
  options: { limit?: number; parentsChecked?: boolean } = {},
): Buffer | undefined {
  const open = openBranchFileSync(root, abs, fs.constants.O_RDONLY, options);
  if (!open) return undefined;
  try {
    return readOpenFileSync(open.fd, open.size);
  } finally {
    fs.closeSync(open.fd);
  }
}

/**
 * Opens a plain file of the design-docs worktree with `flags` (O_NOFOLLOW added) and {@link readBranchFileSync}'s
 * refusals, checked on the open file; undefined when there is no plain file there. The caller closes `fd`.
 * A mark reads and writes its checklist through one such descriptor (markerWrite.ts).
 */
export function openBranchFileSync(
  root: string,
  abs: string,
  flags: number,
  options: { limit?: number; parentsChecked?: boolean } = {},
): { fd: number; size: number; nlink: number } | undefined {
  const rel = relativeBelow(root, abs);
  if (!options.parentsChecked && path.relative(root, path.dirname(abs)))
    assertNoSymlinkBelowSync(root, path.dirname(abs));
  if (!O_NOFOLLOW) assertNoSymlinkBelowSync(root, abs);
  let fd: number;
  try {
    fd = fs.openSync(abs, flags | O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw symlinkRefusal(rel);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    const limit = options.limit ?? MAX_DOCUMENT_BYTES;
    if (st.isFile() && st.size > limit) throw tooLargeRefusal(rel, st.size, limit);
    if (st.isFile()) return { fd, size: st.size, nlink: st.nlink };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  fs.closeSync(fd);
  return undefined;
}

/** Up to `size` bytes of `fd` from its start: fewer when the file was truncated meanwhile (what is there). */
export function readOpenFileSync(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size); // filled below, or cut to what was read
  let at = 0;
  while (at < buf.length) {
    const bytesRead = fs.readSync(fd, buf, at, buf.length - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return at === buf.length ? buf : buf.subarray(0, at);
}

/**
 * Whether a document exists, with {@link readBranchFileSync}'s refusals (a link, a file over the limit) but
 * without opening it: one `lstat` where a reader needs to know a document is there, not what it says.
 * `parentsChecked` as for {@link readBranchFile}.
 */
export function branchFileExistsSync(
  root: string,
  abs: string,
  options: { limit?: number; parentsChecked?: boolean } = {},
): boolean {
  const rel = relativeBelow(root, abs);
  if (!options.parentsChecked && path.relative(root, path.dirname(abs)))
    assertNoSymlinkBelowSync(root, path.dirname(abs));
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw e;
  }
  if (st.isSymbolicLink()) throw symlinkRefusal(rel);
  if (!st.isFile()) return false;
  const limit = options.limit ?? MAX_DOCUMENT_BYTES;
  if (st.size > limit) throw tooLargeRefusal(rel, st.size, limit);
  return true;
}

/** {@link readBranchFile} decoded as UTF-8. */
export async function readBranchText(
  root: string,
  abs: string,
  options?: { limit?: number; parentsChecked?: boolean },
): Promise<string | undefined> {
  return (await readBranchFile(root, abs, options))?.toString('utf8');
}

/**
 * Writes (creates or truncates) a file of the design-docs worktree in place, refusing when it or a folder
 * above it is a symbolic link: a committed link must never turn a write into one on the user's files.
 */
export async function writeBranchFile(root: string, abs: string, data: string | Uint8Array): Promise<void> {
  const rel = relativeBelow(root, abs);
  await assertNoSymlinkAbove(root, abs);
  if (!O_NOFOLLOW) await assertNoSymlinkBelow(root, abs);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | O_NOFOLLOW;
  const fd = await openAsync(abs, flags, 0o666).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ELOOP' || e.code === 'EMLINK') throw symlinkRefusal(rel);
    throw e;
  });
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += (await writeAsync(fd, bytes, at, bytes.length - at)).bytesWritten;
  } finally {
    await closeAsync(fd);
  }
}

/** `mkdir -p` inside the design-docs worktree, refusing when an existing component is a symbolic link. */
export async function mkdirBranch(root: string, abs: string): Promise<void> {
  if (path.resolve(abs) === path.resolve(root)) return; // a file at the branch's top level: its folder is the root
  await assertNoSymlinkBelow(root, abs);
  await fs.promises.mkdir(abs, { recursive: true });
}
