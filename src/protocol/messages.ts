import {
  isBoardColumn,
  isBoardMove,
  isPhase,
  type BoardMove,
  type FleetAgentCard,
  type FleetChecklistItem,
  type FleetPermissionRequest,
  type FleetSnapshot,
} from './fleet';
import type { FleetDelta } from './fleetDelta';

/** Bumped whenever a message shape changes; the host ignores a webview speaking another version. */
export const PROTOCOL_VERSION = 2;

/** What a card's buttons ask the host to do with a SpecTask. */
export const TASK_ACTIONS = ['openDocs', 'openWorktree', 'showTranscript', 'stop', 'retry', 'review'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
/** Button wording of each action. */
export const TASK_ACTION_LABELS: Readonly<Record<TaskAction, string>> = {
  openDocs: 'Open documents',
  openWorktree: 'Open worktree',
  showTranscript: 'Show transcript',
  stop: 'Stop',
  retry: 'Retry',
  review: 'Review',
};
export const isTaskAction = (v: unknown): v is TaskAction =>
  typeof v === 'string' && (TASK_ACTIONS as readonly string[]).includes(v);

/** How a person answers a tool call the agent waits on: once, always for this SpecTask, or not at all. */
export const PERMISSION_ANSWERS = ['allow_once', 'allow_always', 'reject'] as const;
export type PermissionAnswer = (typeof PERMISSION_ANSWERS)[number];
/** Button wording of each answer. */
export const PERMISSION_ANSWER_LABELS: Readonly<Record<PermissionAnswer, string>> = {
  allow_once: 'Allow once',
  allow_always: 'Allow always',
  reject: 'Reject',
};
export const isPermissionAnswer = (v: unknown): v is PermissionAnswer =>
  typeof v === 'string' && (PERMISSION_ANSWERS as readonly string[]).includes(v);

/** Commands the webview may run without arguments; anything else is refused by the parser. */
export const WEBVIEW_COMMANDS = ['spectask.tasks.refresh', 'spectask.fleet.open'] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

/** A complete snapshot; `rev` increases with every post from one host controller. */
export type FleetSnapshotMessage = { type: 'fleet/snapshot'; protocol: number; rev: number; snapshot: FleetSnapshot };
/**
 * The change from the snapshot of `baseRev` to that of `rev` (issue 24), sent only to a webview that said it takes
 * deltas (`webview/ready` with `deltas`). A webview that does not hold `baseRev` asks for a complete snapshot
 * (`webview/resync`) and drops deltas until it has one.
 */
export type FleetDeltaMessage = {
  type: 'fleet/delta';
  protocol: number;
  rev: number;
  baseRev: number;
  delta: FleetDelta;
};
/** Host → webview: a complete snapshot (on ready, when shown again, on resync) or, in between, a delta. */
export type HostToWebview = FleetSnapshotMessage | FleetDeltaMessage;

/** Webview → host. The host parses each with `parseWebviewMessage` before it acts. */
export type WebviewToHost =
  /** `deltas`: the page applies `fleet/delta` messages (absent: it gets complete snapshots only). */
  | { type: 'webview/ready'; protocol: number; deltas?: true }
  /** The page missed a delta's base (or could not apply one): it wants a complete snapshot. */
  | { type: 'webview/resync'; protocol: number }
  | { type: 'task/action'; taskId: string; action: TaskAction }
  | { type: 'link/open'; href: string }
  | { type: 'command/run'; command: WebviewCommand }
  /** A card moved on the Board (keyboard or drag): the host performs the transition or says why not. */
  | { type: 'task/move'; taskId: string; move: BoardMove }
  | { type: 'permission/answer'; taskId: string; requestId: string; answer: PermissionAnswer }
  /** "Message the agent…" on a card with a live run: the host asks for the text in an input box (issue 20). */
  | { type: 'agent/message'; taskId: string };

/** Longest task id and link the host accepts; real ones are far shorter, so longer ones are noise or abuse. */
export const MAX_TASK_ID_LENGTH = 200;
export const MAX_HREF_LENGTH = 2048;
export const MAX_REQUEST_ID_LENGTH = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const isShortString = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Host-side boundary check: anything from the webview is `unknown` until this passes. Rebuilds the
 * object instead of casting, so extra fields never leak through.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'webview/ready':
      if (!isNum(raw.protocol)) return undefined;
      return raw.deltas === true
        ? { type: 'webview/ready', protocol: raw.protocol, deltas: true }
        : { type: 'webview/ready', protocol: raw.protocol };
    case 'webview/resync':
      return isNum(raw.protocol) ? { type: 'webview/resync', protocol: raw.protocol } : undefined;
    case 'task/action':
      return isShortString(raw.taskId, MAX_TASK_ID_LENGTH) && isTaskAction(raw.action)
        ? { type: 'task/action', taskId: raw.taskId, action: raw.action }
        : undefined;
    case 'link/open':
      return isShortString(raw.href, MAX_HREF_LENGTH) ? { type: 'link/open', href: raw.href } : undefined;
    case 'task/move':
      return isShortString(raw.taskId, MAX_TASK_ID_LENGTH) && isBoardMove(raw.move)
        ? { type: 'task/move', taskId: raw.taskId, move: raw.move }
        : undefined;
    case 'command/run': {
      const command = WEBVIEW_COMMANDS.find((c) => c === raw.command);
      return command ? { type: 'command/run', command } : undefined;
    }
    case 'permission/answer':
      return isShortString(raw.taskId, MAX_TASK_ID_LENGTH) &&
        isShortString(raw.requestId, MAX_REQUEST_ID_LENGTH) &&
        isPermissionAnswer(raw.answer)
        ? { type: 'permission/answer', taskId: raw.taskId, requestId: raw.requestId, answer: raw.answer }
        : undefined;
    case 'agent/message':
      return isShortString(raw.taskId, MAX_TASK_ID_LENGTH) ? { type: 'agent/message', taskId: raw.taskId } : undefined;
    default:
      return undefined;
  }
}

/**
 * Webview-side check of a host message. The host is trusted, but `message` events can come from any
 * frame, so the webview acts only on something shaped like a snapshot of its own protocol version.
 */
export function parseHostMessage(raw: unknown): HostToWebview | undefined {
  if (!isRecord(raw) || raw.protocol !== PROTOCOL_VERSION || !isNum(raw.rev)) return undefined;
  if (raw.type === 'fleet/delta')
    return isNum(raw.baseRev) && isFleetDelta(raw.delta) ? (raw as HostToWebview) : undefined;
  if (raw.type !== 'fleet/snapshot') return undefined;
  const s = raw.snapshot;
  if (!isRecord(s) || !isNum(s.generatedAt) || !Array.isArray(s.cards) || !isCounts(s.counts)) return undefined;
  if (!s.cards.every(isFleetCard)) return undefined;
  if (s.backendLabels !== undefined && !isLabels(s.backendLabels)) return undefined;
  return raw as HostToWebview; // every field checked above
}

/** A delta is checked as a snapshot is: only its cards, so a tick costs the page one card's check, not a fleet's. */
function isFleetDelta(d: unknown): d is FleetDelta {
  return (
    isRecord(d) &&
    isNum(d.generatedAt) &&
    isCounts(d.counts) &&
    Array.isArray(d.cards) &&
    d.cards.every(isFleetCard) &&
    Array.isArray(d.removed) &&
    d.removed.every(isString) &&
    (d.order === undefined || (Array.isArray(d.order) && d.order.every(isString))) &&
    (d.backendLabels === undefined || d.backendLabels === null || isLabels(d.backendLabels))
  );
}

const isCounts = (c: unknown): boolean => isRecord(c) && Object.values(c).every(isNumber);
const isLabels = (l: unknown): boolean => isRecord(l) && Object.values(l).every(isString);

// Any number, NaN included: a card with an odd figure still renders, where a refused snapshot would freeze every card.
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptionalNum = (v: unknown): v is number | undefined => v === undefined || isNumber(v);
const ITEM_STATES: readonly unknown[] = ['todo', 'doing', 'done'] satisfies FleetChecklistItem['state'][];

function isChecklistItem(i: unknown): i is FleetChecklistItem {
  return isRecord(i) && isNumber(i.index) && typeof i.text === 'string' && ITEM_STATES.includes(i.state);
}

/** Every field of a card has the type the cards render it as: text stays text, a number stays a number. */
function isFleetCard(c: unknown): c is FleetAgentCard {
  return (
    isRecord(c) &&
    typeof c.taskId === 'string' &&
    typeof c.number === 'string' &&
    typeof c.title === 'string' &&
    isPhase(c.phase) &&
    isRecord(c.progress) &&
    isNumber(c.progress.done) &&
    isNumber(c.progress.total) &&
    Array.isArray(c.window) &&
    c.window.every(isChecklistItem) &&
    [
      c.backend,
      c.agentId,
      c.lastActivity,
      c.restartReason,
      c.queueReason,
      c.lastError,
      c.integrationReason,
      c.filePrediction,
      c.pullRequest,
    ].every(isOptionalString) &&
    [c.currentIndex, c.startedAt, c.updatedAt, c.tokens, c.costUsd, c.queuePosition].every(isOptionalNum) &&
    (c.hasWorktree === undefined || typeof c.hasWorktree === 'boolean') &&
    (c.runLive === undefined || typeof c.runLive === 'boolean') &&
    isOptionalNum(c.endedAt) &&
    [c.landedCommit, c.pullRequestUrl].every(isOptionalString) &&
    (c.column === undefined || isBoardColumn(c.column)) &&
    (c.moves === undefined || (Array.isArray(c.moves) && c.moves.every(isMoveOption))) &&
    (c.permissionRequest === undefined || isPermissionRequest(c.permissionRequest)) &&
    (c.worker === undefined || (isRecord(c.worker) && isString(c.worker.name) && isOptionalString(c.worker.startedAt)))
  );
}

function isPermissionRequest(p: unknown): p is FleetPermissionRequest {
  return (
    isRecord(p) &&
    typeof p.requestId === 'string' &&
    typeof p.title === 'string' &&
    [p.kind, p.command, p.diff].every(isOptionalString) &&
    (p.paths === undefined || (Array.isArray(p.paths) && p.paths.every(isString))) &&
    [p.expiresAt, p.more].every(isOptionalNum)
  );
}

const isMoveOption = (m: unknown): boolean =>
  isRecord(m) && isBoardMove(m.move) && (m.to === 'archived' || isBoardColumn(m.to));

/** Compile-time exhaustiveness for `switch` over a union; throws if reached at run time. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}
