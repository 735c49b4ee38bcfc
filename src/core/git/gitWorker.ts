// Entry point of the git worker thread (bundled as dist/gitWorker.js). It only starts git processes: starting a
// child process forks the whole extension host, and on the host's own thread that fork stalls every extension
// for as long as the kernel copies the page tables, which grows with the host's memory and the machine's load
// (README "Performance"). Here it stalls only this thread.
import { parentPort } from 'node:worker_threads';
import { GitCommandRunner, type GitCommandFailure, type GitCommandRequest } from './gitCommand';

/** Host → worker. */
export interface GitWorkerRequest extends GitCommandRequest {
  id: number;
}
/** Worker → host: git's stdout, or how it failed. */
export type GitWorkerReply = { id: number; ok: true; stdout: string } | { id: number; ok: false; failure: GitCommandFailure };

const port = parentPort;
if (port) {
  const runner = new GitCommandRunner();
  port.on('message', (req: GitWorkerRequest) => {
    runner.run(req).then(
      (stdout) => port.postMessage({ id: req.id, ok: true, stdout } satisfies GitWorkerReply),
      (failure: GitCommandFailure) => port.postMessage({ id: req.id, ok: false, failure } satisfies GitWorkerReply),
    );
  });
}
