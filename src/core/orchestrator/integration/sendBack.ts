import { commitIdentityEnv } from '../../git/commitIdentity';
import type { GitQueue } from '../../git/gitQueue';
import { checkBranches, type CodeWorktree } from '../codeWorktrees';
import { COMMIT_TRAILER_KEY, type ImplementationPaths, type PromptTask } from '../prompts';
import { localChanges } from './branchIntegration';

/** Why the queue sent a SpecTask back, and what its agent needs to know. */
export type Setback =
  | { kind: 'conflict'; reason: string; files: string[]; base: string }
  | { kind: 'tests'; reason: string; tail: string; base: string; outputFile?: string };

/**
 * Prepares the agent's worktree for a conflict: the base is MERGED INTO THE TASK BRANCH there (no commit),
 * leaving the conflict markers for the agent to resolve and commit. Chosen over leaving a rebase for the agent:
 * a merge is one step to conclude (`git commit`), needs no `rebase --continue` loop, and the next integration
 * sees the base inside the branch (it then merges instead of rebasing, so the resolution is kept). A worktree
 * with uncommitted changes is left as it is; the prompt then asks the agent to run the merge itself.
 */
export function mergeBaseIntoWorktree(queue: GitQueue, wt: CodeWorktree, base: string): Promise<boolean> {
  return queue.enqueue(`merge ${wt.baseBranch} into ${wt.branch}`, async (git) => {
    checkBranches(wt);
    if ((await localChanges(git, wt.path).catch(() => ['?'])).length) return false;
    const identity = await commitIdentityEnv(git, wt.path);
    // Fails on the conflict by design; the markers and MERGE_HEAD stay for the agent.
    await git.tryRun(['merge', '--no-ff', '--no-commit', '--end-of-options', base], { cwd: wt.path, env: identity });
    return (await git.tryRun(['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'], { cwd: wt.path })) !== undefined;
  });
}

/** The prompt that sends the work back to the same agent session. */
export function setbackPrompt(task: PromptTask, paths: ImplementationPaths, s: Setback, merging: boolean): string {
  const finish = `Commit with the trailer "${COMMIT_TRAILER_KEY}: ${task.number}" and leave "git status" clean; the integration queue then tries again by itself.`;
  if (s.kind === 'conflict') {
    const how = merging
      ? `${paths.baseBranch} (at ${s.base.slice(0, 12)}) is being merged into your branch in ${paths.worktree}: resolve the conflict markers in the files below, keeping the intent of both sides, run the project's tests, then "git add" the files and "git commit" to conclude the merge.`
      : `Your worktree has uncommitted changes, so the merge was not started for you: commit your work, run "git merge ${s.base}" in ${paths.worktree} (the current ${paths.baseBranch}), resolve the conflict markers keeping the intent of both sides, run the tests and commit.`;
    return `SpecTask #${task.number} was accepted, but it could not be integrated: ${s.reason}.
${how}
Conflicting files:
${s.files.map((f) => `- ${f}`).join('\n')}
${finish}`;
  }
  return `SpecTask #${task.number} was accepted, but the project's tests failed on your branch put on top of the current ${paths.baseBranch} (${s.base.slice(0, 12)}): ${s.reason}.
Bring ${paths.baseBranch} into your branch first ("git merge ${s.base}" in ${paths.worktree}) to see the same code, fix the cause, and run the tests until they pass.
The end of the test output:
"""
${s.tail}
"""
${finish}`;
}
