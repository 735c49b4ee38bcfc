import * as path from 'node:path';

/** `C:\…`, `C:/…` or `\\server\share`: a run on Windows, whose paths `path.posix` would misread. */
const WINDOWS_PATH = /^(?:[A-Za-z]:[\\/]|\\\\)/;

/**
 * A path an agent named in a tool call, as the dashboard's activity line shows it: relative to the deepest of
 * the run's folders that holds it (`dirs`, its working directory first, against which a relative path is
 * resolved), else the whole path.
 *
 * Decided lexically, after resolving `.` and `..`, so `<worktree>/../elsewhere` or `src/../../x` never shows as
 * a path inside the worktree, and a sibling such as `<worktree>-other` is not taken for a child. A path
 * outside every folder is shown absolute and normalized rather than exactly as given: the `..` it may carry
 * is what would make it look like something it is not. Symbolic links are not followed (this runs per tool
 * call, on the event loop, and names what the agent named).
 */
export function displayPath(p: string, dirs: readonly string[]): string {
  if (p === '' || dirs.length === 0) return p;
  // The folders decide the platform: the host's own `path` would treat `C:\wt` as a relative name on Linux,
  // and Windows compares paths without regard to case (path.win32.relative does).
  const P = WINDOWS_PATH.test(dirs[0]) ? path.win32 : path.posix;
  const abs = P.resolve(dirs[0], p);
  let best: string | undefined;
  for (const dir of dirs) {
    const rel = P.relative(P.resolve(dir), abs);
    const outside = rel === '..' || rel.startsWith(`..${P.sep}`) || P.isAbsolute(rel);
    if (!outside && (best === undefined || rel.length < best.length)) best = rel;
  }
  if (best === undefined) return abs;
  return best === '' ? '.' : best;
}
