import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitCommandRunner, type GitExecutor } from './gitCommand';
import { ProcessGitExecutor } from './gitProcessExecutor';
import { WorkerGitExecutor } from './gitThreadExecutor';

// Kept here so that code importing the executors from this module still finds them.
export type { GitExecutor } from './gitCommand';
export { WorkerGitExecutor } from './gitThreadExecutor';

/** Where the bundled worker script is: beside this bundle (dist/), or in the package's dist/ (test and bench bundles). */
export function findGitWorkerScript(from: string = __dirname): string | undefined {
  const candidates = [path.join(from, 'gitWorker.js')];
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir))
    candidates.push(path.join(dir, 'dist', 'gitWorker.js'));
  return candidates.find((c) => fs.existsSync(c));
}

/**
 * The executor of this process. One per process on purpose: it owns the one git helper process (or worker
 * thread) that every runner shares, and the command line chooses it once before its first git command
 * ({@link useGitWorker}). The composition roots do not pass it down (yet): a runner created without an
 * executor takes this one.
 */
let shared: GitExecutor | undefined;

/**
 * Where this process starts git, from SPECTASK_GIT_WORKER: `process` (default) a small helper process,
 * `thread` a worker thread of this process, `0` the calling thread itself (the benchmark's reference). The
 * calling thread is also what source-level tools get when dist/gitWorker.js was never built.
 */
function createExecutor(helper: boolean): GitExecutor {
  const mode = process.env.SPECTASK_GIT_WORKER;
  const script = helper && mode !== '0' ? findGitWorkerScript() : undefined;
  if (!script) return new GitCommandRunner();
  return mode === 'thread' ? new WorkerGitExecutor(script) : new ProcessGitExecutor(script);
}

/** The process's git executor (see {@link createExecutor}). */
export function defaultGitExecutor(): GitExecutor {
  return (shared ??= createExecutor(true));
}

/**
 * Chooses for this process before its first git command: the helper for a long-lived process (the extension
 * host, `spectask run`), or git started from the calling thread for a one-shot command line, where starting a
 * helper would cost more than the few forks it saves.
 */
export function useGitWorker(enabled: boolean): void {
  shared = createExecutor(enabled);
}
