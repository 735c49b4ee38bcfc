/**
 * The fleet view-model: the complete picture the dashboard renders. Built in the host from the store,
 * sent whole (never as a delta) with a monotonically increasing revision (DESIGN.md §7, §8).
 */

/**
 * The coarse phase of a SpecTask. Several statuses of the status machine share one phase; the host maps them
 * (fleetView.ts, from the status table). The order here is the order of the phase counts in the header.
 */
export const PHASES = [
  'queued',
  'planning',
  'spec_review',
  'implementing',
  'implementation_review',
  'integration',
  'stopped',
  'failed',
  'done',
  'backlog',
  'archived',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The one name of each phase, on every surface: the dashboard's chip, counts and filter, the SpecTasks tree's
 * groups and `spectask fleet`. Here rather than in core because the webview reads nothing else.
 */
export const PHASE_LABELS: Readonly<Record<Phase, string>> = {
  queued: 'Queued',
  planning: 'Planning',
  spec_review: 'Spec review',
  implementing: 'Implementing',
  implementation_review: 'Code review',
  integration: 'Integration',
  // Stopped is not failed (issue 22): the user chose it; nothing is wrong and Retry resumes the agent.
  stopped: 'Stopped by you',
  failed: 'Failed',
  done: 'Done',
  backlog: 'Backlog',
  archived: 'Archived',
};

export const isPhase = (v: unknown): v is Phase => typeof v === 'string' && (PHASES as readonly string[]).includes(v);

/**
 * Phases in which an agent runs; their cards make up "N agents working". A unit test checks this against the
 * status table (a phase is working when one of its statuses has an agent working in it).
 */
export const isWorkingPhase = (p: Phase): boolean => p === 'planning' || p === 'implementing';

/** A checklist item's marker: `[ ]` todo, `[~]` doing, `[x]` done. */
export type ItemState = 'todo' | 'doing' | 'done';

/** One checklist item as the dashboard shows it. */
export interface FleetChecklistItem {
  /** Zero-based position in the whole checklist; stable while the checklist does not change shape. */
  index: number;
  /** The item's text after the marker, as written (inline markdown; rendered as text, never as HTML). */
  text: string;
  state: ItemState;
}

/** One SpecTask with its agent, as one dashboard card. Times are epoch milliseconds. */
export interface FleetAgentCard {
  /** Stable id of the SpecTask (the key of the card and the target of its actions). */
  taskId: string;
  /** The six-digit SpecTask number, e.g. "000042". */
  number: string;
  title: string;
  phase: Phase;
  /**
   * The stage's name where it is more precise than the phase's (PHASE_LABELS), e.g. "Revising spec" for a
   * planning card whose agent revises the spec; absent otherwise. The chip shows it instead of the phase name.
   */
  stage?: string;
  /** Agent back-end id, e.g. "claude-cli", "codex", "gemini" (the host's back-end ids, shown as given). */
  backend?: string;
  /** Short id of the agent session. */
  agentId?: string;
  progress: { done: number; total: number };
  /** The current item with up to `contextItems` before and after it, in document order (fleetView.ts, cardWindow). */
  window: FleetChecklistItem[];
  /** Checklist index of the current item; absent when the checklist is empty or all done. */
  currentIndex?: number;
  /** What the agent did last, e.g. "Edit src/auth.ts". */
  lastActivity?: string;
  /** When the agent's current run started. */
  startedAt?: number;
  /**
   * Why the current run is not the task's first, e.g. "resumed after the editor or orchestrator restarted",
   * "nudged (1 of 2): 3 items left", "retry 1 of 1 after the agent exited with code 1". Absent for a first run
   * and once the run ended.
   */
  restartReason?: string;
  /** When anything about this card last changed (a tick, an activity, a status). */
  updatedAt?: number;
  /** Tokens used so far, when the back-end reports them. */
  tokens?: number;
  /** Cost so far in US dollars, when known. */
  costUsd?: number;
  /** Why a queued task is waiting, e.g. "waiting for 000041" or "implementation slots full (5/5)". */
  queueReason?: string;
  /** Place in the integration queue (1 = next), while the SpecTask waits there. */
  queuePosition?: number;
  /**
   * Why its last integration did not reach the base, e.g. "conflicts with #000002 in src/app.js" or "tests
   * failed: 2 failing"; kept while its agent works on it again, gone once it is merged.
   */
  integrationReason?: string;
  /**
   * After an implementation run: the files design.md's `## Files` predicted against those the branch changed,
   * e.g. "files predicted 2, changed 3; not predicted: src/util.js" (issue 21). Absent without a prediction.
   */
  filePrediction?: string;
  /** The pull request the queue opened or updated, with the checks gh reported, e.g. "pull request https://… opened (…; checks: 2 passing)". */
  pullRequest?: string;
  /** The last error, e.g. why the task failed. */
  lastError?: string;
  /** Whether the SpecTask has a code worktree to open. */
  hasWorktree?: boolean;
  /**
   * Whether an agent run is live now. Without one the card shows no current item and no activity line, and its
   * clock stands still (see `endedAt`): nothing is in progress.
   */
  runLive?: boolean;
  /** When the run of `startedAt` ended ("took 1m 03s"); absent while it is live or when unknown. */
  endedAt?: number;
  /** Where a Done SpecTask landed: the short sha of the commit its base branch was fast-forwarded to. */
  landedCommit?: string;
  /** Where a Done SpecTask landed when the merge strategy opens a pull request: its https URL. */
  pullRequestUrl?: string;
  /** The Board layout's column (from its status; absent for an archived SpecTask). */
  column?: BoardColumn;
  /** The moves a person may make with the card on the Board, from the status table; none while empty. */
  moves?: BoardMoveOption[];
  /** A tool call the agent waits on you to allow or reject ("waiting for you"); absent when it waits on no one. */
  permissionRequest?: FleetPermissionRequest;
  /** The worker that holds this SpecTask through the git remote (issue 23); absent when it runs here or nowhere. */
  worker?: FleetWorker;
}

/** A worker holding a SpecTask on the remote, from its claim record (untrusted text, rendered as text). */
export interface FleetWorker {
  /** "host:pid". */
  name: string;
  /** The worker's start, ISO time on its own clock. */
  startedAt?: string;
}

/** The Board layout's columns, left to right. Queued and failed SpecTasks sit in the column of their step. */
export const BOARD_COLUMNS = [
  'backlog',
  'planning',
  'spec_review',
  'implementing',
  'implementation_review',
  'integration',
  'done',
] as const;
export type BoardColumn = (typeof BOARD_COLUMNS)[number];
export const BOARD_COLUMN_LABELS: Readonly<Record<BoardColumn, string>> = {
  backlog: 'Backlog',
  planning: 'Planning',
  spec_review: 'Spec review',
  implementing: 'Implementing',
  implementation_review: 'Code review',
  integration: 'Integrating',
  done: 'Done',
};
export const isBoardColumn = (v: unknown): v is BoardColumn =>
  typeof v === 'string' && (BOARD_COLUMNS as readonly string[]).includes(v);

/** What moving a card on the Board may do: the person's transitions of the status table the Board offers. */
export const BOARD_MOVES = ['start', 'approve', 'accept', 'retry', 'archive'] as const;
export type BoardMove = (typeof BOARD_MOVES)[number];
export const BOARD_MOVE_LABELS: Readonly<Record<BoardMove, string>> = {
  start: 'Start planning',
  approve: 'Approve spec',
  accept: 'Accept and merge',
  retry: 'Retry',
  archive: 'Archive',
};
export const isBoardMove = (v: unknown): v is BoardMove =>
  typeof v === 'string' && (BOARD_MOVES as readonly string[]).includes(v);

/** One legal move: the transition, and the column the card lands in (`archived`: it leaves the Board). */
export interface BoardMoveOption {
  move: BoardMove;
  to: BoardColumn | 'archived';
}

/** A tool call the permission level could not decide, shown on the card with Allow once / Allow always / Reject. */
export interface FleetPermissionRequest {
  /** Names the question in the answer (`permission/answer`). */
  requestId: string;
  /** The agent's title of the call (untrusted text, rendered as text). */
  title: string;
  /** read, edit, shell, search, fetch, think, other. */
  kind?: string;
  /** The command line of a shell call. */
  command?: string;
  /** The files the call names. */
  paths?: string[];
  /** One line about the change, e.g. "src/a.ts +3 −1". */
  diff?: string;
  /** When the request is rejected unanswered (epoch ms). */
  expiresAt?: number;
  /** How many more requests wait behind this one. */
  more?: number;
}

/** Number of SpecTasks in each phase, including those without a card. */
export type PhaseCounts = Readonly<Record<Phase, number>>;

/** Everything one dashboard render needs. */
export interface FleetSnapshot {
  /** When the host built this snapshot. */
  generatedAt: number;
  cards: FleetAgentCard[];
  counts: PhaseCounts;
  /** The user-facing label of each back-end id (the host's back-end registry), for the dashboard's filter. */
  backendLabels?: Readonly<Record<string, string>>;
}

/** Zero for every phase. */
export const zeroCounts = (): Record<Phase, number> =>
  Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;

/** Counts the cards per phase (for sources whose cards are all their SpecTasks). */
export function countByPhase(cards: readonly Pick<FleetAgentCard, 'phase'>[]): PhaseCounts {
  const counts = zeroCounts();
  for (const c of cards) counts[c.phase]++;
  return counts;
}

export const emptyFleetSnapshot = (): FleetSnapshot => ({ generatedAt: 0, cards: [], counts: zeroCounts() });
