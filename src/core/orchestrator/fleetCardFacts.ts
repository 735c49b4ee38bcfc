import type { UsageTotals } from '../agents/agentEvents';
import type { AgentInfo } from '../agents/agentPool';
import type { SpecTaskRecord } from '../docs/specTaskSchema';
import {
  BOARD_COLUMNS,
  type BoardColumn,
  type BoardMove,
  type BoardMoveOption,
  type FleetAgentCard,
} from '../../protocol/fleet';
import { allowedTriggers, statusGroup, transition, type SpecTaskStatus, type Trigger } from './statusMachine';

// The facts of a card that are about time, runs and the Board: kept beside fleetView (the one core → protocol
// mapper) so that file stays a list of fields.

/** What the card needs of the store's run view (fleetView's RunView). */
interface RunTimes {
  startedAt: number;
  usage?: UsageTotals;
  lastActivity?: string;
  lastActivityAt?: number;
}

const isColumn = (v: string): v is BoardColumn => (BOARD_COLUMNS as readonly string[]).includes(v);

/**
 * The Board column of a status, from the status table: its group when that is a column; a queued or failed
 * status sits in the column of the step it waits for (follow its first transition that is not an archive,
 * e.g. queued_implementation → implementation → Implementing; spec_failed → retry → … → Planning).
 * Undefined for an archived SpecTask (no card).
 */
export function boardColumnOf(status: SpecTaskStatus, depth = 0): BoardColumn | undefined {
  const group = statusGroup(status);
  if (isColumn(group)) return group;
  if (group === 'archived' || depth > 4) return undefined;
  const next = allowedTriggers(status).find((t) => t !== 'archive');
  const r = next && transition(status, next);
  return r && r.ok ? boardColumnOf(r.to, depth + 1) : undefined;
}

/** The person's transitions the Board performs when a card is moved; every other move is refused. */
const MOVE_OF_TRIGGER: Partial<Readonly<Record<Trigger, BoardMove>>> = {
  start_planning: 'start',
  approve: 'approve',
  accept: 'accept',
  retry: 'retry',
  archive: 'archive',
};

/** The Board moves legal from a status (the table's rows, in table order) and where each lands the card. */
export function boardMovesOf(status: SpecTaskStatus): BoardMoveOption[] {
  const moves: BoardMoveOption[] = [];
  for (const trigger of allowedTriggers(status)) {
    const move = MOVE_OF_TRIGGER[trigger];
    const r = move && transition(status, trigger);
    if (move && r && r.ok) moves.push({ move, to: boardColumnOf(r.to) ?? 'archived' });
  }
  return moves;
}

/** Where a Done SpecTask landed, read from the note the integrator wrote with `integration_succeeded`. */
export function landingOf(
  record: Pick<SpecTaskRecord, 'history'> | undefined,
): Pick<FleetAgentCard, 'landedCommit' | 'pullRequestUrl'> {
  const history = record?.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.trigger !== 'integration_succeeded') continue;
    const note = h.note ?? '';
    // "pull request https://… opened (tests …)" (integrateOne.ts), "merged into main at 0123456789ab (…)",
    // "already in main at …".
    const pr = /^pull request (https:\/\/\S+)(?:\s|$)/.exec(note);
    if (pr) return { pullRequestUrl: pr[1] };
    const sha = /\bat ([0-9a-f]{7,40})\b/.exec(note);
    return sha ? { landedCommit: sha[1].slice(0, 7) } : {};
  }
  return {};
}

/**
 * What a card says of its agent's run. A live run: when it started, what it did since it started (a new run never
 * shows the one before's last activity), and the usage so far, the live run's included. A run that ended: how
 * long it took, and no activity line; its clock stands still.
 */
export function runFactsOf(
  run: RunTimes | undefined,
  agent: AgentInfo | undefined,
  live: boolean,
): Pick<FleetAgentCard, 'runLive' | 'startedAt' | 'endedAt' | 'lastActivity' | 'tokens' | 'costUsd'> {
  const last = agent?.history.at(-1);
  // The store's running usage of the live run, until the pool's record of it ends (its result then counts in the
  // agent's totals; counting both would count it twice).
  const ongoing = live && last && last.endedAt === undefined ? (run?.usage ?? last.usage) : undefined;
  const sum = (k: 'inputTokens' | 'outputTokens' | 'costUsd') =>
    agent ? (agent.usage[k] ?? 0) + (ongoing?.[k] ?? 0) : 0;
  const tokens = sum('inputTokens') + sum('outputTokens');
  const cost = agent?.usage.costUsd !== undefined || ongoing?.costUsd !== undefined ? sum('costUsd') : undefined;
  const usage = { tokens: tokens || undefined, costUsd: cost };
  if (!run) return { runLive: live, ...usage };
  // Only what this run did: the store keeps the run before's last activity until the new run does something.
  const fresh = run.lastActivityAt !== undefined && run.lastActivityAt >= run.startedAt;
  const lastActivity = fresh ? run.lastActivity : undefined;
  if (live) return { runLive: true, startedAt: run.startedAt, lastActivity, ...usage };
  // The pool's record of the run (started at or after the supervisor's) says when it ended. The last activity
  // stays in the snapshot (`spectask fleet` prints it); the card shows no activity line without a live run.
  const endedAt = last && last.startedAt >= run.startedAt ? last.endedAt : undefined;
  return endedAt === undefined
    ? { runLive: false, lastActivity, ...usage }
    : { runLive: false, startedAt: run.startedAt, endedAt, lastActivity, ...usage };
}

/** Whether a task's agent runs now: the store's working set when given, else what its agent says. */
export function isRunLive(taskId: string, agent: AgentInfo | undefined, working?: ReadonlySet<string>): boolean {
  if (working) return working.has(taskId);
  return agent?.status === 'working' || agent?.status === 'transitioning';
}
