// Records the files the process opens, through `fs.open` as well as `fs.openSync`. noFollow.ts's async reader
// promisifies `fs.open` when it loads, so this module must be imported BEFORE anything that loads it (first
// import of the test file); `filesOpened` checks that it sees an async read.
import * as fs from 'node:fs';

// The module object itself (not an import binding), which the product's code reads its functions from.
const mutableFs = require('node:fs') as { open: unknown; openSync: unknown };
let recording: string[] | undefined;
const realOpen = mutableFs.open as (...a: unknown[]) => void;
const realOpenSync = mutableFs.openSync as (...a: unknown[]) => number;
mutableFs.open = function (this: unknown, p: fs.PathLike, ...rest: unknown[]) {
  recording?.push(String(p));
  return realOpen.call(this, p, ...rest);
};
mutableFs.openSync = function (this: unknown, p: fs.PathLike, ...rest: unknown[]) {
  recording?.push(String(p));
  return realOpenSync.call(this, p, ...rest);
};

/** Every file opened (or tried) while `fn` runs, in order; an open that fails (a missing file) counts too. */
export async function filesOpened(fn: () => Promise<unknown>): Promise<string[]> {
  const opened: string[] = [];
  recording = opened;
  try {
    await fn();
  } finally {
    recording = undefined;
  }
  return opened;
}
