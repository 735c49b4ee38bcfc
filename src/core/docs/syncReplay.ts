import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { conflictError, type SyncResult } from './designDocsSyncResult';
import { mergeBlobs } from './syncFileMerge';
import { lsTree, treeChanges, type SyncScratch } from './syncObjects';

/**
 * Replays `commits` (oldest first) on `onto` with a private index: for each, the files it changed are merged
 * with what `onto` has now, and the result is committed with the original author and message (`committer`:
 * the committer identity variables). Returns the new head; no ref is moved. Throws a conflict error when a file
 * cannot be settled; a commit whose changes are already upstream is dropped, as `git rebase` does.
 *
 * This is a rebase done with plumbing so that the remote's commits are never rewritten and the worktree is not
 * rewound to an older state halfway, which a `git rebase` there would do under the feet of agents ticking in it.
 */
export async function replayCommits(
  scratch: SyncScratch,
  onto: string,
  commits: string[],
  resolved: SyncResult['resolved'],
  committer: () => Promise<Record<string, string>>,
): Promise<string> {
  const { git, cwd, tmp } = scratch;
  const env = { GIT_INDEX_FILE: path.join(tmp, 'replay-index') };
  let head = onto;
  for (const c of commits) {
    const parent = (await git.run(['rev-list', '--parents', '-n', '1', c], { cwd })).trim().split(' ')[1];
    const changes = await treeChanges(git, cwd, parent, c);
    if (!changes.length) continue;
    const atHead = await lsTree(
      git,
      cwd,
      head,
      changes.map((ch) => ch.path),
    );
    await git.run(['read-tree', head], { cwd, env });
    const conflicts: string[] = [];
    for (const ch of changes) {
      const remote = atHead.get(ch.path);
      if (remote === ch.newSha) continue;
      let sha: string | undefined;
      if (remote === ch.oldSha) sha = ch.newSha;
      else {
        const m = await mergeBlobs(scratch, ch.path, ch.oldSha, ch.newSha, remote);
        if (!m) {
          conflicts.push(ch.path);
          continue;
        }
        sha = m.sha;
        if (m.rule) resolved.push({ file: ch.path, rule: m.rule });
      }
      if (sha)
        await git.run(
          [
            'update-index',
            '--add',
            '--cacheinfo',
            `${ch.newMode === '000000' ? '100644' : ch.newMode},${sha},${ch.path}`,
          ],
          { cwd, env },
        );
      else await git.run(['update-index', '--force-remove', '--', ch.path], { cwd, env });
    }
    if (conflicts.length) throw conflictError(conflicts, c);
    const tree = (await git.run(['write-tree'], { cwd, env })).trim();
    const headTree = (await git.run(['rev-parse', '--verify', `${head}^{tree}`], { cwd })).trim();
    if (tree === headTree) continue; // already upstream: dropped, as rebase does
    const meta = (await git.run(['show', '-s', '--format=%an%x00%ae%x00%aI%x00%B', c], { cwd })).split('\0');
    const msgFile = path.join(tmp, 'message');
    await fs.writeFile(msgFile, meta.slice(3).join('\0'));
    head = (
      await git.run(['commit-tree', tree, '-p', head, '-F', msgFile], {
        cwd,
        env: { ...(await committer()), GIT_AUTHOR_NAME: meta[0], GIT_AUTHOR_EMAIL: meta[1], GIT_AUTHOR_DATE: meta[2] },
      })
    ).trim();
  }
  return head;
}
