import type { GitRunner } from '../git/gitRunner';

/** How far back the design-docs history is searched (commits touching the SpecTask's spectask.json). */
const MAX_COMMITS = 200;

/**
 * The design-docs commit holding a SpecTask's documents as the reviewer last reviewed them before the current
 * revision: the newest commit whose spectask.json says `spec_revision` (Request changes had moved it there
 * with the documents as they were; the agent writes only after the revision starts). Undefined before the
 * first revision. Commit subjects are not read: the store may coalesce a status change with other updates.
 * `taskFolder` is the SpecTask's folder relative to the design-docs worktree; git runs in that worktree.
 */
export async function previousRevisionCommit(
  git: GitRunner,
  worktree: string,
  taskFolder: string,
): Promise<string | undefined> {
  const record = `${taskFolder.replace(/\\/g, '/')}/spectask.json`;
  const log = await git.tryRun(['log', `--max-count=${MAX_COMMITS}`, '--format=%H', 'HEAD', '--', record], {
    cwd: worktree,
  });
  for (const sha of (log ?? '').split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l))) {
    const text = await git.tryRun(['show', `${sha}:${record}`], { cwd: worktree });
    if (statusOf(text) === 'spec_revision') return sha;
  }
  return undefined;
}

/** The `status` of a spectask.json text (the branch is untrusted: anything unreadable is no status). */
function statusOf(text: string | undefined): unknown {
  try {
    return (JSON.parse(text ?? '') as { status?: unknown } | null)?.status;
  } catch {
    return undefined;
  }
}
