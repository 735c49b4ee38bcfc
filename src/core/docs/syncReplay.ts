import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { conflictError, type SyncResult } from './designDocsSyncResult';
import { mergeBlobs } from './syncFileMerge';
import { lsTree, treeChanges, type SyncScratch, type TreeChange } from './syncObjects';

/** A commit to replay: its parent, author and message, and the files it changed against that parent. */
interface ReplayedCommit {
  sha: string;
  parent?: string;
  authorName: string;
  authorEmail: string;
  authorDate: string;
  message: string;
  changes: TreeChange[];
}

/** Index entries per `update-index` call: keeps argv far below the kernel's limit for a commit of many files. */
const ENTRIES_PER_CALL = 500;
const OBJECT_ID = /^[0-9a-f]{40,64}$/;

/**
 * Replays `commits` (oldest first) on `onto` with a private index: for each, the files it changed are merged
 * with what `onto` has now, and the result is committed with the original author and message (`committer`:
 * the committer identity variables). Returns the new head; no ref is moved. Throws a conflict error when a file
 * cannot be settled; a commit whose changes are already upstream is dropped, as `git rebase` does.
 *
 * This is a rebase done with plumbing so that the remote's commits are never rewritten and the worktree is not
 * rewound to an older state halfway, which a `git rebase` there would do under the feet of agents ticking in it.
 *
 * Its cost is what bounds a worker's push window (every refused push replays the whole backlog again), so git is
 * asked once for every commit's metadata and once for every commit's changes, the private index is read once and
 * then carries each new head on (it holds exactly the tree just committed), and what the head holds at the changed
 * paths is kept in memory: a commit whose files the remote left alone costs one `update-index`, one `write-tree`
 * and one `commit-tree`.
 */
export async function replayCommits(
  scratch: SyncScratch,
  onto: string,
  commits: string[],
  resolved: SyncResult['resolved'],
  committer: () => Promise<Record<string, string>>,
): Promise<string> {
  if (!commits.length) return onto;
  const { git, cwd, tmp } = scratch;
  const env = { GIT_INDEX_FILE: path.join(tmp, 'replay-index') };
  const replayed = await readCommits(scratch, commits);
  const paths = [...new Set(replayed.flatMap((c) => c.changes.map((ch) => ch.path)))];
  /** What the head being built holds at every path a replayed commit changes (absent: missing). */
  const atHead = paths.length ? await lsTree(git, cwd, onto, paths) : new Map<string, string>();
  await git.run(['read-tree', onto], { cwd, env });
  let head = onto;
  let headTree = (await git.run(['rev-parse', '--verify', `${onto}^{tree}`], { cwd })).trim();
  for (const c of replayed) {
    if (!c.changes.length) continue;
    const conflicts: string[] = [];
    const removals: string[] = [];
    const entries: string[] = [];
    const settled = new Map<string, string | undefined>();
    for (const ch of c.changes) {
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
      settled.set(ch.path, sha);
      if (sha) entries.push(`${ch.newMode === '000000' ? '100644' : ch.newMode},${sha},${ch.path}`);
      else removals.push(ch.path);
    }
    if (conflicts.length) throw conflictError(conflicts, c.sha);
    if (!settled.size) continue; // every change already upstream: dropped, as rebase does
    // Removals first: a file replaced by a folder of the same name (or the reverse) must leave the index before
    // the entries under its name arrive.
    for (let i = 0; i < removals.length; i += ENTRIES_PER_CALL)
      await git.run(['update-index', '--force-remove', '--', ...removals.slice(i, i + ENTRIES_PER_CALL)], {
        cwd,
        env,
      });
    for (let i = 0; i < entries.length; i += ENTRIES_PER_CALL)
      await git.run(
        ['update-index', '--add', ...entries.slice(i, i + ENTRIES_PER_CALL).flatMap((e) => ['--cacheinfo', e])],
        { cwd, env },
      );
    for (const [file, sha] of settled) {
      if (sha) atHead.set(file, sha);
      else atHead.delete(file);
    }
    const tree = (await git.run(['write-tree'], { cwd, env })).trim();
    if (tree === headTree) continue; // already upstream: dropped, as rebase does
    const msgFile = path.join(tmp, 'message');
    await fs.writeFile(msgFile, c.message);
    head = (
      await git.run(['commit-tree', tree, '-p', head, '-F', msgFile], {
        cwd,
        env: {
          ...(await committer()),
          GIT_AUTHOR_NAME: c.authorName,
          GIT_AUTHOR_EMAIL: c.authorEmail,
          GIT_AUTHOR_DATE: c.authorDate,
        },
      })
    ).trim();
    headTree = tree;
  }
  return head;
}

/**
 * Every commit's parent, author and exact message (one `git log`), and the files each changed against its parent
 * (a second one). Records are split on a random token: messages and paths come from the branch (untrusted), and
 * no text written before this call can hold it.
 */
async function readCommits(scratch: SyncScratch, commits: string[]): Promise<ReplayedCommit[]> {
  const { git, cwd } = scratch;
  for (const c of commits) if (!OBJECT_ID.test(c)) throw new Error(`not a commit name: ${JSON.stringify(c)}`);
  const token = `@@${randomBytes(16).toString('hex')}@@`;
  const plain = ['--no-walk=unsorted', '--no-show-signature', '--no-color', '--no-use-mailmap'];
  const meta = await git.run(['log', ...plain, `--format=${token}%H%x00%P%x00%an%x00%ae%x00%aI%x00%B`, ...commits], {
    cwd,
  });
  const bySha = new Map<string, ReplayedCommit>();
  for (const entry of meta.split(token).slice(1)) {
    const [sha, parents, authorName, authorEmail, authorDate, ...message] = entry.split('\0');
    // `--format` ends every record with a newline of its own: the message is what is left before it.
    bySha.set(sha, {
      sha,
      parent: parents.split(' ')[0] || undefined,
      authorName,
      authorEmail,
      authorDate,
      message: message.join('\0').replace(/\n$/, ''),
      changes: [],
    });
  }
  const raw = await git.run(
    ['log', ...plain, '-z', '--raw', '--no-renames', '--no-abbrev', `--format=${token}%H`, ...commits],
    { cwd },
  );
  let current: ReplayedCommit | undefined;
  const parts = raw.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i].replace(/^\n/, '');
    if (part.startsWith(token)) current = bySha.get(part.slice(token.length));
    else if (part.startsWith(':') && current && i + 1 < parts.length) {
      const [, newMode, oldSha, newSha] = part.slice(1).split(' ');
      current.changes.push({
        path: parts[++i],
        oldSha: /^0+$/.test(oldSha) ? undefined : oldSha,
        newSha: /^0+$/.test(newSha) ? undefined : newSha,
        newMode,
      });
    }
  }
  const out: ReplayedCommit[] = [];
  for (const sha of commits) {
    const c = bySha.get(sha);
    if (!c) throw new Error(`git did not describe commit ${sha}`);
    // git log shows a root commit's files only where `log.showRoot` is on (a user's setting): read them alone.
    if (!c.parent) c.changes = await treeChanges(git, cwd, undefined, sha);
    out.push(c);
  }
  return out;
}
