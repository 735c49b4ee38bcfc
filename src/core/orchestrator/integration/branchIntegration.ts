import * as path from 'node:path';
import { commitIdentityEnv } from '../../git/commitIdentity';
import type { GitRunner } from '../../git/gitRunner';
import { parseWorktreeList } from '../../git/worktreeList';
import { checkBranches, type CodeWorktree } from '../codeWorktrees';
import { COMMIT_TRAILER_KEY } from '../prompts';
import { checkoutScratch } from './scratchWorktrees';

export type IntegrationStrategy = 'rebase' | 'merge';

/** The result of putting a task branch on top of its base in the scratch worktree. */
export type Prepared =
  /** The base already holds the branch's work (an integration whose end was not recorded, an empty branch). */
  | { kind: 'already'; base: string }
  | { kind: 'conflict'; base: string; files: string[]; with: string[] }
  /** `candidate` is a descendant of `base`: the fast-forward to test and then publish. */
  | { kind: 'ready'; base: string; candidate: string; rebased: boolean };

const ref = (branch: string) => `refs/heads/${branch}`;

export async function revParse(git: GitRunner, branch: string): Promise<string> {
  // Full ref names: `refs/…` is never an option, and rev-parse learnt `--end-of-options` late (git 2.31).
  return (await git.run(['rev-parse', '--verify', `${ref(branch)}^{commit}`])).trim();
}

/**
 * Whether commit `a` (a full object name) is an ancestor of `b` (or `b` itself): then it is their merge base.
 */
export async function isAncestor(git: GitRunner, a: string, b: string, cwd?: string): Promise<boolean> {
  const base = await git.tryRun(['merge-base', '--end-of-options', a, b], { cwd });
  return base?.trim() === a;
}

/** The worktree that has `branch` checked out (the user's checkout of the base), if any. */
export async function holderOf(git: GitRunner, branch: string): Promise<string | undefined> {
  const list = parseWorktreeList(await git.run(['worktree', 'list', '--porcelain']));
  return list.find((w) => w.branch === ref(branch))?.path;
}

/** Tracked changes in a worktree (`git status` lines); untracked files do not stop a fast-forward by themselves. */
export async function localChanges(git: GitRunner, dir: string): Promise<string[]> {
  const out = await git.run(['status', '--porcelain', '--branch', '--untracked-files=no'], { cwd: dir });
  return out.split('\n').filter((l) => l.trim() && !l.startsWith('## '));
}

/**
 * The SpecTasks whose commits on the base since the branch forked touched `files`: their commits carry the
 * `SpecTask: <number>` trailer (the agents' prompt asks for it; merge commits have it too).
 */
export async function tasksTouching(
  git: GitRunner,
  base: string,
  tip: string,
  files: readonly string[],
  self: string,
): Promise<string[]> {
  if (!files.length) return [];
  const fork = (await git.tryRun(['merge-base', '--end-of-options', base, tip]))?.trim();
  const range = fork ? `${fork}..${base}` : base;
  const out = await git.tryRun([
    'log',
    `--format=%(trailers:key=${COMMIT_TRAILER_KEY},valueonly,separator=%x2C)`,
    '--end-of-options',
    range,
    '--',
    ...files,
  ]);
  const numbers = (out ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => /^\d{6}$/.test(s) && s !== self);
  return [...new Set(numbers)].slice(0, 3);
}

/**
 * Puts the task branch on its base in a detached scratch worktree: a rebase (linear history; a branch that
 * already has merge commits — the base merged in to settle an earlier conflict — is merged instead, since a
 * rebase would drop the resolution) or a merge of the base into the branch tip. Either way the candidate is a
 * descendant of the base, so publishing it is a fast-forward. A conflict is aborted and reported with its files.
 */
export async function prepareCandidate(
  git: GitRunner,
  wt: CodeWorktree,
  strategy: IntegrationStrategy,
  scratch: string,
  self: string,
  repoRoot: string,
): Promise<Prepared> {
  checkBranches(wt);
  const base = await revParse(git, wt.baseBranch);
  const tip = await revParse(git, wt.branch);
  if (await isAncestor(git, tip, base)) return { kind: 'already', base };
  await checkoutScratch(git, scratch, tip);
  const identity = await commitIdentityEnv(git, repoRoot);
  const merges = (await git.run(['rev-list', '--merges', '--count', '--end-of-options', `${base}..${tip}`])).trim();
  const rebase = strategy === 'rebase' && merges === '0';
  try {
    if (rebase) await git.run(['rebase', '--no-autosquash', '--end-of-options', base], { cwd: scratch, env: identity });
    else
      await git.run(
        [
          'merge',
          '--no-ff',
          '--no-edit',
          '-m',
          `spectask(${self}): merge ${wt.baseBranch} before integration\n\n${COMMIT_TRAILER_KEY}: ${self}`,
          '--end-of-options',
          base,
        ],
        { cwd: scratch, env: identity },
      );
  } catch (e) {
    const files = ((await git.tryRun(['diff', '--name-only', '--diff-filter=U'], { cwd: scratch })) ?? '')
      .split('\n')
      .filter(Boolean);
    await git.tryRun([rebase ? 'rebase' : 'merge', '--abort'], { cwd: scratch });
    if (!files.length) throw e; // not a conflict: git itself failed
    return { kind: 'conflict', base, files, with: await tasksTouching(git, base, tip, files, self) };
  }
  const candidate = (await git.run(['rev-parse', 'HEAD'], { cwd: scratch })).trim();
  if (candidate === base) return { kind: 'already', base };
  return { kind: 'ready', base, candidate, rebased: rebase };
}

export type Published =
  | { kind: 'moved'; sha: string; checkout?: string }
  /** The base moved meanwhile (another writer): the compare-and-swap refused; nothing changed. */
  | { kind: 'base-moved' }
  /** The base is checked out with local changes: the user's tree is left alone, nothing changed. */
  | { kind: 'dirty-checkout'; path: string; changes: string[] };

/**
 * Moves the base to the tested candidate — a fast-forward only, by compare-and-swap against the base the
 * candidate was built on, so a crash leaves it either moved or not. When the base is checked out in the
 * user's tree, that tree is fast-forwarded (HEAD and files) only when it has no local changes; the user's
 * hooks run for that merge only when `runHooks` (a machine-scoped setting) says so.
 */
export async function publishCandidate(
  git: GitRunner,
  wt: CodeWorktree,
  expectedBase: string,
  candidate: string,
  message: string,
  runHooks: boolean,
): Promise<Published> {
  checkBranches(wt);
  if ((await revParse(git, wt.baseBranch)) !== expectedBase) return { kind: 'base-moved' };
  // Only ever a fast-forward: a candidate that does not descend from the base would rewrite it.
  if (!(await isAncestor(git, expectedBase, candidate))) return { kind: 'base-moved' };
  const holder = await holderOf(git, wt.baseBranch);
  if (!holder) {
    const ok = await git.tryRun([
      'update-ref',
      '-m',
      message,
      '--end-of-options',
      ref(wt.baseBranch),
      candidate,
      expectedBase,
    ]);
    return ok === undefined ? { kind: 'base-moved' } : { kind: 'moved', sha: candidate };
  }
  const changes = await localChanges(git, holder);
  if (changes.length) return { kind: 'dirty-checkout', path: holder, changes };
  if ((await git.run(['rev-parse', 'HEAD'], { cwd: holder })).trim() !== expectedBase) return { kind: 'base-moved' };
  const hooks = runHooks ? await userHooksConfig(git, holder) : [];
  await git.run([...hooks, 'merge', '--ff-only', '--end-of-options', candidate], { cwd: holder });
  return { kind: 'moved', sha: candidate, checkout: holder };
}

/** `-c core.hooksPath=<the repository's own hooks>`, overriding the host's hardened "no hooks". */
async function userHooksConfig(git: GitRunner, cwd: string): Promise<string[]> {
  // `--local` reads the repository's file only, not the host's hardened `-c` override.
  const own = (await git.tryRun(['config', '--local', '--get', 'core.hooksPath'], { cwd }))?.trim();
  const common = (await git.run(['rev-parse', '--git-common-dir'], { cwd })).trim();
  const dir = own ? path.resolve(cwd, own) : path.resolve(cwd, common, 'hooks');
  return ['-c', `core.hooksPath=${dir}`];
}
