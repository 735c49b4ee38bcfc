/**
 * Where things live on the design-docs branch (DESIGN.md §4), including the reference system's older layouts
 * that readers still accept.
 */

/** Default name of the orphan, forward-only branch (setting `spectask.designDocsBranch`). */
export const DEFAULT_DESIGN_DOCS_BRANCH = 'helix-design-docs';
/** The reference system's branch name since 2025-11; adopted when ours does not exist. */
export const LEGACY_DESIGN_DOCS_BRANCHES = ['helix-specs'] as const;
/** Folder (inside the user's repository) holding every worktree we create. */
export const WORKTREES_DIR = '.git-worktrees';
/** Line added to `<git-dir>/info/exclude`. */
export const WORKTREES_EXCLUDE_PATTERN = `/${WORKTREES_DIR}/`;

/** SpecTask folders in the current layout: `design/tasks/<NNNNNN>_<slug>/`. */
export const TASKS_DIR = 'design/tasks';
/** The reference system's older layout: `tasks/<YYYY-MM-DD>_<slug>_<id>/`. */
export const LEGACY_TASKS_DIR = 'tasks';
/** The per-repository counter, so a number is never reused even after a SpecTask folder is deleted. */
export const COUNTER_FILE = 'design/spectask-counter.json';

export const REQUIREMENTS_FILE = 'requirements.md';
export const DESIGN_FILE = 'design.md';
export const TASKS_FILE = 'tasks.md';
/** The reference system's older checklist file name. */
export const LEGACY_CHECKLIST_FILE = 'progress.md';
export const METADATA_FILE = 'spectask.json';

/** The documents of one SpecTask folder that the store and the watcher care about. */
export const TASK_DOCUMENTS = [
  REQUIREMENTS_FILE,
  DESIGN_FILE,
  TASKS_FILE,
  LEGACY_CHECKLIST_FILE,
  METADATA_FILE,
] as const;
export type TaskDocumentName = (typeof TASK_DOCUMENTS)[number];

const FOLDER_RE = /^(\d{6})_([a-z0-9][a-z0-9-]*)$/;

/** `000007_add-login` from number 7 and slug `add-login`. */
export function taskFolderName(num: number, slug: string): string {
  return `${formatTaskNumber(num)}_${slug}`;
}

/** Six-digit, zero-padded: 7 → `000007`. */
export function formatTaskNumber(num: number): string {
  return String(num).padStart(6, '0');
}

/** Parses a current-layout folder name; undefined for anything else (legacy folders, stray files). */
export function parseTaskFolderName(name: string): { number: number; slug: string } | undefined {
  const m = FOLDER_RE.exec(name);
  return m ? { number: Number(m[1]), slug: m[2] } : undefined;
}

/** The README committed as the branch's first commit. */
export function designDocsReadme(branch: string): string {
  return `# Design documents (\`${branch}\`)

This branch is written by SpecTask Orchestrator. It has no history in common with the code: it is the
project's lab notebook, one folder per SpecTask, and it only ever moves forward (never force-push it).

\`\`\`
${TASKS_DIR}/<NNNNNN>_<slug>/
  requirements.md   "# Requirements: <title>", user stories, EARS acceptance criteria, "## Open Questions"
  design.md         "# Design: <title>", architecture, decisions, notes learned while implementing
  tasks.md          "# Implementation Tasks: <title>" and the checklist: - [ ] to do, - [~] in progress, - [x] done
  spectask.json     status, priority, dependencies, agent sessions, branch, review history
${COUNTER_FILE}   the last SpecTask number handed out (numbers are never reused)
\`\`\`

The branch is checked out as a worktree at \`<repository>/${WORKTREES_DIR}/${branch}/\`, which is listed in
\`.git/info/exclude\` so it never appears in \`git status\`. Agents mark checklist items; the orchestrator commits
each change here with a message like \`spectask(000007): mark "Add login endpoint" done\` and a
\`SpecTask: 000007\` trailer.
`;
}
