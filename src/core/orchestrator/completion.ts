import * as path from 'node:path';
import type { RunStatus } from '../agents/agentEvents';
import type { ChecklistItem } from '../checklist/checklistTypes';
import type { SpecTaskDetails } from '../docs/specTaskReader';
import { designTemplate, requirementsTemplate } from '../docs/specTaskTemplates';
import type { BranchCommit, WorktreeStatus } from './codeWorktrees';
import { itemKey, itemsWithoutCommit } from './itemCommitMessages';
import { readBranchText } from '../docs/noFollow';

/** A verdict: done, or the problems that a nudge quotes back to the agent and a failure keeps as reason. */
export type Verdict = { ok: true } | { ok: false; problems: string[] };

async function read(file: string | undefined): Promise<string | undefined> {
  // A document of the task's folder on the design-docs branch: never through a link, never over the size cap.
  return file ? readBranchText(path.dirname(path.dirname(file)), file).catch(() => undefined) : undefined;
}

/** Run endings that cut the agent off mid-way: whatever it was writing may stop in the middle. */
const CUT_SHORT: ReadonlySet<RunStatus> = new Set(['crashed', 'timeout', 'cancelled']);

/**
 * Planning is done when the three documents exist, have their headings, are no longer the untouched
 * templates, and the checklist has at least one item (DESIGN.md §5: "the three documents exist and
 * parse, checklist non-empty"). Decided from the files, never from the agent's reply — but a run that was
 * cut short (killed, crashed, timed out) never counts as done: a document stopped mid-write can still have
 * its heading and a first item (the planning-kill fault suite found such specs sent to review).
 */
export async function planningVerdict(
  task: SpecTaskDetails,
  goal: string | undefined,
  runStatus?: RunStatus,
): Promise<Verdict> {
  const problems: string[] = [];
  if (runStatus && CUT_SHORT.has(runStatus))
    problems.push(`the documents may be cut off mid-way: the planning run did not finish (${runStatus})`);
  const [req, design] = await Promise.all([read(task.documents.requirements), read(task.documents.design)]);
  if (req === undefined) problems.push('requirements.md is missing');
  else {
    if (!/^# Requirements:/m.test(req)) problems.push('requirements.md must start with "# Requirements: <title>"');
    if (!/^## Open Questions/m.test(req)) problems.push('requirements.md has no "## Open Questions" section');
    if (req === requirementsTemplate(task.title, goal)) problems.push('requirements.md is still the empty template');
  }
  if (design === undefined) problems.push('design.md is missing');
  else {
    if (!/^# Design:/m.test(design)) problems.push('design.md must start with "# Design: <title>"');
    if (design === designTemplate(task.title)) problems.push('design.md is still the empty template');
  }
  if (!task.documents.tasks) problems.push('tasks.md is missing');
  else if (!task.checklist || task.checklist.items.length === 0)
    problems.push('tasks.md has no checklist items ("- [ ] T1: …")');
  return problems.length ? { ok: false, problems } : { ok: true };
}

/**
 * Implementation is done when every checklist item is `[x]`, the orchestrator has committed each of them on
 * the task branch, and the worktree is clean (DESIGN.md §6). Agents no longer commit, so what their own commits
 * say (trailers, Claude Code's `Co-Authored-By`) is not an input; neither is the agent's claim of success.
 */
export function implementationVerdict(input: {
  number: string;
  items: readonly ChecklistItem[];
  status: WorktreeStatus;
  commits: readonly BranchCommit[];
}): Verdict {
  const problems: string[] = [];
  if (input.items.length === 0)
    problems.push('tasks.md has no checklist items; write the steps as "- [ ] T1: …" and work through them');
  const open = input.items.filter((i) => i.state !== 'done');
  if (open.length) {
    const names = open
      .slice(0, 6)
      .map((i) => (i.id ? `${i.id} (${i.text})` : i.text))
      .join('; ');
    problems.push(
      `${open.length} checklist item${open.length === 1 ? ' is' : 's are'} not [x]: ${names}${open.length > 6 ? '; …' : ''}`,
    );
  }
  if (!input.status.clean) {
    problems.push(
      `uncommitted changes in the worktree: ${input.status.changes
        .slice(0, 8)
        .map((c) => c.trim())
        .join(', ')}${input.status.changes.length > 8 ? ', …' : ''}`,
    );
  }
  const uncommitted = itemsWithoutCommit(input.items, input.commits, input.number);
  if (uncommitted.length)
    problems.push(`the orchestrator could not commit ${uncommitted.map(itemKey).join(', ')} (see its log)`);
  return problems.length ? { ok: false, problems } : { ok: true };
}
