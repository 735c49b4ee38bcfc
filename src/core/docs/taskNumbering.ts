import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { COUNTER_FILE, parseTaskFolderName, TASKS_DIR } from './designDocsLayout';
import { assertNoSymlinkBelow, BranchFileRefusedError, mkdirBranch, readBranchText, writeBranchFile } from './noFollow';

/** Content of `design/spectask-counter.json`. */
interface CounterFile {
  lastNumber: number;
}

/**
 * The next SpecTask number: one more than both the highest folder number and the counter file, so a number
 * is never handed out twice, even after its folder was deleted (the counter remembers it) or when someone
 * added a folder without the counter (the folder scan sees it).
 */
export async function nextTaskNumber(worktreePath: string): Promise<number> {
  const counter = await readCounter(worktreePath);
  const tasksDir = path.join(worktreePath, TASKS_DIR);
  await assertNoSymlinkBelow(worktreePath, tasksDir);
  const names = await fs.readdir(tasksDir).catch(() => [] as string[]);
  const highest = names.reduce((max, n) => Math.max(max, parseTaskFolderName(n)?.number ?? 0), 0);
  return Math.max(counter, highest) + 1;
}

/** Records `n` as handed out (never lowers the counter). Returns the counter file's path relative to the worktree. */
export async function recordTaskNumber(worktreePath: string, n: number): Promise<string> {
  const file = path.join(worktreePath, COUNTER_FILE);
  const lastNumber = Math.max(n, await readCounter(worktreePath));
  await mkdirBranch(worktreePath, path.dirname(file));
  const body: CounterFile & { about: string } = {
    about: 'Last SpecTask number handed out; numbers are never reused.',
    lastNumber,
  };
  await writeBranchFile(worktreePath, file, `${JSON.stringify(body, null, 2)}\n`);
  return COUNTER_FILE;
}

async function readCounter(worktreePath: string): Promise<number> {
  let text: string | undefined;
  try {
    text = await readBranchText(worktreePath, path.join(worktreePath, COUNTER_FILE));
  } catch (e) {
    // A link must stop the creation with its message (the write would follow it); anything else is as missing.
    if (e instanceof BranchFileRefusedError && e.reason === 'symlink') throw e;
    return 0;
  }
  try {
    const v = JSON.parse(text ?? '') as Partial<CounterFile>;
    return Number.isInteger(v.lastNumber) && (v.lastNumber as number) > 0 ? (v.lastNumber as number) : 0;
  } catch {
    return 0; // missing or unreadable: the folder scan still prevents reuse of any number that has a folder
  }
}
