import { fork, type ChildProcess } from 'node:child_process';
import type { GitCommandFailure, GitCommandRequest, GitExecutor } from './gitCommand';
import { WorkerGitExecutor } from './gitThreadExecutor';
import type { GitWorkerReply, GitWorkerRequest } from './gitWorker';

/**
 * Runs git commands from a small helper process (dist/gitWorker.js started with Node's IPC channel), so that
 * the extension host itself never forks: a fork of a process with a few hundred MB copies its page tables and
 * leaves every page copy-on-write, which costs the host's event loop page faults even when the fork happens in
 * one of its worker threads (`npm run bench`, gitWorker). One helper per process, started on first use; it
 * holds the host open only while a command is in flight, so a CLI exits as soon as its work is done, and it
 * exits by itself when the host goes away. If it dies, the commands in flight fail with a clear message and
 * the next command starts a new one. If it cannot be started at all (the runtime cannot be executed), git runs
 * from a worker thread instead, for this command and every later one.
 */
export class ProcessGitExecutor implements GitExecutor {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (stdout: string) => void; reject: (f: GitCommandFailure) => void }
  >();
  private seq = 0;
  private sentEnv: string | undefined;
  private fallback: WorkerGitExecutor | undefined;
  /** Requests sent to a helper not yet known to have started: re-run by the fallback if it never does. */
  private readonly unstarted = new Map<number, GitCommandRequest>();
  private started = false;

  /** `execPath` is the runtime to start the helper with (tests give a missing one). */
  constructor(
    readonly script: string,
    private readonly execPath = process.execPath,
  ) {}

  run(req: GitCommandRequest): Promise<string> {
    if (this.fallback) return this.fallback.run(req);
    const child = this.ensureChild();
    const id = ++this.seq;
    const envKey = environmentKey();
    const baseEnv = envKey !== this.sentEnv ? (process.env as Record<string, string>) : undefined;
    this.sentEnv = envKey;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.started) this.unstarted.set(id, req);
      if (this.pending.size === 1) holdOpen(child, true);
      const message: GitWorkerRequest = {
        id,
        binary: req.binary,
        cwd: req.cwd,
        args: [...req.args],
        ...(req.env ? { env: req.env } : {}),
        ...(req.input !== undefined ? { input: req.input } : {}),
        ...(baseEnv ? { baseEnv } : {}),
      };
      child.send(message, (e) => {
        if (e) this.failAll(child, `could not reach it: ${e.message}`);
      });
    });
  }

  /** The helper's process id while it runs (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the helper; commands in flight fail. */
  async dispose(): Promise<void> {
    await this.fallback?.dispose();
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.ref(); // an idle helper is unreferenced: without this the caller's process could end before it has gone
    c.kill();
    await exited;
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    // ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath is the Electron binary, which runs the script as
    // plain Node only with it. No execArgv: the host's --inspect flags would make the helper fight over the port.
    const c = fork(this.script, [], {
      execPath: this.execPath,
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.sentEnv = undefined;
    this.started = false;
    holdOpen(c, false);
    c.once('spawn', () => {
      this.started = true;
      this.unstarted.clear();
    });
    c.on('message', (reply: GitWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) holdOpen(c, false);
      if (reply.ok) p.resolve(reply.stdout);
      else p.reject(reply.failure);
    });
    c.on('error', (e) => (this.started ? this.failAll(c, e.message) : this.fallBack(c, e)));
    c.on('exit', (code, signal) => this.failAll(c, signal ? `killed by ${signal}` : `exit code ${code}`));
    this.child = c;
    return c;
  }

  /** The helper could not be started: nothing sent to it ran, so the worker thread runs it all from now on. */
  private fallBack(c: ChildProcess, e: Error): void {
    if (this.child === c) this.child = undefined;
    if (!this.fallback)
      console.warn(
        `spectask: the git helper process could not be started (${e.message}); git runs from a worker thread instead`,
      );
    const fallback = (this.fallback ??= new WorkerGitExecutor(this.script));
    for (const [id, req] of this.unstarted) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (p) fallback.run(req).then(p.resolve, p.reject);
    }
    this.unstarted.clear();
  }

  private failAll(c: ChildProcess, why: string): void {
    if (this.child === c) this.child = undefined;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all)
      p.reject({
        message: `the git helper process stopped (${why}); the command may or may not have run`,
        gitError: false,
      });
  }
}

/** Whether the helper keeps this process alive: only while a command is in flight. */
function holdOpen(c: ChildProcess, hold: boolean): void {
  if (hold) {
    c.ref();
    c.channel?.ref();
  } else {
    c.unref();
    c.channel?.unref();
  }
}

/** A cheap fingerprint of the environment, to send it only when something changed it. */
function environmentKey(): string {
  let key = '';
  for (const k in process.env) key += `${k}=${process.env[k]}\0`;
  return key;
}
