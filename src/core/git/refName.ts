/**
 * Branch names that come from `spectask.json` (on the shared design-docs branch: a teammate or a remote can write
 * them) reach git's argv. A value such as `--output=/tmp/x` would be read as an option, so each one is checked
 * against git's own rules for a branch name (`git check-ref-format --branch`) before any git command sees it.
 * Pure, so it costs no process and can run anywhere a record is read.
 */

/** Why `name` is not a branch name git would accept, or undefined when it is one. */
export function branchNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (name.startsWith('-')) return 'it starts with "-", which git would read as an option';
  // Control characters, space and the characters git reserves for revision syntax and globs.
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'it holds a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it holds ".."';
  if (name.includes('@{') || name === '@') return 'it holds "@{" or is "@"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/'))
    if (part.startsWith('.') || part.endsWith('.lock')) return 'a component starts with "." or ends with ".lock"';
  return undefined;
}

/** Throws a clear error unless `name` is a valid branch name; `what` names the value in the message. */
export function assertBranchName(name: unknown, what: string): asserts name is string {
  const problem = branchNameProblem(name);
  if (problem) throw new Error(`Refusing ${what} ${JSON.stringify(name)}: not a valid git branch name (${problem}).`);
}
