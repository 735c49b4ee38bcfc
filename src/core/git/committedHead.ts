import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';

/**
 * Finds the commit a `git commit -q` just made on a worktree's branch by reading the files git wrote — the
 * branch's loose ref and the commit object — instead of starting `git rev-parse` (issue 24: `-q` spares the
 * diffstat git prints after a commit, and this spares the process that would otherwise name the commit).
 * Everything is checked: the worktree's HEAD names the branch, the ref holds an object name, the object is a
 * commit with the expected message and first parent. Any doubt (a packed ref, a packed object, another
 * process's commit in between that this does not find, an unusual layout) gives undefined, and the caller
 * asks git.
 */
export class CommittedHead {
  private dirs?: { gitDir: string; commonDir: string } | null;

  constructor(
    private readonly worktreePath: string,
    private readonly branch: string,
  ) {}

  /** The branch's commit now, read from its loose ref; undefined when it cannot be read that way. */
  current(): string | undefined {
    const dirs = this.gitDirs();
    if (!dirs) return undefined;
    const head = readSmallFile(path.join(dirs.gitDir, 'HEAD'), 1024)?.toString('utf8');
    if (head === undefined || head.trimEnd() !== `ref: refs/heads/${this.branch}`) return undefined;
    const ref = readSmallFile(path.join(dirs.commonDir, 'refs', 'heads', ...this.branch.split('/')), 1024);
    const name = ref?.toString('utf8').trimEnd();
    return name && OBJECT_NAME.test(name) ? name : undefined;
  }

  /**
   * The commit of `message` (as given to `git commit -m`) whose first parent is `parent` (when known): the
   * branch's commit, or one of its last {@link MAX_WALK} first parents when another process committed right
   * after it. Undefined when not found this way.
   */
  find(message: string, parent: string | undefined): string | undefined {
    const dirs = this.gitDirs();
    let name = this.current();
    if (!dirs || !name) return undefined;
    const wanted = stripspace(message);
    for (let i = 0; i < MAX_WALK && name; i++) {
      const commit = readLooseCommit(dirs.commonDir, name);
      if (!commit) return undefined;
      if (commit.message === wanted && (parent === undefined || commit.parent === parent)) return name;
      if (parent !== undefined && name === parent) return undefined; // walked past where ours would be
      name = commit.parent;
    }
    return undefined;
  }

  /** A loose object's type and body by name, read from git's files; undefined when it is not loose. */
  readLoose(name: string): { type: string; body: Buffer } | undefined {
    const dirs = this.gitDirs();
    return dirs && OBJECT_NAME.test(name) ? readLooseObject(dirs.commonDir, name) : undefined;
  }

  private gitDirs(): { gitDir: string; commonDir: string } | undefined {
    if (this.dirs === undefined) this.dirs = locateGitDirs(this.worktreePath) ?? null;
    return this.dirs ?? undefined;
  }
}

/** How far back {@link CommittedHead.find} looks for our commit below commits other processes made after it. */
const MAX_WALK = 8;
const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function locateGitDirs(worktreePath: string): { gitDir: string; commonDir: string } | undefined {
  const dotGit = path.join(worktreePath, '.git');
  const st = fs.lstatSync(dotGit, { throwIfNoEntry: false });
  if (st?.isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
  const link = readSmallFile(dotGit, 4096)?.toString('utf8');
  const m = link && /^gitdir: (.+?)\s*$/.exec(link);
  if (!m) return undefined;
  const gitDir = path.resolve(worktreePath, m[1]);
  const common = readSmallFile(path.join(gitDir, 'commondir'), 4096)?.toString('utf8').trim();
  return { gitDir, commonDir: common ? path.resolve(gitDir, common) : gitDir };
}

/** A loose object's type and body; undefined when there is no such loose object, or it cannot be read. */
function readLooseObject(commonDir: string, name: string): { type: string; body: Buffer } | undefined {
  const raw = readSmallFile(path.join(commonDir, 'objects', name.slice(0, 2), name.slice(2)), MAX_COMMIT_BYTES);
  if (!raw) return undefined;
  let data: Buffer;
  try {
    data = inflateSync(raw);
  } catch {
    return undefined;
  }
  const nul = data.indexOf(0);
  const header = nul < 0 ? '' : data.subarray(0, nul).toString('latin1');
  const m = /^(commit|tree|blob|tag) (\d+)$/.exec(header);
  if (!m || Number(m[2]) !== data.length - nul - 1) return undefined;
  return { type: m[1], body: data.subarray(nul + 1) };
}

/** A commit object's first parent and message, from its loose object file; undefined if it is not one. */
function readLooseCommit(commonDir: string, name: string): { parent?: string; message: string } | undefined {
  const object = readLooseObject(commonDir, name);
  if (object?.type !== 'commit') return undefined;
  const body = object.body.toString('utf8');
  const end = body.indexOf('\n\n');
  const headers = end < 0 ? body : body.slice(0, end);
  const parent = /^parent ([0-9a-f]+)$/m.exec(headers)?.[1];
  return { ...(parent && { parent }), message: end < 0 ? '' : body.slice(end + 2) };
}

const MAX_COMMIT_BYTES = 1 << 20;

/**
 * Reads a small regular file without blocking on anything else (a FIFO put in its place) and without
 * following a link at its last component; undefined when that is not what is there.
 */
function readSmallFile(file: string, limit: number): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > limit) return undefined;
    const buf = Buffer.alloc(st.size);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What `git commit -m` keeps of a message (its default "whitespace" cleanup): trailing whitespace cut from
 * every line, leading and trailing empty lines dropped, runs of empty lines made one, and a final newline.
 */
export function stripspace(text: string): string {
  const out: string[] = [];
  let gap = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[ \t\r\v\f]+$/, '');
    if (!line) {
      gap = out.length > 0;
      continue;
    }
    if (gap) out.push('');
    gap = false;
    out.push(line);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
