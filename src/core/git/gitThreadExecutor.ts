import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { GitCommandFailure, GitCommandRequest, GitExecutor } from './gitCommand';
import type { GitWorkerReply, GitWorkerRequest } from './gitWorker';

/**
 * Runs git commands from a worker thread (dist/gitWorker.js), so that starting git processes never blocks the
 * host's event loop (see gitWorker.ts for why it would). The host's thread still pays for each fork in page
 * faults, so the product uses the helper process (gitProcessExecutor.ts); this stays as its fallback when the
 * helper cannot be started, as a choice (SPECTASK_GIT_WORKER=thread) and as a reference for the gitWorker
 * benchmark. One worker per process, started on first use. It holds the process open only while a command is
 * in flight, so a CLI exits as soon as its work is done; if the worker dies, the commands in flight fail with
 * a clear message and the next command starts a new one.
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
        ...(req.input !== undefined ? { input: req.input } : {}),
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
