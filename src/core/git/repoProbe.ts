import { execFile } from 'node:child_process';
import { HARDENED_GIT_CONFIG } from './gitCommand';

export type RepoProbe =
  | { kind: 'repo'; root: string; gitDir: string }
  | { kind: 'not-a-repo'; folder: string }
  | { kind: 'git-missing'; message: string };

/**
 * Asks git, asynchronously, whether `folder` is inside a work tree. Used for the welcome views; the
 * design-docs store does the full validation. Unlike GitRunner it starts git from this process itself
 * (once per folder, when the extension starts), not through the git helper.
 */
export function probeRepository(folder: string, gitBinary = 'git'): Promise<RepoProbe> {
  return new Promise((resolve) => {
    execFile(
      gitBinary,
      // The same `-c` pairs as every other git of the host: rev-parse runs no fsmonitor today, but it stays so.
      [...HARDENED_GIT_CONFIG.flatMap((c) => ['-c', c]), 'rev-parse', '--show-toplevel', '--absolute-git-dir'],
      { cwd: folder, timeout: 10_000 },
      (err, stdout) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' && !/not a git repository/i.test(String((err as { stderr?: string }).stderr ?? ''))) {
            // ENOENT from execFile means the binary (or the cwd) does not exist.
            resolve({ kind: 'git-missing', message: `git was not found (${gitBinary}). Install git 2.25 or newer.` });
            return;
          }
          resolve({ kind: 'not-a-repo', folder });
          return;
        }
        const [root, gitDir] = stdout.trim().split('\n');
        resolve({ kind: 'repo', root, gitDir });
      },
    );
  });
}
