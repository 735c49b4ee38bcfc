import * as path from 'node:path';

/**
 * What an agent may see and change inside its bubblewrap sandbox. Every path is absolute; the machine outside
 * these lists is read-only, and the hidden folders (the home directory) are replaced by empty writable tmpfs.
 */
export interface SandboxPolicy {
  /** Folders hidden behind an empty tmpfs (the home directory: keys, tokens, other projects). */
  hidden: readonly string[];
  /** Folders inside hidden ones the agent still needs to read (its CLI's install folder, PATH entries). */
  readOnly: readonly string[];
  /** The code worktree and the SpecTask folder: the agent's work. */
  writable: readonly string[];
  /** Every git directory (and a worktree's `.git`): read-only even inside a writable folder. */
  gitDirs: readonly string[];
  /** The run's state folder and the CLI's own state folders (sessions, resume). */
  state: readonly string[];
  /**
   * The uid and gid to run as inside a user namespace of its own. Set when the host runs as root: bwrap keeps
   * a root caller's uid and a nested bubblewrap (codex's own sandbox) could then make no namespace at all.
   */
  uid?: number;
}

/** The process to start inside the sandbox. */
export interface SandboxCommand {
  command: string;
  args: readonly string[];
  cwd: string;
}

/**
 * The uid a root caller runs as inside the sandbox (in a user namespace of its own, mapped to root outside, so
 * the files it writes still belong to the caller). Any uid but 0 does: it only has to make bwrap take the user
 * namespace path, which is what lets a nested bubblewrap (codex's own sandbox) work.
 */
export const SANDBOX_UID_FOR_ROOT = 1000;

/** A path or command refused as a bwrap argument; the run fails instead of starting anything. */
export class SandboxPathError extends Error {}

/** The mount operations in the order bwrap applies them; a later one on a deeper path wins. */
type Mount = { op: '--tmpfs' | '--ro-bind' | '--bind'; path: string; rank: number };

/**
 * The bwrap argument list for `cmd` under `policy` (without the bwrap binary itself). Pure.
 *
 * The rule that keeps the lists from fighting: mounts are applied from the shallowest path to the deepest,
 * so the most specific path decides. A git directory inside the writable worktree stays read-only; the run's
 * state folder, which lives inside the repository's git directory, stays writable; a home directory inside a
 * writable folder is still hidden. On the same path, read-only wins over writable.
 */
export function buildBwrapArgs(policy: SandboxPolicy, cmd: SandboxCommand): string[] {
  const mounts: Mount[] = [
    ...policy.hidden.map((p) => ({ op: '--tmpfs' as const, path: checked(p), rank: 0 })),
    ...policy.writable.map((p) => ({ op: '--bind' as const, path: checked(p), rank: 1 })),
    ...policy.state.map((p) => ({ op: '--bind' as const, path: checked(p), rank: 2 })),
    ...policy.readOnly.map((p) => ({ op: '--ro-bind' as const, path: checked(p), rank: 3 })),
    ...policy.gitDirs.map((p) => ({ op: '--ro-bind' as const, path: checked(p), rank: 4 })),
  ];
  const ordered = dedupe(mounts).sort((a, b) => depth(a.path) - depth(b.path) || a.rank - b.rank);
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--cap-drop',
    'ALL',
    ...(policy.uid === undefined ? [] : ['--unshare-user', '--uid', String(policy.uid), '--gid', String(policy.uid)]),
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
  ];
  for (const m of ordered)
    if (m.op === '--tmpfs') args.push(m.op, m.path);
    else args.push(m.op, m.path, m.path);
  args.push('--chdir', checked(cmd.cwd, true), '--', checkedCommand(cmd.command), ...cmd.args);
  return args;
}

/** Keeps, for each path, the mount of the highest rank (read-only over writable, a bind over a tmpfs). */
function dedupe(mounts: Mount[]): Mount[] {
  const byPath = new Map<string, Mount>();
  for (const m of mounts) {
    const seen = byPath.get(m.path);
    if (!seen || seen.rank < m.rank) byPath.set(m.path, m);
  }
  return [...byPath.values()];
}

function depth(p: string): number {
  return p === '/' ? 0 : p.split('/').length - 1;
}

/**
 * A path as a bwrap value: absolute, normalised, and free of what could make it anything but one path (an
 * option, a second argument). `/` itself is refused: binding or hiding the root is never what a policy means.
 */
export function checked(p: string, allowRoot = false): string {
  if (/[\0\n\r]/.test(p))
    throw new SandboxPathError(`refusing a sandbox path with a control character: ${JSON.stringify(p)}`);
  if (p.startsWith('-') || !path.isAbsolute(p))
    throw new SandboxPathError(`refusing a sandbox path that is not absolute: ${JSON.stringify(p)}`);
  const norm = path.resolve(p);
  if (norm === '/' && !allowRoot) throw new SandboxPathError('refusing to bind or hide the root folder itself');
  return norm;
}

/** The program to run: after `--` bwrap takes it as the command, and it must not look like an option anyway. */
function checkedCommand(c: string): string {
  if (!c || c.startsWith('-') || /[\0\n\r]/.test(c))
    throw new SandboxPathError(`refusing the command ${JSON.stringify(c)}`);
  return c;
}
