// Pure (no `vscode`): which entries of the design-docs worktree the Design Docs view leaves out, unit-tested.

/**
 * Bookkeeping, not documents: git's own entries, nested worktrees, and the SpecTask number counter
 * (design/spectask-counter.json), which no one reads or edits by hand.
 */
const HIDDEN_NAMES = new Set(['.git', '.git-worktrees', 'spectask-counter.json']);

/** Whether the Design Docs view shows an entry of that name. */
export function shownInDocsTree(name: string): boolean {
  return !HIDDEN_NAMES.has(name);
}
