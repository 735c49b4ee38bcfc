import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandError } from '../git/gitErrors';
import type { GitRunner } from '../git/gitRunner';

/** The fetches under way or waiting, per clone (its git common dir): each chained after the one before. */
const tails = new Map<string, Promise<unknown>>();
const commonDirs = new Map<string, Promise<string>>();

/**
 * Runs `job` — a fetch into refs of this clone (the remote's claims or stop requests mirrored, a task branch) —
 * after every such fetch this process started before in the same clone. Two fetches writing the same refs at once
 * make one of them fail with "cannot lock ref … is at X but expected Y" (each read the ref, then both compare and
 * swap); the worker's pass, a claimant's acquire and the remote-runs watcher all read the claims. A fetch of
 * another process in the same clone can still collide: that failure is tried again at once ({@link retryLocked}).
 */
export async function inCloneFetchLock<T>(git: GitRunner, job: () => Promise<T>): Promise<T> {
  const key = await commonDirOf(git);
  const locked = () => retryLocked(job);
  const run = (tails.get(key) ?? Promise.resolve()).then(locked, locked);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => tails.get(key) === tail && tails.delete(key));
  return run;
}

/** Another process's fetch held a ref of ours: tried again a few times, a few milliseconds apart. */
async function retryLocked<T>(job: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await job();
    } catch (e) {
      if (i >= 4 || !isRefLockRace(e)) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (i + 1)));
    }
  }
}

/** A ref update lost to another git writing the same ref at the same moment. */
export function isRefLockRace(e: unknown): boolean {
  return e instanceof GitCommandError && /cannot lock ref|Unable to create '[^']+\.lock'/.test(e.stderr);
}

function commonDirOf(git: GitRunner): Promise<string> {
  let dir = commonDirs.get(git.repoRoot);
  if (!dir) {
    dir = git
      .run(['rev-parse', '--git-common-dir'])
      .then((out) => fs.realpathSync(path.resolve(git.repoRoot, out.trim())))
      .catch(() => path.resolve(git.repoRoot));
    commonDirs.set(git.repoRoot, dir);
  }
  return dir;
}
