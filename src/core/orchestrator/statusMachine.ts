import { PHASE_LABELS, PHASES, type Phase } from '../../protocol/fleet';

/**
 * The SpecTask status machine of DESIGN.md §5, as one table. Every legal transition is a row; anything
 * else is rejected with a message that says what is allowed from the current status.
 */
export const SPECTASK_STATUSES = [
  'backlog',
  'queued_spec_generation',
  'spec_generation',
  'spec_review',
  'spec_revision',
  'spec_approved',
  'queued_implementation',
  'implementation',
  'implementation_review',
  'queued_integration',
  'integrating',
  'done',
  'spec_failed',
  'implementation_failed',
  'spec_stopped',
  'implementation_stopped',
  'archived',
] as const;
export type SpecTaskStatus = (typeof SPECTASK_STATUSES)[number];

export const isSpecTaskStatus = (v: unknown): v is SpecTaskStatus =>
  typeof v === 'string' && (SPECTASK_STATUSES as readonly string[]).includes(v);

/** What caused a transition. `user` triggers come from commands; the rest from the orchestrator itself. */
export type Trigger =
  | 'start_planning'
  | 'skip_planning'
  | 'planning_slot_free'
  | 'planning_succeeded'
  | 'planning_failed'
  | 'request_spec_changes'
  | 'revision_resumed'
  | 'approve'
  | 'reject'
  | 'enqueue_implementation'
  | 'implementation_slot_free'
  | 'implementation_complete'
  | 'implementation_failed'
  | 'accept'
  | 'integration_slot_free'
  | 'integration_succeeded'
  | 'integration_bounced'
  | 'integration_blocked'
  | 'integration_interrupted'
  | 'request_implementation_changes'
  | 'stop'
  | 'retry'
  | 'reopen'
  | 'archive'
  | 'restore';

export type Actor = 'user' | 'scheduler' | 'orchestrator';

interface Row {
  from: readonly SpecTaskStatus[];
  trigger: Trigger;
  to: SpecTaskStatus | ((from: SpecTaskStatus) => SpecTaskStatus);
  actor: Actor;
  /** Human wording for messages and history, e.g. "Start planning". */
  label: string;
  /**
   * The name of the stage this row starts, where it is more precise than its phase's name: a revision is
   * "Revising spec" on every surface, not "Planning" (issue 22). See stageName.
   */
  stage?: string;
}

/** The stage of a spec revision: waiting for its planning slot, then the agent revising (one name for both). */
export const REVISING_SPEC = 'Revising spec';

const ALL_BUT_DONE_AND_ARCHIVED = SPECTASK_STATUSES.filter((s) => s !== 'done' && s !== 'archived');

/** The one table. Order matters only for readability; (from, trigger) pairs are unique (checked by a test). */
export const TRANSITIONS: readonly Row[] = [
  {
    from: ['backlog'],
    trigger: 'start_planning',
    to: 'queued_spec_generation',
    actor: 'user',
    label: 'Start planning',
  },
  {
    from: ['backlog'],
    trigger: 'skip_planning',
    to: 'queued_implementation',
    actor: 'user',
    label: 'Skip planning and implement',
  },
  {
    from: ['queued_spec_generation'],
    trigger: 'planning_slot_free',
    to: 'spec_generation',
    actor: 'scheduler',
    label: 'Planning started',
  },
  {
    from: ['spec_generation'],
    trigger: 'planning_succeeded',
    to: 'spec_review',
    actor: 'orchestrator',
    label: 'Spec ready for review',
  },
  {
    from: ['spec_generation'],
    trigger: 'planning_failed',
    to: 'spec_failed',
    actor: 'orchestrator',
    label: 'Planning failed',
  },
  {
    from: ['spec_review'],
    trigger: 'request_spec_changes',
    to: 'spec_revision',
    actor: 'user',
    label: 'Request changes',
    stage: REVISING_SPEC,
  },
  {
    from: ['spec_revision'],
    trigger: 'revision_resumed',
    to: 'spec_generation',
    actor: 'scheduler',
    label: 'Revision started',
    stage: REVISING_SPEC,
  },
  { from: ['spec_review'], trigger: 'approve', to: 'spec_approved', actor: 'user', label: 'Approve spec' },
  { from: ['spec_review'], trigger: 'reject', to: 'archived', actor: 'user', label: 'Reject spec' },
  {
    from: ['spec_approved'],
    trigger: 'enqueue_implementation',
    to: 'queued_implementation',
    actor: 'orchestrator',
    label: 'Queued for implementation',
  },
  {
    from: ['queued_implementation'],
    trigger: 'implementation_slot_free',
    to: 'implementation',
    actor: 'scheduler',
    label: 'Implementation started',
  },
  {
    from: ['implementation'],
    trigger: 'implementation_complete',
    to: 'implementation_review',
    actor: 'orchestrator',
    label: 'Implementation ready for review',
  },
  {
    from: ['implementation'],
    trigger: 'implementation_failed',
    to: 'implementation_failed',
    actor: 'orchestrator',
    label: 'Implementation failed',
  },
  {
    from: ['implementation_review'],
    trigger: 'accept',
    to: 'queued_integration',
    actor: 'user',
    label: 'Accept and merge',
  },
  // The integration queue (DESIGN.md v2 §7): one at a time, rebased onto the base, tested, fast-forwarded.
  {
    from: ['queued_integration'],
    trigger: 'integration_slot_free',
    to: 'integrating',
    actor: 'scheduler',
    label: 'Integration started',
  },
  {
    from: ['integrating'],
    trigger: 'integration_succeeded',
    to: 'done',
    actor: 'orchestrator',
    label: 'Merged into the base',
  },
  {
    // A conflict or failing tests: back to the same agent session with the reason; it re-enters the queue.
    from: ['integrating'],
    trigger: 'integration_bounced',
    to: 'implementation',
    actor: 'orchestrator',
    label: 'Sent back to the agent',
  },
  {
    // Nothing the agent can fix (no test program, git refused): a person looks at it and accepts again.
    from: ['integrating'],
    trigger: 'integration_blocked',
    to: 'implementation_review',
    actor: 'orchestrator',
    label: 'Integration could not run',
  },
  {
    // The orchestrator stopped mid-integration: the base moved or not (compare-and-swap), the task queues again.
    from: ['integrating'],
    trigger: 'integration_interrupted',
    to: 'queued_integration',
    actor: 'orchestrator',
    label: 'Integration interrupted',
  },
  {
    from: ['implementation_review'],
    trigger: 'request_implementation_changes',
    to: 'implementation',
    actor: 'user',
    label: 'Request changes on implementation',
  },
  {
    // Stop is the user's choice, not a failure (issue 22): its own status, no error, and Retry resumes the session.
    from: ['spec_generation', 'implementation'],
    trigger: 'stop',
    to: (from) => (from === 'spec_generation' ? 'spec_stopped' : 'implementation_stopped'),
    actor: 'user',
    label: 'Stop',
  },
  {
    from: ['spec_failed', 'implementation_failed', 'spec_stopped', 'implementation_stopped'],
    trigger: 'retry',
    to: (from) =>
      from === 'spec_failed' || from === 'spec_stopped' ? 'queued_spec_generation' : 'queued_implementation',
    actor: 'user',
    label: 'Retry',
  },
  { from: ['done'], trigger: 'reopen', to: 'implementation', actor: 'user', label: 'Reopen' },
  { from: ALL_BUT_DONE_AND_ARCHIVED, trigger: 'archive', to: 'archived', actor: 'user', label: 'Archive' },
  { from: ['archived'], trigger: 'restore', to: 'backlog', actor: 'user', label: 'Restore' },
];

export type TransitionResult =
  | { ok: true; from: SpecTaskStatus; to: SpecTaskStatus; trigger: Trigger; actor: Actor; label: string }
  | { ok: false; message: string };

/** Looks up (from, trigger) in the table. Never throws; an illegal move gets a message naming the legal ones. */
export function transition(from: SpecTaskStatus, trigger: Trigger): TransitionResult {
  const row = TRANSITIONS.find((r) => r.trigger === trigger && r.from.includes(from));
  if (row) {
    const to = typeof row.to === 'function' ? row.to(from) : row.to;
    return { ok: true, from, to, trigger, actor: row.actor, label: row.label };
  }
  const allowed = allowedTriggers(from).map((t) => `'${labelOf(t)}'`);
  return {
    ok: false,
    message:
      `Cannot ${labelOf(trigger).toLowerCase()} a SpecTask that is ${describeStatus(from)}.` +
      (allowed.length ? ` From ${describeStatus(from)} you can: ${allowed.join(', ')}.` : ''),
  };
}

/** Triggers that are legal from `from`, in table order. */
export function allowedTriggers(from: SpecTaskStatus): Trigger[] {
  return TRANSITIONS.filter((r) => r.from.includes(from)).map((r) => r.trigger);
}

function labelOf(trigger: Trigger): string {
  return TRANSITIONS.find((r) => r.trigger === trigger)?.label ?? trigger;
}

/**
 * The coarse phase a status belongs to: what the tree groups by, what the dashboard shows on a card's chip
 * and counts, and what `spectask fleet` prints. Several statuses share one. Every surface shows the same name
 * for it (PHASE_LABELS in src/protocol/fleet.ts, the one list of names the webview can read). Chosen in issue
 * 19, when the tree and the dashboard disagreed: both queued_* statuses are "Queued" (no agent has started;
 * the tree and the card say why it waits), and implementation_review is "Code review" (it pairs with "Spec
 * review" and fits the card's chip and the CLI's column).
 */
// The groups are the dashboard's phases: one list, kept in src/protocol because the webview reads it too.
export const STATUS_GROUPS = PHASES;
export type StatusGroup = Phase;

/** What is true of a SpecTask while it has a status, beyond its transitions (those are in TRANSITIONS). */
export interface StatusFacts {
  group: StatusGroup;
  /** How a sentence names the status: "a SpecTask that is …". */
  words: string;
  /** An agent runs in this status (a run is started, supervised and can be stopped). */
  agentWorks: boolean;
  /** Nothing moves until a person reviews (the status bar's "to review", the CodeLens's review line). */
  waitsForPerson: boolean;
  /** The SpecTask has (or is about to get) its code worktree, so "Open Worktree" makes sense. */
  hasCodeWorktree: boolean;
}

const fact = (
  group: StatusGroup,
  words: string,
  more: Partial<Omit<StatusFacts, 'group' | 'words'>> = {},
): StatusFacts => ({ group, words, agentWorks: false, waitsForPerson: false, hasCodeWorktree: false, ...more });

/**
 * The per-status half of the one table. Every status set the extension needs (working, waiting for a person,
 * can retry, the tree's groups, the dashboard's phases, the tree's menu words) is derived from this and
 * TRANSITIONS, never restated.
 */
export const STATUS_FACTS: Readonly<Record<SpecTaskStatus, StatusFacts>> = {
  backlog: fact('backlog', 'in the backlog'),
  queued_spec_generation: fact('queued', 'queued for planning'),
  spec_generation: fact('planning', 'being planned', { agentWorks: true }),
  spec_review: fact('spec_review', 'waiting for spec review', { waitsForPerson: true }),
  // Waits for a planning slot, like a queued task, but shown with planning: its agent resumes the same session.
  spec_revision: fact('planning', 'waiting to revise its spec'),
  // Passed through at once (the orchestrator enqueues an approved spec), so it reads as queued.
  spec_approved: fact('queued', 'approved'),
  queued_implementation: fact('queued', 'queued for implementation', { hasCodeWorktree: true }),
  implementation: fact('implementing', 'being implemented', { agentWorks: true, hasCodeWorktree: true }),
  implementation_review: fact('implementation_review', 'waiting for code review', {
    waitsForPerson: true,
    hasCodeWorktree: true,
  }),
  queued_integration: fact('integration', 'queued for integration', { hasCodeWorktree: true }),
  integrating: fact('integration', 'being integrated', { hasCodeWorktree: true }),
  done: fact('done', 'done'),
  spec_failed: fact('failed', 'failed in planning'),
  implementation_failed: fact('failed', 'failed in implementation', { hasCodeWorktree: true }),
  spec_stopped: fact('stopped', 'stopped by you while planning'),
  implementation_stopped: fact('stopped', 'stopped by you while implementing', { hasCodeWorktree: true }),
  archived: fact('archived', 'archived'),
};

/**
 * The one name of a SpecTask's stage on every surface (tree, card chip, CLI, notifications): its phase's name
 * (PHASE_LABELS), unless the transition that brought it to `status` starts a stage of its own ("Revising
 * spec"). `enteredBy` is the trigger of its last history entry.
 */
export function stageName(status: SpecTaskStatus, enteredBy?: string): string {
  const row = enteredBy && TRANSITIONS.find((r) => r.trigger === enteredBy && targetsOf(r).includes(status));
  return (row && row.stage) || PHASE_LABELS[STATUS_FACTS[status].group];
}

const targetsOf = (r: Row): SpecTaskStatus[] => r.from.map((f) => (typeof r.to === 'function' ? r.to(f) : r.to));

export function describeStatus(s: SpecTaskStatus): string {
  return STATUS_FACTS[s].words;
}

/** The group (phase) of a status; see STATUS_GROUPS. */
export function statusGroup(s: SpecTaskStatus): StatusGroup {
  return STATUS_FACTS[s].group;
}

const statusesWhere = (test: (s: SpecTaskStatus) => boolean): ReadonlySet<SpecTaskStatus> =>
  new Set(SPECTASK_STATUSES.filter(test));

/** Statuses from which `trigger` is legal, e.g. `statusesAllowing('retry')` = the failed ones. */
export function statusesAllowing(trigger: Trigger): ReadonlySet<SpecTaskStatus> {
  return statusesWhere((s) => TRANSITIONS.some((r) => r.trigger === trigger && r.from.includes(s)));
}

/** Statuses in which an agent runs: "N working", Stop, and the runs the orchestrator supervises. */
export const WORKING_STATUSES = statusesWhere((s) => STATUS_FACTS[s].agentWorks);

/** Statuses that wait for a person's review. */
export const WAITING_FOR_PERSON_STATUSES = statusesWhere((s) => STATUS_FACTS[s].waitsForPerson);

/** Statuses from which Retry applies (derived from the table: the failed and the stopped ones). */
export const RETRYABLE_STATUSES = statusesAllowing('retry');

/**
 * Statuses the orchestrator moves on by itself (a scheduler or orchestrator row leaves them): while any task
 * is in one, `spectask run` has work to do without a person.
 */
export const SELF_ADVANCING_STATUSES = statusesWhere((s) =>
  TRANSITIONS.some((r) => r.actor !== 'user' && r.from.includes(s)),
);
