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
  'done',
  'spec_failed',
  'implementation_failed',
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
  | 'request_implementation_changes'
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
}

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
  },
  {
    from: ['spec_revision'],
    trigger: 'revision_resumed',
    to: 'spec_generation',
    actor: 'scheduler',
    label: 'Revision started',
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
  { from: ['implementation_review'], trigger: 'accept', to: 'done', actor: 'user', label: 'Accept and merge' },
  {
    from: ['implementation_review'],
    trigger: 'request_implementation_changes',
    to: 'implementation',
    actor: 'user',
    label: 'Request changes on implementation',
  },
  {
    from: ['spec_failed', 'implementation_failed'],
    trigger: 'retry',
    to: (from) => (from === 'spec_failed' ? 'queued_spec_generation' : 'queued_implementation'),
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

const STATUS_WORDS: Record<SpecTaskStatus, string> = {
  backlog: 'in the backlog',
  queued_spec_generation: 'queued for planning',
  spec_generation: 'being planned',
  spec_review: 'waiting for spec review',
  spec_revision: 'waiting to revise its spec',
  spec_approved: 'approved',
  queued_implementation: 'queued for implementation',
  implementation: 'being implemented',
  implementation_review: 'waiting for implementation review',
  done: 'done',
  spec_failed: 'failed in planning',
  implementation_failed: 'failed in implementation',
  archived: 'archived',
};

export function describeStatus(s: SpecTaskStatus): string {
  return STATUS_WORDS[s];
}

/** The coarse phase the tree view and dashboard group by. */
export type StatusGroup =
  'backlog' | 'planning' | 'spec_review' | 'implementing' | 'implementation_review' | 'done' | 'failed' | 'archived';

export function statusGroup(s: SpecTaskStatus): StatusGroup {
  switch (s) {
    case 'backlog':
      return 'backlog';
    case 'queued_spec_generation':
    case 'spec_generation':
    case 'spec_revision':
      return 'planning';
    case 'spec_review':
    case 'spec_approved':
      return 'spec_review';
    case 'queued_implementation':
    case 'implementation':
      return 'implementing';
    case 'implementation_review':
      return 'implementation_review';
    case 'done':
      return 'done';
    case 'spec_failed':
    case 'implementation_failed':
      return 'failed';
    case 'archived':
      return 'archived';
  }
}
