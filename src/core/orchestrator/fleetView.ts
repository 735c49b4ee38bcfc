import type { AgentInfo } from '../agents/agentPool';
import type { ToolCallEvent, UsageTotals } from '../agents/agentEvents';
import type { WaitingPermission } from '../agents/personPermission';
import { focusWindow } from '../checklist/checklistFocus';
import type { ChecklistItem, ItemState } from '../checklist/checklistTypes';
import { stageName, statusGroup, WORKING_STATUSES, type SpecTaskStatus, type StatusGroup } from './statusMachine';
import {
  countByPhase,
  PHASE_LABELS,
  type FleetAgentCard,
  type FleetChecklistItem,
  type FleetPermissionRequest,
  type FleetSnapshot,
  type Phase,
} from '../../protocol/fleet';
import { displayPath } from './displayPath';
import type { SpecTaskRecord } from '../docs/specTaskSchema';
import { integrationReasonOf, pullRequestOf } from './integration/integrationReason';
import { boardColumnOf, boardMovesOf, isRunLive, landingOf, runFactsOf } from './fleetCardFacts';

// The one place where core's vocabulary becomes the dashboard's (src/protocol imports nothing from core).

/**
 * The dashboard phase of a status group. The status table's groups are the dashboard's phases name for name:
 * this compiles only while every group is a phase, and a unit test checks the converse.
 */
export const phaseOfGroup = (group: StatusGroup): Phase => group;

/** The dashboard phase of a SpecTask status, from the status table. */
export const fleetPhaseOf = (status: SpecTaskStatus): Phase => phaseOfGroup(statusGroup(status));

/**
 * The error a SpecTask shows (card, tree): a failed task's reason; while its agent works, only that run's error.
 * Anywhere else (queued again after Retry, stopped by you, in review) an old reason would tell an untruth.
 */
export function shownError(status: SpecTaskStatus, recordError?: string, agentError?: string): string | undefined {
  if (statusGroup(status) === 'failed') return recordError ?? agentError;
  return WORKING_STATUSES.has(status) ? agentError : undefined;
}

/** What a card shows of a checklist: the window around the current item and the progress. */
export interface CardWindow {
  /** The current item with up to `context` items before and after it, in document order. */
  items: FleetChecklistItem[];
  /** Checklist index of the current item; undefined when the checklist is empty or every item is done. */
  currentIndex: number | undefined;
  progress: { done: number; total: number };
}

/** A card's item window, by the one window rule (focusWindow); entries are a checklist's items in order. */
export function cardWindow(items: readonly { text: string; state: ItemState }[], context: number): CardWindow {
  const { current, from, to } = focusWindow(items, context);
  const done = items.reduce((k, it) => k + (it.state === 'done' ? 1 : 0), 0);
  const window: FleetChecklistItem[] = [];
  for (let i = from; i < to; i++) window.push({ index: i, text: items[i].text, state: items[i].state });
  return { items: window, currentIndex: current, progress: { done, total: items.length } };
}

/** What the fleet view needs about one SpecTask; the orchestrator keeps these up to date. */
export interface TaskView {
  id: string;
  number: string;
  title: string;
  status: SpecTaskStatus;
  backend?: string;
  items: readonly ChecklistItem[];
  error?: string;
  hasWorktree: boolean;
  updatedAt: number;
}

export interface RunView {
  startedAt: number;
  /** Why this run is not the task's first (resumed, nudged, retried, …); see restartReason.ts. */
  restartReason?: string;
  lastActivity?: string;
  lastActivityAt?: number;
  /** Tool calls the run waits on a person for ("waiting for you"), oldest first; absent when none. */
  waiting?: readonly WaitingPermission[];
  /** The live run's usage so far, from its agent's running `usage` events (absent once it ended). */
  usage?: UsageTotals;
}

/** Longest activity line; the card clamps it to two lines anyway, and the tooltip shows the same text. */
const MAX_ACTIVITY = 160;

/**
 * "Edit src/auth.ts", "Run npm test": one line about a tool call, for the card's activity line. A path is shown
 * relative to the run's folders (`dirs`, its working directory first; see displayPath), and when the line is
 * still too long it loses the middle of the path, keeping the file name. Control characters and bidirectional
 * overrides become spaces so that a multi-line command or a hostile path stays one line, in its own order.
 */
export function describeToolCall(e: ToolCallEvent, dirs: readonly string[] = []): string {
  // Control characters would break the line; bidirectional overrides and isolates (U+202A–202E, U+2066–2069)
  // would let a name display in another order than it is written ("invoice<U+202E>txt.exe" reads "invoiceexe.txt").
  const oneLine = (s: string) => s.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu, ' ');
  const file = e.paths?.[0];
  const target = oneLine(file ? displayPath(file, dirs) : (e.command ?? ''));
  const verb = oneLine(
    { edit: 'Edit', read: 'Read', shell: 'Run', search: 'Search', fetch: 'Fetch', think: 'Think', other: e.name }[
      e.kind
    ] ?? e.name,
  );
  const line = target ? `${verb} ${target}` : verb;
  if (line.length <= MAX_ACTIVITY) return line;
  const keep = MAX_ACTIVITY - verb.length - 2; // the space and the ellipsis
  // A command reads best from its start; a path from its end, where the file name is.
  if (!file || keep < MAX_ACTIVITY / 2) return `${line.slice(0, MAX_ACTIVITY - 1)}…`;
  const head = Math.floor(keep / 3);
  return `${verb} ${target.slice(0, head)}…${target.slice(target.length - (keep - head))}`;
}

/**
 * The item window of each checklist reading. A reading's items array is replaced, never changed, when the
 * checklist changes, so the window of the 199 checklists that did not tick is not built again on every
 * snapshot (200 × 30 items, up to 30 snapshots a second).
 */
const windows = new WeakMap<readonly ChecklistItem[], { contextItems: number; window: CardWindow }>();
function itemWindowOf(items: readonly ChecklistItem[], contextItems: number): CardWindow {
  const hit = windows.get(items);
  if (hit && hit.contextItems === contextItems) return hit.window;
  const window = cardWindow(items, contextItems);
  windows.set(items, { contextItems, window });
  return window;
}

/**
 * Builds the complete dashboard snapshot from the orchestrator's state. Pure and cheap: one pass over the
 * tasks; archived SpecTasks are counted but get no card.
 */
export function buildFleetSnapshot(input: {
  tasks: Iterable<TaskView & { record?: Pick<SpecTaskRecord, 'history'> }>;
  agents: ReadonlyMap<string, AgentInfo>;
  runs: ReadonlyMap<string, RunView>;
  queueReasons: ReadonlyMap<string, string>;
  /** The integration queue in order (task ids). */
  integrationQueue?: readonly string[];
  /** Tasks an agent works on now (the store's `working`); without it, each agent's status says. */
  working?: ReadonlySet<string>;
  /** Per task, its files as predicted against as changed (overlap/predictionChecks.ts). */
  filePredictions?: ReadonlyMap<string, string>;
  contextItems: number;
  now: number;
}): FleetSnapshot {
  const all: FleetAgentCard[] = [];
  const place = new Map((input.integrationQueue ?? []).map((id, i) => [id, i + 1]));
  for (const t of input.tasks) {
    const agent = input.agents.get(t.id);
    const run = input.runs.get(t.id);
    const w = itemWindowOf(t.items, input.contextItems);
    const runFacts = runFactsOf(run, agent, isRunLive(t.id, agent, input.working));
    const phase = fleetPhaseOf(t.status);
    const stage = stageName(t.status, t.record?.history.at(-1)?.trigger);
    all.push({
      taskId: t.id,
      number: t.number,
      title: t.title,
      phase,
      stage: stage === PHASE_LABELS[phase] ? undefined : stage,
      backend: agent?.backend ?? t.backend,
      agentId: agent?.sessionId ? agent.sessionId.slice(0, 8) : agent?.agentId,
      progress: w.progress,
      window: w.items,
      currentIndex: w.currentIndex,
      ...runFacts,
      restartReason: run?.restartReason,
      updatedAt: Math.max(t.updatedAt, run?.lastActivityAt ?? 0),
      queueReason: input.queueReasons.get(t.id),
      queuePosition: place.get(t.id),
      integrationReason: t.status === 'done' ? undefined : integrationReasonOf(t.record),
      filePrediction: input.filePredictions?.get(t.id),
      pullRequest: pullRequestOf(t.record),
      lastError: shownError(t.status, t.error, agent?.lastError),
      hasWorktree: t.hasWorktree,
      ...(t.status === 'done' ? landingOf(t.record) : {}),
      column: boardColumnOf(t.status),
      moves: boardMovesOf(t.status),
      permissionRequest: permissionRequestOf(run?.waiting),
    });
  }
  const counts = countByPhase(all);
  return { generatedAt: input.now, cards: all.filter((c) => c.phase !== 'archived'), counts };
}

/** The question a card shows: the oldest one the run waits on, with how many more wait behind it. */
export function permissionRequestOf(
  waiting: readonly WaitingPermission[] | undefined,
): FleetPermissionRequest | undefined {
  const w = waiting?.[0];
  if (!w) return undefined;
  return {
    requestId: w.requestId,
    title: w.title,
    kind: w.kind,
    command: w.command,
    paths: w.paths,
    diff: w.diff,
    expiresAt: w.expiresAt,
    more: waiting.length > 1 ? waiting.length - 1 : undefined,
  };
}
