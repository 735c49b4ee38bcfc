// Trees no git porcelain would make: a teammate's commit is data from someone else's machine, and git's
// plumbing (`mktree`, `commit-tree`) writes entries named `..`, `.git` or `a\\b`, which a push carries as they are.
import { execFileSync } from 'node:child_process';
import { git, GIT_ENV } from './tempRepo';

function gitIn(cwd: string, input: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, input, encoding: 'utf8' }).trim();
}

/** `tree` with a blob added at the path made of `components` (any names at all, as the plumbing allows). */
function treeWith(cwd: string, tree: string | undefined, components: string[], blob: string, mode: string): string {
  const entries = new Map<string, string>();
  if (tree)
    for (const line of git(cwd, 'ls-tree', '-z', tree).split('\0').filter(Boolean))
      entries.set(line.slice(line.indexOf('\t') + 1), line);
  const [name, ...rest] = components;
  if (rest.length) {
    const existing = entries.get(name)?.split(/\s/);
    const sub = existing?.[1] === 'tree' ? existing[2] : undefined;
    entries.set(name, `040000 tree ${treeWith(cwd, sub, rest, blob, mode)}\t${name}`);
  } else entries.set(name, `${mode} blob ${blob}\t${name}`);
  return gitIn(cwd, [...entries.values()].map((e) => `${e}\0`).join(''), 'mktree', '-z');
}

/**
 * A commit on top of `parent` (in the repository at `cwd`) whose tree is the parent's plus a file at the path
 * made of `components`, with `content` and `mode` (`120000`: a symbolic link to `content`). Returns its SHA; no
 * ref is moved.
 */
export function hostileTreeCommit(
  cwd: string,
  parent: string,
  components: string[],
  content: string,
  mode = '100644',
): string {
  const blob = gitIn(cwd, content, 'hash-object', '-w', '--stdin');
  const tree = treeWith(cwd, git(cwd, 'rev-parse', `${parent}^{tree}`), components, blob, mode);
  return git(cwd, 'commit-tree', tree, '-p', parent, '-m', 'teammate: tidy up');
}
