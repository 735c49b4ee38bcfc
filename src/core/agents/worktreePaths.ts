import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Resolves `p` (absolute or relative to `worktree`) the way the OS would open it: symlinks in every existing
 * part of the path are followed, so a link pointing out of the worktree is seen for what it is.
 */
export function resolveReal(worktree: string, p: string): string {
  const abs = path.resolve(worktree, p);
  let existing = abs;
  const rest: string[] = [];
  // Walk up to the deepest part that exists; a file about to be created has no realpath yet.
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch {
    real = existing;
  }
  return path.join(real, ...rest);
}

/** True when `p` lies outside `worktree` after resolving `..` and symlinks. */
export function isOutsideWorktree(worktree: string, p: string): boolean {
  let root: string;
  try {
    root = fs.realpathSync(worktree);
  } catch {
    root = path.resolve(worktree);
  }
  const target = resolveReal(worktree, p);
  const rel = path.relative(root, target);
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/**
 * True when `p` (absolute, or relative to the agent's `cwd`) lies outside every folder the agent was granted:
 * its worktree and its extra folders (the SpecTask folder whose tasks.md it ticks). Writes there are expected.
 */
export function isOutsideGranted(cwd: string, granted: readonly string[], p: string): boolean {
  const abs = path.resolve(cwd, p);
  return granted.every((root) => isOutsideWorktree(root, abs));
}
