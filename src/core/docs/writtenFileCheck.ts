import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * What a file looked like right after this process wrote it whole (by rename): its inode, change time and size.
 * If it still looks the same after a `git commit --only` read it, nobody touched it in between and git
 * committed exactly what was written; any rewrite in place changes the change time, a rename the inode.
 */
export interface WrittenFile {
  ino: number;
  ctimeMs: number;
  size: number;
}

/** The signature of `abs` now; undefined when it cannot be read. */
export async function writtenFileSignature(abs: string): Promise<WrittenFile | undefined> {
  const st = await fs.lstat(abs).catch(() => undefined);
  return st && { ino: st.ino, ctimeMs: st.ctimeMs, size: st.size };
}

/** {@link writtenFileSignature}, synchronous (right after a synchronous write). */
export function writtenFileSignatureSync(abs: string): WrittenFile | undefined {
  const st = fsSync.lstatSync(abs, { throwIfNoEntry: false });
  return st && { ino: st.ino, ctimeMs: st.ctimeMs, size: st.size };
}

/**
 * Of `written` (paths relative to `root`), the files touched since they were written: another writer (an
 * agent rewriting `tasks.md` by truncating it first) may have made git read them torn. Usually none.
 */
export function filesTouchedSince(root: string, written: ReadonlyMap<string, WrittenFile>): string[] {
  // Synchronous: an lstat is microseconds, where 16 of them through the thread pool cost 0.4 ms after every
  // commit of 16 ticks (issue 24). The map holds only the files of one commit.
  return [...written]
    .filter(([rel, before]) => {
      const n = writtenFileSignatureSync(path.join(root, rel));
      return !n || n.ino !== before.ino || n.ctimeMs !== before.ctimeMs || n.size !== before.size;
    })
    .map(([rel]) => rel);
}
