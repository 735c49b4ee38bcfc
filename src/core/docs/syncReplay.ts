import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { conflictError, type SyncResult } from './designDocsSyncResult';
import { mergeBlobs } from './syncFileMerge';
import { assertObjectId } from '../workers/claimRefs';
import { lsTree, treeChanges, type SyncScratch, type TreeChange } from './syncObjects';

/** A commit to replay: its parent, author and message, and the files it changed against that parent. */
interface ReplayedCommit {
  sha: string;
  parent?: string;
  authorName: string;
  authorEmail: string;
  /** As git's raw format: seconds and zone (`1733450000 +0100`), what fast-import reads. */
  authorDate: string;
  message: string;
  changes: TreeChange[];
}

/** The commit names a sync hands over come from git itself; checked all the same before they reach argv. */
const OBJECT_ID = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const MODE = /^[0-7]{6}$/;

/**
 * Replays `commits` (oldest first) on `onto`: for each, the files it changed are merged with what the head being
 * built has now, and the result is committed with the original author and message (`committer`: the committer
 * identity variables). Returns the new head; no branch moves. Throws a conflict error when a file cannot be settled;
 * a commit whose changes are already upstream is dropped, as `git rebase` does.
 *
 * This is a rebase done with plumbing so that the remote's commits are never rewritten and the worktree is not
 * rewound to an older state halfway, which a `git rebase` there would do under the feet of agents ticking in it.
 *
 * Its cost is what bounds a worker's push window (every refused push replays the whole backlog again), so git is
 * asked once for every commit's metadata and once for every commit's files, what the head holds at those paths is
 * kept in memory, and every new commit is written by ONE `git fast-import` (each commit's tree from its parent's
 * plus the settled files): the floor, one process for the whole replay. Its branch is reset before it ends, so no
 * ref is left behind, even by a process killed meanwhile; the new head is read from its marks file.
 */
export async function replayCommits(
  scratch: SyncScratch,
  onto: string,
  commits: string[],
  resolved: SyncResult['resolved'],
  committer: () => Promise<Record<string, string>>,
): Promise<string> {
  if (!commits.length) return onto;
  const { git, cwd } = scratch;
  assertObjectId(onto, 'replay base');
  const replayed = await readCommits(scratch, commits);
  const paths = [...new Set(replayed.flatMap((c) => c.changes.map((ch) => ch.path)))];
  /** What the head being built holds at every path a replayed commit changes (absent: missing). */
  const atHead = paths.length ? await lsTree(git, cwd, onto, paths) : new Map<string, string>();
  const ref = `refs/spectask/replay/${randomBytes(8).toString('hex')}`;
  const stream: string[] = [];
  let marks = 0;
  let committerLine: string | undefined;
  for (const c of replayed) {
    const conflicts: string[] = [];
    const lines: string[] = [];
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
      // Deletions first: a file replaced by a folder of the same name (or the reverse) must go before the entries
      // under its name arrive.
      if (sha) {
        assertObjectId(sha, 'blob');
        if (!MODE.test(ch.newMode)) throw new Error(`Refusing mode ${JSON.stringify(ch.newMode)} of ${ch.path}`);
        lines.push(`M ${ch.newMode === '000000' ? '100644' : ch.newMode} ${sha} ${quoted(ch.path)}`);
      } else lines.unshift(`D ${quoted(ch.path)}`);
    }
    if (conflicts.length) throw conflictError(conflicts, c.sha);
    if (!settled.size) continue; // every change already upstream: dropped, as rebase does
    for (const [file, sha] of settled) {
      if (sha) atHead.set(file, sha);
      else atHead.delete(file);
    }
    committerLine ??= (await git.run(['var', 'GIT_COMMITTER_IDENT'], { cwd, env: await committer() })).trim();
    const message = Buffer.from(c.message, 'utf8');
    stream.push(
      `commit ${ref}`,
      `mark :${++marks}`,
      `author ${identPart(c.authorName)} <${identPart(c.authorEmail)}> ${rawDate(c.authorDate)}`,
      `committer ${committerLine}`,
      `data ${message.length}`,
      `${c.message}`,
      ...(marks === 1 ? [`from ${onto}`] : []),
      ...lines,
      '',
    );
  }
  if (!marks) return onto;
  stream.push(`reset ${ref}`, '', 'done', '');
  const marksFile = path.join(scratch.tmp, 'replay-marks');
  await git.run(
    [
      '-c',
      'fastimport.unpackLimit=1000',
      'fast-import',
      '--quiet',
      '--done',
      '--date-format=raw',
      `--export-marks=${marksFile}`,
    ],
    { cwd, input: stream.join('\n') },
  );
  const last = (await fs.readFile(marksFile, 'utf8')).split('\n').find((l) => l.startsWith(`:${marks} `));
  const head = last?.slice(`:${marks} `.length).trim() ?? '';
  assertObjectId(head, "fast-import's new head");
  return head;
}

/** A path as fast-import reads it: always C-quoted, so that no name from the branch can end the line early. */
function quoted(p: string): string {
  return `"${p.replace(/[\\"]/g, '\\$&').replace(/[\x00-\x1f\x7f]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
}

/** A name or e-mail for fast-import's ident line: git's idents hold no `<`, `>` or line break; a crafted one loses them. */
function identPart(text: string): string {
  return text.replace(/[<>\n\r\0]/g, '');
}

/** git's raw date (`1733450000 +0100`), checked: it goes into fast-import's stream as it is. */
function rawDate(date: string): string {
  if (!/^\d{1,15} [+-]\d{4}$/.test(date)) throw new Error(`not a raw date: ${JSON.stringify(date)}`);
  return date;
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
  const meta = await git.run(
    ['log', ...plain, '--date=raw', `--format=${token}%H%x00%P%x00%an%x00%ae%x00%ad%x00%B`, ...commits],
    {
      cwd,
    },
  );
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
