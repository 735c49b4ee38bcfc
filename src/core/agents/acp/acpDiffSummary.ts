import * as path from 'node:path';
import { obj, str } from '../cliAdapter';

/** Longest summary; a call editing many files is named by its first ones and a count. */
const MAX_FILES = 3;

/**
 * One line about the `diff` content items of a tool call ("src/a.ts +3 −1, b.ts +1"), for the person asked
 * about it; `undefined` when the call carries no diff. Lines are counted, not diffed: an edit of a line counts
 * once each way, which is what a person weighing the request needs.
 */
export function acpDiffSummary(content: unknown, worktree: string): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  let files = 0;
  for (const item of content) {
    const o = obj(item);
    const p = str(o?.path);
    if (o?.type !== 'diff' || !p) continue;
    files++;
    if (parts.length >= MAX_FILES) continue;
    const before = lineCount(o.oldText);
    const after = lineCount(o.newText);
    const rel = path.isAbsolute(p) ? path.relative(worktree, p) : p;
    const shown = rel && !rel.startsWith('..') ? rel : p;
    parts.push(
      o.oldText === undefined || o.oldText === null
        ? `${shown} (new, ${after} lines)`
        : `${shown} +${after} −${before}`,
    );
  }
  if (!files) return undefined;
  return files > parts.length ? `${parts.join(', ')} and ${files - parts.length} more` : parts.join(', ');
}

function lineCount(text: unknown): number {
  if (typeof text !== 'string' || !text) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
