/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  path: string;
  head?: string;
  /** Full ref name, e.g. `refs/heads/helix-design-docs`; undefined when detached or bare. */
  branch?: string;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  /** Set when git reports the entry as prunable (its folder is gone). */
  prunable: boolean;
  /** The first entry is the main worktree. */
  isMain: boolean;
}

/** Parses `git worktree list --porcelain` output (pure; blank lines separate entries). */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const chunk of output.split(/\r?\n\r?\n/)) {
    const lines = chunk.split(/\r?\n/).filter(Boolean);
    if (!lines.length || !lines[0].startsWith('worktree ')) continue;
    const e: WorktreeEntry = {
      path: lines[0].slice('worktree '.length),
      bare: false,
      detached: false,
      locked: false,
      prunable: false,
      isMain: entries.length === 0,
    };
    for (const l of lines.slice(1)) {
      const [key, ...rest] = l.split(' ');
      const value = rest.join(' ');
      if (key === 'HEAD') e.head = value;
      else if (key === 'branch') e.branch = value;
      else if (key === 'bare') e.bare = true;
      else if (key === 'detached') e.detached = true;
      else if (key === 'locked') e.locked = true;
      else if (key === 'prunable') e.prunable = true;
    }
    entries.push(e);
  }
  return entries;
}
