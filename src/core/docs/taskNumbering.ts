import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { COUNTER_FILE, parseTaskFolderName, TASKS_DIR } from './designDocsLayout';

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
  const names = await fs.readdir(path.join(worktreePath, TASKS_DIR)).catch(() => [] as string[]);
  const highest = names.reduce((max, n) => Math.max(max, parseTaskFolderName(n)?.number ?? 0), 0);
  return Math.max(counter, highest) + 1;
}

/** Records `n` as handed out (never lowers the counter). Returns the counter file's path relative to the worktree. */
export async function recordTaskNumber(worktreePath: string, n: number): Promise<string> {
  const file = path.join(worktreePath, COUNTER_FILE);
  const lastNumber = Math.max(n, await readCounter(worktreePath));
  await fs.mkdir(path.dirname(file), { recursive: true });
  const body: CounterFile & { about: string } = {
    about: 'Last SpecTask number handed out; numbers are never reused.',
    lastNumber,
  };
  await fs.writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return COUNTER_FILE;
}

async function readCounter(worktreePath: string): Promise<number> {
  try {
    const v = JSON.parse(await fs.readFile(path.join(worktreePath, COUNTER_FILE), 'utf8')) as Partial<CounterFile>;
    return Number.isInteger(v.lastNumber) && (v.lastNumber as number) > 0 ? (v.lastNumber as number) : 0;
  } catch {
    return 0; // missing or unreadable: the folder scan still prevents reuse of any number that has a folder
  }
}
