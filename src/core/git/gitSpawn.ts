import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as fs from 'node:fs';
import type { GitCommandFailure } from './gitCommandTypes';
import { GIT_KILLED_BY_SIGNAL } from './gitErrors';

/**
 * How long after git exits its output may still be open: a program git started and left behind (an ssh
 * connection master) can hold git's stdout or stderr, and the command would otherwise never finish. Only
 * then is it waited for; a command whose output closes with it (every other) finishes at once.
 */
export const OUTPUT_GRACE_AFTER_EXIT_MS = 50;

/**
 * Starts git once and resolves with its stdout (untrimmed) as soon as it has exited and its output is closed;
 * rejects with a {@link GitCommandFailure}: git's stdout and stderr when it wrote to stderr, else its stdout
 * (`commit` says "nothing to commit" there), else its exit code; a command a signal ended says so
 * (GIT_KILLED_BY_SIGNAL). Nothing waits after a
 * command that printed nothing (simple-git waited 50 ms then, issue 24). `argv` and `env` are final: the
 * caller checked them (gitCommand.ts). Stdin is `input` when given (written whole, then closed), else closed: no
 * command can wait on it.
 */
export function spawnGit(
  binary: string,
  cwd: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      if (grace) clearTimeout(grace);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(stdout);
      const stderr = Buffer.concat(err).toString('utf8');
      // No exit code: a signal ended git (SIGBUS when a file it had mapped was truncated under it).
      if (code === null) return reject(failure(`${GIT_KILLED_BY_SIGNAL}\n${stderr}`, true));
      // Both streams when git wrote to stderr, as simple-git gave them: `push --porcelain` says why a ref was
      // refused on stdout ("[rejected] (stale info)") and only "failed to push some refs" on stderr.
      reject(failure(stderr ? stdout + stderr : stdout || `git exited with code ${code}`, true));
    };
    const child = spawn(binary, argv, {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    if (input !== undefined && child.stdin) {
      // A git that exits before reading all of it (a refused stream) closes the pipe: its exit says why, not EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
    let heard = false;
    child.stdout.on('data', (d: Buffer) => ((heard = true), out.push(d)));
    child.stderr.on('data', (d: Buffer) => ((heard = true), err.push(d)));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (grace) clearTimeout(grace);
      // A missing folder also fails the spawn with ENOENT; it must not read as "git is not installed".
      if (e.code === 'ENOENT' && !fs.existsSync(cwd))
        return reject(failure(`cannot run git in ${cwd}: the folder does not exist`, false));
      reject(failure(e.message, false));
    });
    // The grace is judged after a poll of the pipes (setImmediate runs after it): a busy event loop can reach
    // the timer before it has read output git wrote before it exited, and a cut-off `commit-tree` answered ''
    // (a claim pushed as `:<ref>`, a delete, in the faults tier's claim races). Output still coming: wait on.
    const waitForOutput = (code: number | null) => {
      heard = false;
      grace = setTimeout(
        () => setImmediate(() => (heard ? waitForOutput(code) : finish(code))),
        OUTPUT_GRACE_AFTER_EXIT_MS,
      );
    };
    child.on('exit', (code) => {
      if (!settled) waitForOutput(code);
    });
    child.on('close', (code) => finish(code));
  });
}

function failure(message: string, gitError: boolean): GitCommandFailure {
  return { message, gitError };
}
