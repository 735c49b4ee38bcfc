import type { PermissionPolicy } from '../agents/agentBackend';

/**
 * What the agents are told (DESIGN.md §6). Pure functions of the task and its paths, so every rule the
 * orchestrator later checks is stated to the agent in the same words, and tests can read them.
 */
import { FILES_SECTION_REQUEST } from './overlap/filesPrompt';
import { isCommentId } from '../review/agentAddressed';

export interface PromptTask {
  number: string;
  title: string;
  /** The user's goal and details, verbatim. */
  goal: string;
}

/** What the run supervisor knows about a run beyond its phase's prompt (see {@link withRunNotes}). */
export interface RunNotes {
  /** The run's permission level: the agent is told which commands it may run, so it wastes no turns on denials. */
  permissions?: PermissionPolicy;
  /** The run continues an earlier session: files may have changed since that session last saw them. */
  resumed?: boolean;
  /** The checklist the agent should re-read when resumed. */
  tasksFile: string;
}

export interface PlanningPaths {
  repoRoot: string;
  /** Absolute path of this SpecTask's folder in the design-docs worktree. */
  taskFolder: string;
}

export interface ReviewComment {
  document: 'requirements.md' | 'design.md' | 'tasks.md';
  line: number;
  quote: string;
  comment: string;
  /** The comment's id in spectask.json: the agent names the ones it addressed in addressed.json. */
  id?: string;
}

const FORMATS = (folder: string, title: string) =>
  `Write exactly these three files in ${folder} (create or overwrite them; nothing else):

${FORMAT_RULES(title)}`;

const FORMAT_RULES = (
  title: string,
) => `1. requirements.md — first line exactly "# Requirements: ${title}". User stories ("As a …, I want …, so that …"),
   then acceptance criteria in EARS form ("WHEN <trigger> THE SYSTEM SHALL <response>", "IF … THEN THE SYSTEM SHALL …").
   End with a section "## Open Questions" (write "None." if there are none).
2. design.md — first line exactly "# Design: ${title}". Architecture, the files and modules you will touch, key
   decisions and their reasons, risks. Keep it short.
${FILES_SECTION_REQUEST}
3. tasks.md — first line exactly "# Implementation Tasks: ${title}", then a markdown checklist of small, ordered,
   verifiable steps, one per line, each starting with a stable id:
     - [ ] T1: <step>
     - [ ] T2: <step>
   Use "- [ ]" for every item. Nested sub-items are allowed. Include a final item that runs the project's tests.`;

/** The first prompt of a planning run. */
export function planningPrompt(task: PromptTask, paths: PlanningPaths): string {
  return `You are the planning agent for SpecTask #${task.number}: "${task.title}".

Goal from the user:
"""
${task.goal}
"""

The code repository is ${paths.repoRoot}. Read it as much as you need to plan well, but DO NOT change any code,
do not run git commands that change anything, and do not commit: this is planning only.

${FORMATS(paths.taskFolder, task.title)}

Keep the documents short and concrete; do not invent requirements the goal does not imply — put doubts under
Open Questions instead. When the three files are written, reply with a one-paragraph summary.`;
}

/**
 * The reviewer's comments for the planning agent. It usually resumes the planning session, but may not (another
 * machine, a back-end without resume): the goal, the title and the formats are restated, briefly.
 */
export function revisionPrompt(
  task: PromptTask,
  paths: PlanningPaths,
  comments: readonly ReviewComment[],
  revision: number,
): string {
  const list = comments
    .map(
      (c, i) =>
        `${i + 1}. ${c.document}, line ${c.line}${c.quote ? ` (on: "${c.quote.replace(/\s+/g, ' ').slice(0, 200)}")` : ''}${isCommentId(c.id) ? ` [id ${c.id}]` : ''}:\n   ${c.comment}`,
    )
    .join('\n');
  return `The reviewer requested changes to the spec of SpecTask #${task.number}: "${task.title}" (revision ${revision}).

Goal from the user:
"""
${task.goal}
"""

${list || '(no line comments; the reviewer asked for a general revision)'}

Revise requirements.md, design.md and tasks.md in ${paths.taskFolder} to address every comment (read them first: they
may have changed). Keep these formats:

${FORMAT_RULES(task.title)}

Still do not change any code. Reply with a short list of what you changed.${addressedRequest(comments, paths.taskFolder, revision)}`;
}

/** Asks for addressed.json (core/review/agentAddressed.ts) when the comments have ids to name. */
function addressedRequest(comments: readonly ReviewComment[], folder: string, revision: number): string {
  if (!comments.some((c) => isCommentId(c.id))) return '';
  return `

Then write ${folder}/addressed.json as {"revision": ${revision}, "addressed": ["<id>", ...]}: the ids of the comments above that you addressed
by changing the text they are on, and no others.`;
}

export interface ImplementationPaths {
  /** The code worktree: the agent's cwd. */
  worktree: string;
  branch: string;
  baseBranch: string;
  /** Absolute path of this SpecTask's tasks.md in the design-docs worktree. */
  tasksFile: string;
  requirementsFile: string;
  designFile: string;
}

export { COMMIT_TRAILER_KEY } from './itemCommitMessages';

/** Agents write and tick; the orchestrator commits (DESIGN.md §6): git dirs are read-only in the sandbox. */
const NO_GIT_WRITES = `Do not run git commands that write (no add, commit, stash, checkout, reset, push): the orchestrator commits
  your work each time you tick an item "[x]", so tick an item only when its changes are written.`;

/** The first prompt of an implementation run (also used after "skip planning", with no spec files). */
export function implementationPrompt(task: PromptTask, paths: ImplementationPaths, opts: { hasSpec: boolean }): string {
  const spec = opts.hasSpec
    ? `Read the approved spec first: ${paths.requirementsFile}, ${paths.designFile} and the checklist ${paths.tasksFile}.`
    : `There is no written spec ("skip planning"). The goal is:\n"""\n${task.goal}\n"""\nFirst write the checklist: if ${paths.tasksFile} has no "- [ ] T<n>: …" items yet, add small, ordered steps\n(one per line, "- [ ] T1: <step>", a last one that runs the tests) under its first line; then work through them.`;
  return `You are the implementation agent for SpecTask #${task.number}: "${task.title}".

You work in ${paths.worktree} on branch ${paths.branch} (based on ${paths.baseBranch}). Stay inside it.
${spec}

Rules — the orchestrator checks them in git, not in your reply:
- Work through the checklist in ${paths.tasksFile} in order. Before starting an item change its "- [ ]" to "- [~]";
  when it is finished change it to "- [x]". ${opts.hasSpec ? 'Edit only the markers; change no other text in that file.' : 'Once written, change only the markers of its items.'}
- Do not use an internal to-do list instead of that file: the people watching see only the file.
- ${NO_GIT_WRITES}
- Do not open pull requests.
- Before you finish, write ${paths.tasksFile.replace(/tasks\.md$/, 'pull_request.md')}: its first line a pull-request title,
  then a short description of what changed and how to check it (reviewers read it; it is not committed to code).
- You are done when every item is "[x]" and its changes are written.
Reply with a short summary when done.`;
}

/** A bounded nudge on the same session when the run ended without finishing. */
export function implementationNudge(task: PromptTask, paths: ImplementationPaths, problems: readonly string[]): string {
  return `SpecTask #${task.number} is not finished yet:
${problems.map((p) => `- ${p}`).join('\n')}

Continue: finish the remaining items in ${paths.tasksFile} (ticking "[~]" then "[x]") in ${paths.worktree}.
${NO_GIT_WRITES}`;
}

export function planningNudge(task: PromptTask, paths: PlanningPaths, problems: readonly string[]): string {
  return `The spec for SpecTask #${task.number} is not complete yet:
${problems.map((p) => `- ${p}`).join('\n')}

Fix this in ${paths.taskFolder} (requirements.md, design.md, tasks.md in the formats given before). Do not change code.`;
}

/** Resumes the implementation session with the reviewer's comments on the diff. */
export function implementationChangesPrompt(task: PromptTask, paths: ImplementationPaths, comments: string): string {
  return `The reviewer requested changes to the implementation of SpecTask #${task.number}:
"""
${comments}
"""
Make the changes in ${paths.worktree}. If they need new steps, add them to ${paths.tasksFile} as "- [ ] T<n>: …" items and tick
them as before. ${NO_GIT_WRITES}`;
}

/** What each permission level lets the agent run, in one line. */
export function commandsNote(p: PermissionPolicy): string {
  switch (p.mode) {
    case 'read-only':
      return 'You may read files only: editing and commands are refused.';
    case 'edit':
      return 'You may read and edit files but run no commands (no shell, tests or builds): they are refused, do not try.';
    case 'edit+commands':
      return p.allow.length
        ? `You may edit files and run only commands starting with: ${p.allow.map((c) => `\`${c}\``).join(', ')}. Anything else is refused.`
        : 'You may read and edit files but run no commands: they are refused, do not try.';
    case 'full':
      return 'You may run commands (build, test) in your worktree.';
    case 'ask':
      return 'Each command needs the user’s approval: run only the ones you need.';
  }
}

/**
 * The phase's prompt with what the run adds: which commands the permission level allows and, for a resumed
 * session, to look at the files before going on (a reviewer, a teammate or an earlier run may have changed them).
 */
export function withRunNotes(prompt: string, notes: RunNotes): string {
  const resumed = notes.resumed
    ? `This continues your earlier session on this SpecTask. First read ${notes.tasksFile} and look at the current state of the files: they, not your memory, say what is done.\n\n`
    : '';
  return `${resumed}${prompt}${notes.permissions ? `\n\n${commandsNote(notes.permissions)}` : ''}`;
}
