import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeWhenIdle } from './processes';

/** A throw-away repository with a `tasks.md` checklist, and a linked worktree the agent works in (like a SpecTask code worktree). */
export interface TempRepo {
  root: string;
  /** Absolute, realpath'd; the agent's cwd. */
  worktree: string;
  /** Temp folder for state dirs and fake-server files. */
  scratch: string;
  git(...args: string[]): string;
  read(rel: string): string;
  commits(): string[];
  cleanup(): void;
}

export function makeTempRepo(name: string): TempRepo {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `spectask-e2e-${name}-`)));
  const root = path.join(base, 'repo');
  const worktree = path.join(root, '.git-worktrees', '000001_hello');
  const scratch = path.join(base, 'scratch');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(scratch, { recursive: true });
  const g = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'E2E',
        GIT_AUTHOR_EMAIL: 'e2e@example.com',
        GIT_COMMITTER_NAME: 'E2E',
        GIT_COMMITTER_EMAIL: 'e2e@example.com',
      },
    }).trim();
  g(root, 'init', '-q', '-b', 'main');
  g(root, 'config', 'user.name', 'E2E Agent');
  g(root, 'config', 'user.email', 'agent@example.com');
  fs.writeFileSync(
    path.join(root, 'tasks.md'),
    '# Implementation Tasks: hello\n\n- [ ] T1: add hello.txt\n- [ ] T2: something else\n',
  );
  fs.writeFileSync(path.join(root, '.gitignore'), '.git-worktrees/\n');
  g(root, 'add', '.');
  g(root, 'commit', '-q', '-m', 'init');
  g(root, 'worktree', 'add', '-q', '-b', 'spectask/000001-hello', worktree);
  return {
    root,
    worktree,
    scratch,
    git: (...args) => g(worktree, ...args),
    read: (rel) => fs.readFileSync(path.join(worktree, rel), 'utf8'),
    commits: () => g(worktree, 'log', '--format=%s', 'main..HEAD').split('\n').filter(Boolean),
    cleanup: () => removeWhenIdle(base),
  };
}
