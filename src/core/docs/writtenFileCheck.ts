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
export async function filesTouchedSince(root: string, written: ReadonlyMap<string, WrittenFile>): Promise<string[]> {
  // All at once: one after another, 16 checklists cost 16 round trips through the thread pool after every commit.
  const entries = [...written];
  const now = await Promise.all(entries.map(([rel]) => writtenFileSignature(path.join(root, rel))));
  return entries
    .filter(([, before], i) => {
      const n = now[i];
      return !n || n.ino !== before.ino || n.ctimeMs !== before.ctimeMs || n.size !== before.size;
    })
    .map(([rel]) => rel);
}
