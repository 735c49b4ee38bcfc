import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTaskNumber, TASKS_FILE } from './designDocsLayout';
import type { SpecTaskReader } from './specTaskReader';

/**
 * The SpecTask's id and the checklist file a mark changes. The usual case — a current-layout folder whose
 * `tasks.md` is a plain file — is known from one `lstat` (issue 24: each of 16 concurrent ticks read the
 * whole folder first); anything else reads the folder, whose problems say why it cannot be marked.
 */
export async function markTarget(
  reader: SpecTaskReader,
  folder: { rel: string; layout: 'current' | 'legacy'; number?: number },
): Promise<{ id: string; checklistFile: string }> {
  const tasks = path.join(reader.worktreePath, folder.rel, TASKS_FILE);
  if (
    folder.layout === 'current' &&
    folder.number !== undefined &&
    fs.lstatSync(tasks, { throwIfNoEntry: false })?.isFile()
  )
    return { id: formatTaskNumber(folder.number), checklistFile: TASKS_FILE };
  const summary = await reader.summary(folder.rel, folder.layout);
  if (!summary.checklistFile)
    throw new Error(
      // A refused checklist (a link, too large) says why rather than "no tasks.md".
      summary.problems.find((p) => /\/(tasks|progress)\.md$/.test(p.path.split(path.sep).join('/')))?.message ??
        `SpecTask ${summary.id} has no ${TASKS_FILE} (or legacy progress.md) in ${summary.path}`,
    );
  return { id: summary.id, checklistFile: summary.checklistFile };
}
