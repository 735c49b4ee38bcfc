import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeWhenIdle } from './processes';

/**
 * A machine shaped like a real user's: a home with `~/.gitconfig` holding the identity (and no GIT_* variables
 * anywhere), the CLIs' own logins and configuration put there by each test, none of their state folders yet
 * (a first run), and a repository with a linked worktree like a SpecTask's code worktree. Nothing of the host's
 * environment reaches the agents except PATH.
 */
export interface UserMachine {
  home: string;
  repo: string;
  /** Absolute, realpath'd; the agent's cwd. */
  worktree: string;
  /** Where the pool would name the agent's state folder (<git-dir>/spectask/agents/<task>/<backend>). */
  stateDir(backend: string): string;
  /** Writes a file under the home (parents created), with mode 0600 like the CLIs' own credential files. */
  writeHome(rel: string, text: string): string;
  /** The user's environment: PATH, HOME, a locale, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  read(rel: string): string;
  cleanup(): void;
}

export const USER_NAME = 'Home User';
export const USER_EMAIL = 'home.user@example.com';

export function makeUserMachine(name: string): UserMachine {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `spectask-user-${name}-`)));
  const home = path.join(base, 'home');
  const repo = path.join(base, 'work', 'project');
  const worktree = path.join(repo, '.git-worktrees', '000001_hello');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(repo, { recursive: true });
  fs.writeFileSync(
    path.join(home, '.gitconfig'),
    `[user]\n\tname = ${USER_NAME}\n\temail = ${USER_EMAIL}\n[init]\n\tdefaultBranch = main\n`,
  );
  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ...extra,
  });
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: env(), encoding: 'utf8' });
  git(repo, 'init', '-q');
  fs.writeFileSync(
    path.join(repo, 'tasks.md'),
    '# Implementation Tasks: hello\n\n- [ ] T1: add hello.txt\n- [ ] T2: something else\n',
  );
  fs.writeFileSync(path.join(repo, '.gitignore'), '.git-worktrees/\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'init');
  git(repo, 'worktree', 'add', '-q', '-b', 'spectask/000001-hello', worktree);
  return {
    home,
    repo,
    worktree,
    stateDir: (backend) => path.join(repo, '.git', 'spectask', 'agents', '000001', backend),
    writeHome: (rel, text) => {
      const file = path.join(home, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    env,
    read: (rel) => fs.readFileSync(path.join(worktree, rel), 'utf8'),
    cleanup: () => removeWhenIdle(base),
  };
}
