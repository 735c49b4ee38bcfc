import type { ChecklistItem } from '../checklist/checklistTypes';
import { AutoMaintenance } from '../git/autoMaintenance';
import type { GitRunner } from '../git/gitRunner';
import { checkBranches, type BranchCommit, type CodeWorktree, type CodeWorktrees } from './codeWorktrees';
import { commitLine, itemSubject, itemsWithoutCommit, trailerLine } from './itemCommitMessages';
import { assertConflictsResolved, isMerging } from './mergeConclusion';

/** The task whose code worktree is committed: its number names it in the trailer. */
export interface CommitTask {
  number: string;
  worktree: CodeWorktree;
}

/**
 * The orchestrator's commits on a task branch (DESIGN.md §6): agents never run git commands that write, so the
 * orchestrator commits the code worktree each time an item turns `[x]` — one commit per item, `<id>: <text>`
 * and the trailer `SpecTask: <number>` — and once more when the run ends, for whatever is left.
 *
 * Several items ticked before their commit was made (one write ticking two, a restart) get one commit each,
 * in checklist order: the first takes the worktree as it is, the others are empty (`--allow-empty`), since the
 * changes cannot be told apart by item. Each job reads the branch first and commits only items without their
 * commit, inside the repository's serialized queue, so a retry, a restart or two ticks racing never commit an
 * item twice and never lose one.
 */
export class ItemCommits {
  /** Git's maintenance check after these commits: on one in 32 (autoMaintenance.ts). */
  private readonly maintenance = new AutoMaintenance();

  constructor(private readonly worktrees: CodeWorktrees) {}

  /** Commits every ticked item that has no commit yet; resolves with the subjects committed. */
  commitTicked(task: CommitTask, items: readonly ChecklistItem[]): Promise<string[]> {
    // Nothing ticked, nothing to commit: no job and no `git log` of a new branch before every first run's start.
    if (!items.some((i) => i.state === 'done')) return Promise.resolve([]);
    return this.worktrees.queue.enqueue(`commit items of ${task.worktree.branch}`, async (git) => {
      const missing = itemsWithoutCommit(items, await branchCommits(git, task.worktree), task.number);
      const made: string[] = [];
      for (const item of missing) {
        const subject = itemSubject(item);
        await commitWorktree(git, task, subject, { allowEmpty: true, maintenance: this.maintenance });
        made.push(subject);
      }
      return made;
    });
  }

  /** The end-of-run commit: whatever the agent left uncommitted. Resolves with whether there was anything. */
  commitLeftovers(task: CommitTask, what: string): Promise<boolean> {
    return this.worktrees.queue.enqueue(`commit leftovers of ${task.worktree.branch}`, async (git) => {
      const cwd = task.worktree.path;
      const status = (await worktreeChanges(git, cwd)).join('\n');
      // The integration queue merged the base into the branch for the agent: this commit concludes that merge.
      const merging = await isMerging(git, cwd);
      if (!status.trim() && !merging) return false;
      if (merging) await assertConflictsResolved(git, cwd);
      const subject = merging ? `merged ${task.worktree.baseBranch} into the task branch` : what;
      await commitWorktree(git, task, commitLine(`${task.number}: ${subject}`), {
        allowEmpty: merging,
        maintenance: this.maintenance,
        changes: status.trim() !== '',
      });
      return true;
    });
  }
}

/** The task branch's own commits, newest first (inside a queue job: no other writer runs meanwhile). */
function branchCommits(git: GitRunner, wt: CodeWorktree): Promise<BranchCommit[]> {
  checkBranches(wt);
  return git
    .run([
      'log',
      '--format=%H%x1f%s%x1f%(trailers:only,unfold)%x1e',
      '--end-of-options',
      `${wt.baseBranch}..${wt.branch}`,
      '--',
    ])
    .then((out) =>
      out
        .split('\x1e')
        .map((r) => r.trim())
        .filter(Boolean)
        .map((r) => {
          const [sha, subject, trailers] = r.split('\x1f');
          return { sha: sha ?? '', subject: subject ?? '', trailers: trailers ?? '' };
        }),
    );
}

/**
 * Stages the whole worktree and commits it as the user (their own git identity, as for any commit they make);
 * no hooks or fsmonitor (the hardened host git), and no signing program, which the repository's config could
 * name. The message is two `-m` paragraphs: the sanitized subject and the trailer.
 */
export async function commitWorktree(
  git: GitRunner,
  task: CommitTask,
  subject: string,
  /** `changes`: whether the worktree has anything to stage, when the caller has just asked `git status`. */
  opts: { allowEmpty: boolean; maintenance?: AutoMaintenance; changes?: boolean },
): Promise<void> {
  const cwd = task.worktree.path;
  await assertIdentity(git, cwd);
  // These run in the repository's one queue, ahead of every other agent's tick: `add` only when `status` found
  // something to stage (the second item of two ticked at once, a tick without code changes, has nothing).
  if (opts.changes ?? (await worktreeChanges(git, cwd)).length > 0)
    await git.run(['add', '--all', '--verbose', '--', '.'], { cwd });
  await git.run(
    [
      ...(opts.maintenance?.next() ?? []),
      '-c',
      'commit.gpgSign=false',
      'commit',
      '--no-verify',
      '--cleanup=whitespace',
      ...(opts.allowEmpty ? ['--allow-empty'] : []),
      '-m',
      subject,
      '-m',
      trailerLine(task.number),
    ],
    { cwd },
  );
}

/** Refuses to commit as nobody: the commits are the user's, so git must know who the user is. */
async function assertIdentity(git: GitRunner, cwd: string): Promise<void> {
  // One git process for both (the last value of each wins, as for `git config <key>`); the list prints nothing,
  // and costs the 50 ms wait, only when neither is set, which fails the commit anyway.
  const listed = (await git.tryRun(['config', '--get-regexp', '^user\\.(name|email)$'], { cwd })) ?? '';
  const set = new Map<string, string>();
  for (const line of listed.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) set.set(line.slice(0, space).toLowerCase(), line.slice(space + 1).trim());
    else if (line.trim()) set.set(line.trim().toLowerCase(), '');
  }
  const name = set.get('user.name');
  const email = set.get('user.email');
  if (!name || !email)
    throw new Error(
      `git has no ${!name ? 'user.name' : 'user.email'} to commit the task's work with; set it (git config --global user.name "Your Name"; git config --global user.email you@example.com) and retry`,
    );
}

/** The worktree's changes, one `git status --porcelain` line each; `--branch` makes git print even when clean. */
async function worktreeChanges(git: GitRunner, cwd: string): Promise<string[]> {
  const out = await git.run(['status', '--porcelain', '--branch', '--untracked-files=all'], { cwd });
  return out.split('\n').filter((l) => l.trim() && !l.startsWith('## '));
}
