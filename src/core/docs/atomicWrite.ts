import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { assertNoSymlinkBelow, assertNoSymlinkBelowSync } from './noFollow';

let seq = 0;

/**
 * Writes a file by writing a sibling temporary file and renaming it over the target, so a reader (an agent,
 * the editor, the watcher) sees either the old or the new content, never a half-written file.
 *
 * `root`: the file lies in the design-docs worktree, whose content a teammate's commit decides; the write is
 * refused (BranchFileRefusedError) when the file or a folder between `root` and it is a symbolic link, so that
 * neither the temporary file nor the rename lands outside the worktree.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { root?: string } = {},
): Promise<void> {
  if (options.root !== undefined) await assertNoSymlinkBelow(options.root, file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++seq}.tmp`);
  try {
    const mode = await fs.lstat(file).then(
      (s) => (s.isFile() ? s.mode & 0o7777 : undefined),
      () => undefined,
    );
    await fs.writeFile(tmp, data, { mode, flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * {@link writeFileAtomic}, synchronous: for a small file written inside a queue job on the hot path (a tick),
 * where a dozen thread-pool round trips per write added up to most of a busy queue's time (issue 24: 16
 * concurrent writers).
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: { root?: string } = {}): void {
  if (options.root !== undefined) assertNoSymlinkBelowSync(options.root, file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++seq}.tmp`);
  try {
    const st = fsSync.lstatSync(file, { throwIfNoEntry: false });
    const mode = st?.isFile() ? st.mode & 0o7777 : undefined;
    fsSync.writeFileSync(tmp, data, { mode, flag: 'wx' });
    fsSync.renameSync(tmp, file);
  } catch (e) {
    fsSync.rmSync(tmp, { force: true });
    throw e;
  }
}
