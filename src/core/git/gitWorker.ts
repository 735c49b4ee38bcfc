// Entry point of the git helper (bundled as dist/gitWorker.js). It only starts git processes, and runs either
// as a small child process (what the extension host and `spectask run` use) or as a worker thread (the
// fallback). Why not the host's own thread: starting a child process forks the whole host, and the kernel copies
// its page tables and marks every page copy-on-write; on the host's thread that stalls every extension for as
// long as the copy takes, and from a worker thread of the host the host's thread still pays for it in page
// faults on every page it writes next (docs/performance.md). Forking this small process instead costs the host
// nothing.
import { parentPort } from 'node:worker_threads';
import { GitCommandRunner, type GitCommandFailure, type GitCommandRequest } from './gitCommand';

/** Host → helper. */
export interface GitWorkerRequest extends GitCommandRequest {
  id: number;
  /**
   * The host's whole environment, sent when it changed since the previous request (and with the first), so
   * git sees the environment as it is when each command runs, exactly as a spawn from the host would.
   */
  baseEnv?: Record<string, string>;
}
/** Helper → host: git's stdout, or how it failed. */
export type GitWorkerReply =
  { id: number; ok: true; stdout: string } | { id: number; ok: false; failure: GitCommandFailure };

function serve(
  onRequest: (handler: (req: GitWorkerRequest) => void) => void,
  reply: (r: GitWorkerReply) => void,
): void {
  const runner = new GitCommandRunner();
  onRequest((req) => {
    if (req.baseEnv) replaceEnv(req.baseEnv);
    runner.run(req).then(
      (stdout) => reply({ id: req.id, ok: true, stdout }),
      (failure: GitCommandFailure) => reply({ id: req.id, ok: false, failure }),
    );
  });
}

/** Makes this process's environment equal to `env` (this process does nothing else, so nobody else sees it). */
function replaceEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
}

const port = parentPort;
if (port) {
  serve(
    (h) => port.on('message', h),
    (r) => port.postMessage(r),
  );
} else if (process.send) {
  const send = process.send.bind(process);
  serve(
    (h) => process.on('message', (m: GitWorkerRequest) => h(m)),
    (r) => {
      if (process.connected) send(r);
    },
  );
  // The host went away (closed, reloaded, killed): its end of the channel closes, and this helper goes too.
  process.on('disconnect', () => process.exit(0));
}
