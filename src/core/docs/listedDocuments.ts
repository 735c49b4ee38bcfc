import * as fs from 'node:fs';
import { branchFileExistsSync, branchFolderCheckSync, MAX_DOCUMENT_BYTES, readBranchFileSync } from './noFollow';

/** How a SpecTask reader reaches one folder's documents; each refuses what noFollow.ts refuses. */
export interface FolderDocuments {
  /** Throws BranchFileRefusedError when the folder itself is a symbolic link. */
  checkFolder(abs: string): void;
  /** A document's bytes, undefined when missing or not a file; valid until the next `read` of the same reader. */
  read(abs: string): Buffer | undefined;
  /** Whether a document is there, without reading it. */
  exists(abs: string): boolean;
}

/** noFollow.ts's synchronous readers, for a folder whose parents were checked for links. */
export function checkedDocuments(root: string, parentsChecked: boolean): FolderDocuments {
  return {
    checkFolder: (abs) => branchFolderCheckSync(root, abs),
    read: (abs) => readBranchFileSync(root, abs, { parentsChecked }),
    exists: (abs) => branchFileExistsSync(root, abs, { parentsChecked }),
  };
}

// Without O_NOFOLLOW (Windows) every document goes through noFollow.ts.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
/** Documents up to this size are read in one call into one reused buffer; larger ones go through noFollow.ts. */
const SCRATCH_BYTES = 64 * 1024;

/**
 * The documents of folders a listing found (issue 24: `spectask list` over 1,000 SpecTasks, and the first load
 * of a large fleet). The ordinary case — a plain folder, a small regular file, a missing one — costs the
 * system calls and nothing else: one `lstat` per folder or looked-at document, and open, one read into a
 * reused buffer, close per read document (no `fstat`, no buffer per file, no path arithmetic). Anything else —
 * a link, a file too large, a folder where a file should be, an error — is handed to noFollow.ts's readers,
 * which decide and word the refusal exactly as for any other read. `root` must be the worktree the absolute
 * paths are joined from, and their parents checked for links (as {@link SpecTaskReader.folders} does).
 */
export function listedDocuments(root: string): FolderDocuments {
  const slow = checkedDocuments(root, true);
  if (!O_NOFOLLOW) return slow;
  let scratch: Buffer | undefined;
  return {
    checkFolder(abs) {
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) slow.checkFolder(abs);
    },
    read(abs) {
      let fd: number;
      try {
        fd = fs.openSync(abs, fs.constants.O_RDONLY | O_NOFOLLOW);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        return slow.read(abs); // a link (ELOOP), a folder, or an error: as noFollow.ts says
      }
      const buf = (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES));
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, SCRATCH_BYTES, 0);
      } catch {
        n = -1; // EISDIR and the like
      } finally {
        fs.closeSync(fd);
      }
      // A full buffer may be a file over the limit, which is refused with its size.
      return n >= 0 && n < SCRATCH_BYTES ? buf.subarray(0, n) : slow.read(abs);
    },
    exists(abs) {
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(abs, { throwIfNoEntry: false });
      } catch {
        return slow.exists(abs);
      }
      if (!st) return false;
      return st.isFile() && st.size <= MAX_DOCUMENT_BYTES ? true : slow.exists(abs);
    },
  };
}
