import type { CommittedHead } from '../git/committedHead';
import type { GitRunner } from '../git/gitRunner';
import { amendWithContent, readBackWhole } from './contentAmend';
import { LEGACY_CHECKLIST_FILE, LEGACY_TASKS_DIR, TASKS_DIR, TASKS_FILE } from './designDocsLayout';

/** The name of the empty blob (SHA-1 repositories; a SHA-256 one simply never matches). */
export const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';

/** How many changed task folders one commit may have for this check; a larger commit is not one of our marks. */
const MAX_FOLDERS = 64;

/**
 * The checklists `head` emptied: a task folder's `tasks.md` (or a legacy `progress.md`) whose blob is empty at
 * `head` and was not at its first parent. Read from git's files alone (loose objects, which a commit just made
 * always is), so that a process can afford it before its first commit. Undefined when it cannot tell that way
 * (a packed object, a tree it cannot read): nothing is judged then.
 *
 * Why: git's `commit --only` may read an agent's `tasks.md` in the instant between its truncate and its write;
 * the committer then amends the commit with the file once it is back. A committer killed between the two leaves
 * the emptied checklist at HEAD (issue 24's mark fault suite: 1–3 times in 40 kills), for the next one to amend.
 */
export function checklistsEmptiedAt(objects: CommittedHead, head: string): string[] | undefined {
  const commit = readCommit(objects, head);
  if (!commit) return undefined;
  // Only the committer's own commits (commitMessage.ts): a person's commit that empties a checklist is theirs.
  if (!commit.parent || !/^spectask[(:]/.test(commit.message)) return [];
  const parent = readCommit(objects, commit.parent);
  if (!parent) return undefined;
  const emptied: string[] = [];
  for (const dir of [TASKS_DIR, LEGACY_TASKS_DIR]) {
    const now = subtree(objects, commit.tree, dir);
    const before = subtree(objects, parent.tree, dir);
    if (now === undefined || before === undefined) return undefined;
    if (now === null || before === null || now === before) continue;
    const nowFolders = readTree(objects, now);
    const beforeFolders = readTree(objects, before);
    if (!nowFolders || !beforeFolders) return undefined;
    const changed = [...nowFolders].filter(([name, e]) => e.tree && beforeFolders.get(name)?.sha !== e.sha);
    if (changed.length > MAX_FOLDERS) return undefined;
    for (const [name, e] of changed) {
      const was = beforeFolders.get(name);
      // Names come from the branch's trees, which a teammate's commit can craft (`git mktree` takes `..`): only a
      // plain folder name may become a path the repair looks at and commits.
      if (!was?.tree || !isPlainName(name)) continue;
      const nowFiles = readTree(objects, e.sha);
      const beforeFiles = readTree(objects, was.sha);
      if (!nowFiles || !beforeFiles) return undefined;
      for (const file of [TASKS_FILE, LEGACY_CHECKLIST_FILE]) {
        const a = nowFiles.get(file);
        const b = beforeFiles.get(file);
        if (a && b && !a.tree && !b.tree && a.sha === EMPTY_BLOB && b.sha !== EMPTY_BLOB)
          emptied.push(`${dir}/${name}/${file}`);
      }
    }
  }
  return emptied;
}

/** One path component with no separator, no `.` or `..`, nothing git would not check out. */
function isPlainName(name: string): boolean {
  return name !== '.' && name !== '..' && !/[\/\\\0]/.test(name) && name.toLowerCase() !== '.git';
}

function readCommit(
  objects: CommittedHead,
  name: string,
): { tree: string; parent?: string; message: string } | undefined {
  const o = objects.readLoose(name);
  if (o?.type !== 'commit') return undefined;
  const text = o.body.toString('utf8');
  const end = text.indexOf('\n\n');
  const headers = end < 0 ? text : text.slice(0, end);
  const tree = /^tree ([0-9a-f]{40,64})$/m.exec(headers)?.[1];
  const parent = /^parent ([0-9a-f]{40,64})$/m.exec(headers)?.[1];
  return tree ? { tree, ...(parent && { parent }), message: end < 0 ? '' : text.slice(end + 2) } : undefined;
}

/** The tree at `dir` (`/`-separated) below `root`: its name, null when there is none, undefined when unreadable. */
function subtree(objects: CommittedHead, root: string, dir: string): string | null | undefined {
  let at = root;
  for (const part of dir.split('/')) {
    const entries = readTree(objects, at);
    if (!entries) return undefined;
    const e = entries.get(part);
    if (!e?.tree) return null;
    at = e.sha;
  }
  return at;
}

/** A tree's entries by name (`<mode> <name>\0<binary name>` each); undefined when it is not a readable tree. */
function readTree(objects: CommittedHead, name: string): Map<string, { sha: string; tree: boolean }> | undefined {
  const o = objects.readLoose(name);
  if (o?.type !== 'tree') return undefined;
  const width = name.length / 2;
  const out = new Map<string, { sha: string; tree: boolean }>();
  for (let at = 0; at < o.body.length;) {
    const space = o.body.indexOf(0x20, at);
    const nul = o.body.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + width > o.body.length) return undefined;
    const mode = o.body.toString('latin1', at, space);
    out.set(o.body.toString('utf8', space + 1, nul), {
      sha: o.body.toString('hex', nul + 1, nul + 1 + width),
      tree: mode === '40000',
    });
    at = nul + 1 + width;
  }
  return out;
}

/** How long the repair waits for a checklist's content to be back. */
const REPAIR_WAIT_MS = 400;

/**
 * Amends `head`'s commit when it emptied a checklist of ours that is back on disk and no remote-tracking ref has
 * it (rewriting a pushed commit would fork the branch), as the killed committer would have — with the content
 * read and checked here (contentAmend.ts), never with what git would read from a file an agent may be
 * truncating again. `checked`: the branch's commit already checked (nothing to do while it is the head).
 * Returns the commit checked last (undefined when unknown: the next write job checks again).
 */
export async function amendEmptiedHead(
  git: GitRunner,
  o: { cwd: string; head: CommittedHead; identity: () => Promise<Record<string, string>>; checked?: string },
): Promise<string | undefined> {
  const head = o.head.current();
  if (!head || head === o.checked) return head;
  const emptied = checklistsEmptiedAt(o.head, head) ?? [];
  if (!emptied.length) return head;
  const back = new Map<string, Buffer>();
  for (const rel of emptied) {
    const content = await readBackWhole(o.cwd, rel, REPAIR_WAIT_MS);
    if (content) back.set(rel, content);
  }
  if (!back.size) return head;
  // `head` is an object name (CommittedHead checks it), never an option.
  const pushed = await git.run(['for-each-ref', '--contains', head, '--format=%(refname)', 'refs/remotes/'], {
    cwd: o.cwd,
  });
  if (pushed.trim()) return head;
  return amendWithContent(git, { cwd: o.cwd, head, files: back, identity: await o.identity() });
}
