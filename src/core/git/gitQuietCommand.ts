import { spawn } from 'node:child_process';
import {
  ALLOWED_EXTRA_ENV,
  HARDENED_GIT_CONFIG,
  type GitCommandFailure,
  type GitCommandRequest,
} from './gitCommandTypes';
import { GIT_KILLED_BY_SIGNAL } from './gitErrors';

/**
 * Runs a git command that prints nothing when it succeeds (`commit -q`) without simple-git: its completion
 * check waits 50 ms after any command that printed nothing, which is why the hot paths used commands that
 * print. `commit` without `-q` prints a diffstat of the new commit, for which git reads and diffs every changed
 * file again: a third of a 16-file commit (issue 24). Only for commands whose whole argv the caller builds (its
 * options are constants; values come after `--` or as option arguments); everything else goes through
 * simple-git, whose argument checks stay in front of it.
 *
 * The same rules as the simple-git path: the hardened `-c` settings first (no fsmonitor, no hooks), the same
 * environment (simple-git's guard: no ambient `GIT_*` but the allowed ones, no editor, pager or askpass), and
 * the same failures (git's stderr, else its stdout — `commit` says "nothing to commit" there — and a command a
 * signal ended says so).
 */
export function runQuietGitCommand(req: GitCommandRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (f: GitCommandFailure) => {
      if (settled) return;
      settled = true;
      reject(f);
    };
    const child = spawn(req.binary, [...HARDENED_GIT_CONFIG.flatMap((c) => ['-c', c]), ...req.args], {
      cwd: req.cwd,
      env: quietCommandEnv(req.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => fail({ message: e.message, gitError: false }));
    child.on('close', (code) => {
      if (settled) return;
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) {
        settled = true;
        resolve(stdout);
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === null) fail({ message: `${GIT_KILLED_BY_SIGNAL}\n${stderr}`, gitError: true });
      else fail({ message: stderr || stdout || `git exited with code ${code}`, gitError: true });
    });
  });
}

const ALLOWED = new Set(ALLOWED_EXTRA_ENV.map((k) => k.toLowerCase()));
/** What simple-git's environment guard removes from the inherited environment (unless allowed). */
const GUARDED = /^(git_.*|editor|visual|pager|ssh_askpass|prefix)$/i;

/**
 * The environment simple-git would give the command: with extra variables, the inheritable environment plus
 * them; without, the process's own minus what its guard removes. Abbreviated options are refused either way.
 */
export function quietCommandEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const withExtra = extra !== undefined && Object.keys(extra).length > 0;
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || !GUARDED.test(k)) {
      if (v !== undefined) env[k] = v;
      continue;
    }
    if (!withExtra && ALLOWED.has(k.toLowerCase())) env[k] = v;
  }
  if (withExtra) Object.assign(env, extra);
  env.GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS = 'true';
  return env;
}
