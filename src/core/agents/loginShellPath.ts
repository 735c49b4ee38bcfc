import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/** Shells whose `-l -c` we know: the login PATH is read from these only. */
const KNOWN_SHELLS = new Set(['bash', 'zsh', 'sh', 'dash', 'ksh', 'mksh', 'fish']);

/** Marks the PATH in the output, so whatever the user's profile prints around it is ignored. */
const MARK = '__SPECTASK_PATH__';

export interface LoginShellOptions {
  /** The user's shell (default `$SHELL`). */
  shell?: string;
  /** Give up after this long: a profile that waits for input or the network must not hold up activation. */
  timeoutMs?: number;
  /** The environment the shell starts from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The PATH a login shell of the user sets up, where CLIs installed by nvm, volta or `npm -g` with a custom prefix
 * usually are — code-server and a desktop launched from a dock do not always pass it on. Read once, with a timeout,
 * from the home directory (not a workspace folder, so no per-folder hook such as direnv fires), stdin closed and
 * non-interactive. `undefined` on Windows, for an unknown shell, on a timeout or any failure.
 */
export function readLoginShellPath(opts: LoginShellOptions = {}): Promise<string | undefined> {
  const env = opts.env ?? process.env;
  const shell = opts.shell ?? env.SHELL;
  if (process.platform === 'win32' || !shell || !path.isAbsolute(shell)) return Promise.resolve(undefined);
  if (!KNOWN_SHELLS.has(path.basename(shell))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    try {
      const child = execFile(
        shell,
        ['-l', '-c', `printf '%s%s%s' '${MARK}' "$PATH" '${MARK}'`],
        {
          cwd: os.homedir(),
          env: { ...env, TERM: 'dumb' },
          timeout: opts.timeoutMs ?? 3000,
          killSignal: 'SIGKILL',
          maxBuffer: 1024 * 1024,
          windowsHide: true,
        },
        (err, stdout) => resolve(err ? undefined : extractMarkedPath(String(stdout))),
      );
      child.stdin?.end();
    } catch {
      resolve(undefined);
    }
  });
}

/** The PATH between the two marks, `undefined` when absent or empty. */
export function extractMarkedPath(output: string): string | undefined {
  const start = output.indexOf(MARK);
  if (start < 0) return undefined;
  const end = output.indexOf(MARK, start + MARK.length);
  if (end < 0) return undefined;
  const value = output.slice(start + MARK.length, end).trim();
  return value || undefined;
}
