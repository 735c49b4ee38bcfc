// The one builder of real git repositories in temporary folders, for the unit and fault tiers. Nothing here is
// mocked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeWhenIdle } from './processesInFolder';

/** Environment for fixture git commands: a fixed identity, no user or system config, no prompts. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs git synchronously in `cwd` and returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const made: string[] = [];

/** A fresh temporary folder, removed by {@link cleanupTemp}. */
export function tempDir(prefix = 'spectask-test-'): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(d);
  return d;
}

/**
 * Removes every folder made by {@link tempDir}, each once no process works inside it (up to 10 s: a git command a
 * killed or disposed process started, such as a push a slow remote answers late, still writes into its repository).
 * Call from an `after` hook.
 */
export function cleanupTemp(): void {
  while (made.length) removeWhenIdle(made.pop()!);
}

/** An empty repository on branch `main` with the fixture identity, in a new temporary folder. */
function initRepo(prefix: string): string {
  const root = tempDir(prefix);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Fixture');
  git(root, 'config', 'user.email', 'fixture@example.com');
  return root;
}

/** A clean repository on `main` with one commit (`README.md`): nothing staged, changed or untracked. */
export function makeCleanRepo(): string {
  const root = initRepo('spectask-orch-');
  fs.writeFileSync(path.join(root, 'README.md'), '# app\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}

/**
 * A repository on branch `main` with one commit (`app.js`), a committed `.gitignore`, a staged change and an
 * unstaged change, so that any touch to the user's branch, index or files shows up in {@link userState}.
 */
export function makeRepo(options: { commits?: boolean } = {}): string {
  const root = initRepo('spectask-repo-');
  if (options.commits === false) return root;
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1);\n');
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n');
  fs.writeFileSync(path.join(root, 'staged.txt'), 'v1\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'initial');
  fs.writeFileSync(path.join(root, 'staged.txt'), 'v2 staged\n');
  git(root, 'add', 'staged.txt');
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(2); // unstaged\n');
  fs.writeFileSync(path.join(root, 'untracked.txt'), 'mine\n');
  return root;
}

/** The user's branch, HEAD, index bytes, status and every file outside `.git`/`.git-worktrees`, as hashes. */
export function userState(root: string): Record<string, string> {
  const state: Record<string, string> = {};
  state.HEAD = fs.readFileSync(path.join(root, '.git', 'HEAD'), 'utf8');
  state.head = tryGit(root, 'rev-parse', '--verify', '-q', 'HEAD') ?? '(none)';
  const index = path.join(root, '.git', 'index');
  state.index = fs.existsSync(index) ? hash(fs.readFileSync(index)) : '(none)';
  state.status = tryGit(root, '--no-optional-locks', 'status', '--porcelain=v1', '--untracked-files=all') ?? '(none)';
  for (const f of walk(root, root)) state[`file:${f}`] = hash(fs.readFileSync(path.join(root, f)));
  return state;
}

function walk(root: string, dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    const rel = path.relative(root, p);
    if (rel === '.git' || rel === '.git-worktrees') return [];
    return e.isDirectory() ? walk(root, p) : [rel];
  });
}

export function tryGit(cwd: string, ...args: string[]): string | undefined {
  try {
    return git(cwd, ...args);
  } catch {
    return undefined;
  }
}

function hash(b: Buffer): string {
  return createHash('sha1').update(b).digest('hex');
}

/**
 * Shell lines for a fake `git` a test puts in front of the real one: they set `$sub` to the subcommand, past the
 * `-c name=value` pairs the host's git puts first (HARDENED_GIT_CONFIG, `core.abbrev`).
 */
export const FIND_GIT_SUBCOMMAND = `sub=''; skip=''
for a in "$@"; do
  if [ -n "$skip" ]; then skip=''; continue; fi
  case "$a" in -c) skip=1 ;; -*) ;; *) sub="$a"; break ;; esac
done`;
