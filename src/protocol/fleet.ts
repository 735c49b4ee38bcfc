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
  /** The last error, e.g. why the task failed. */
  lastError?: string;
  /** Whether the SpecTask has a code worktree to open. */
  hasWorktree?: boolean;
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
