import * as fs from 'node:fs/promises';
import * as path from 'node:path';

let seq = 0;

/**
 * Writes a file by writing a sibling temporary file and renaming it over the target, so a reader (an agent,
 * the editor, the watcher) sees either the old or the new content, never a half-written file.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++seq}.tmp`);
  try {
    const mode = await fs.stat(file).then(
      (s) => s.mode & 0o7777,
      () => undefined,
    );
    await fs.writeFile(tmp, data, mode === undefined ? undefined : { mode });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
