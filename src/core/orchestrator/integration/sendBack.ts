import { commitIdentityEnv } from '../../git/commitIdentity';
import type { GitQueue } from '../../git/gitQueue';
import { checkBranches } from '../codeWorktrees';
import { commitLine } from '../itemCommitMessages';
import { commitWorktree, type CommitTask } from '../itemCommits';
import { isMerging } from '../mergeConclusion';
import { type ImplementationPaths, type PromptTask } from '../prompts';
import { localChanges } from './branchIntegration';

/** Why the queue sent a SpecTask back, and what its agent needs to know. */
export type Setback =
  | { kind: 'conflict'; reason: string; files: string[]; base: string }
  | { kind: 'tests'; reason: string; tail: string; base: string; outputFile?: string };

/**
 * Prepares the agent's worktree after a setback: the base is MERGED INTO THE TASK BRANCH there (no commit), so
 * the agent sees the code the queue tried — with the conflict markers to resolve, or the code the tests failed
 * on. Agents run no git that writes: the orchestrator concludes the merge with the run's last commit once the
 * markers are gone (itemCommits.ts). Chosen over leaving a rebase for the agent: a merge is concluded by one
 * commit, and the next integration sees the base inside the branch (it then merges instead of rebasing, so the
 * resolution is kept). Changes left uncommitted in the worktree are committed first.
 */
export function mergeBaseIntoWorktree(queue: GitQueue, task: CommitTask, base: string): Promise<boolean> {
  const wt = task.worktree;
  return queue.enqueue(`merge ${wt.baseBranch} into ${wt.branch}`, async (git) => {
    checkBranches(wt);
    if ((await localChanges(git, wt.path).catch(() => ['?'])).length)
      await commitWorktree(git, task, commitLine(`${task.number}: changes left before the base was merged`), {
        allowEmpty: false,
        changes: true,
      });
    const identity = await commitIdentityEnv(git, wt.path);
    // Fails on a conflict by design; the markers and MERGE_HEAD stay for the agent.
    await git.tryRun(['merge', '--no-ff', '--no-commit', '--end-of-options', base], { cwd: wt.path, env: identity });
    return isMerging(git, wt.path);
  });
}

/** The prompt that sends the work back to the same agent session. */
export function setbackPrompt(task: PromptTask, paths: ImplementationPaths, s: Setback, merging: boolean): string {
  const finish =
    'Run no git command that writes (no add, commit or merge): when you finish, the orchestrator commits your work and concludes the merge, and the integration queue tries again by itself.';
  const at = `${paths.baseBranch} (at ${s.base.slice(0, 12)})`;
  if (s.kind === 'conflict') {
    const how = merging
      ? `${at} is being merged into your branch in ${paths.worktree}: resolve the conflict markers in the files below, keeping the intent of both sides, and run the project's tests.`
      : `${at} could not be merged into your branch for you: change the conflicting files below so that they fit the current ${paths.baseBranch}, keeping the intent of both sides, and run the project's tests.`;
    return `SpecTask #${task.number} was accepted, but it could not be integrated: ${s.reason}.
${how}
Conflicting files:
${s.files.map((f) => `- ${f}`).join('\n')}
${finish}`;
  }
  const see = merging
    ? `${at} is merged into your branch in ${paths.worktree} (not committed yet), so you see the code the tests ran on: fix the cause and run the tests until they pass.`
    : `Fix the cause so that the tests pass on top of the current ${at}, and run the tests until they pass.`;
  return `SpecTask #${task.number} was accepted, but the project's tests failed on your branch put on top of the current ${paths.baseBranch} (${s.base.slice(0, 12)}): ${s.reason}.
${see}
The end of the test output:
"""
${s.tail}
"""
${finish}`;
}
