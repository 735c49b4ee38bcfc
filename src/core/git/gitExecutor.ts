import * as fs from 'node:fs';
import * as path from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { GitCommandRunner, type GitCommandFailure, type GitCommandRequest } from './gitCommand';
import { ProcessGitExecutor } from './gitProcessExecutor';
import type { GitWorkerReply, GitWorkerRequest } from './gitWorker';

/** Runs one git command; rejects with a {@link GitCommandFailure}. */
export interface GitExecutor {
  run(req: GitCommandRequest): Promise<string>;
}

/**
 * Runs git commands from a worker thread (dist/gitWorker.js), so that starting git processes never blocks the
 * host's event loop (see gitWorker.ts for why it would). The host's thread still pays for each fork in page
 * faults, so the product uses {@link ProcessGitExecutor}; this stays as the fallback (SPECTASK_GIT_WORKER=thread)
 * and as a reference for the gitWorker benchmark. One worker per process, started on first use. It
 * holds the process open only while a command is in flight, so a CLI exits as soon as its work is done; if the
 * worker dies, the commands in flight fail with a clear message and the next command starts a new one.
 */
export class WorkerGitExecutor implements GitExecutor {
  private worker: Worker | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (stdout: string) => void; reject: (f: GitCommandFailure) => void }
  >();
  private seq = 0;

  constructor(readonly script: string) {}

  run(req: GitCommandRequest): Promise<string> {
    const worker = this.ensureWorker();
    const id = ++this.seq;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({
        id,
        binary: req.binary,
        cwd: req.cwd,
        args: [...req.args],
        ...(req.env ? { env: req.env } : {}),
      } satisfies GitWorkerRequest);
    });
  }

  /** Stops the worker; commands in flight fail. */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // SHARE_ENV: git sees the environment as it is when each command runs, exactly as an in-process spawn would.
    const w = new Worker(this.script, { env: SHARE_ENV, stdout: false, stderr: false });
    w.unref();
    w.on('message', (reply: GitWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.stdout);
      else p.reject(reply.failure);
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined;
      const all = [...this.pending.values()];
      this.pending.clear();
      for (const p of all)
        p.reject({
          message: `the git worker thread stopped (${why}); the command may or may not have run`,
          gitError: false,
        });
    };
    w.on('error', (e) => fail(e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }
}

/** Where the bundled worker script is: beside this bundle (dist/), or in the package's dist/ (test and bench bundles). */
export function findGitWorkerScript(from: string = __dirname): string | undefined {
  const candidates = [path.join(from, 'gitWorker.js')];
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir))
    candidates.push(path.join(dir, 'dist', 'gitWorker.js'));
  return candidates.find((c) => fs.existsSync(c));
}

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
