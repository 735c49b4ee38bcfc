import type { BoardMove } from '../../protocol/fleet';
import { assertNever, type PermissionAnswer, type TaskAction } from '../../protocol/messages';
import type { CommandId } from '../commandIds';

/**
 * What the dashboard's card buttons ask of the rest of the extension. The fleet views only validate and
 * route; the orchestrator and the VS Code experience implement these. Each method gets the SpecTask id
 * from a validated `task/action` message and may reject; the host logs and shows the error.
 */
export interface FleetActions {
  /** Open the SpecTask's requirements, design and checklist. */
  openDocs(taskId: string): Promise<void>;
  /** Reveal the SpecTask's code worktree (e.g. in a new window or the explorer). */
  openWorktree(taskId: string): Promise<void>;
  /** Show the transcript of the agent's current or last run. */
  showTranscript(taskId: string): Promise<void>;
  /** Stop the running agent (soft interrupt, grace period, then kill). */
  stop(taskId: string): Promise<void>;
  /** Retry a failed SpecTask. */
  retry(taskId: string): Promise<void>;
  /** Open the review of what waits on a person: the spec to approve, or the code to accept. */
  review(taskId: string): Promise<void>;
  /** Answer a tool call the SpecTask's agent waits on ("waiting for you"); a stale request is no error. */
  answerPermission?(taskId: string, requestId: string, answer: PermissionAnswer): Promise<void>;
}

/** The one place that maps a `TaskAction` to its `FleetActions` method, exhaustively. */
export function runFleetAction(actions: FleetActions, action: TaskAction, taskId: string): Promise<void> {
  switch (action) {
    case 'openDocs':
      return actions.openDocs(taskId);
    case 'openWorktree':
      return actions.openWorktree(taskId);
    case 'showTranscript':
      return actions.showTranscript(taskId);
    case 'stop':
      return actions.stop(taskId);
    case 'retry':
      return actions.retry(taskId);
    case 'review':
      return actions.review(taskId);
    default:
      return assertNever(action);
  }
}

/**
 * The command of each Board move: the same intents the tree's menus and the palette run, each of which checks
 * the SpecTask's status again (the card may have moved since the webview drew it) and asks what it always asks
 * (Accept's confirmation, Archive's). Retry is the card's Retry button itself.
 */
export const BOARD_MOVE_COMMANDS = {
  start: 'spectask.task.startPlanning',
  approve: 'spectask.spec.approve',
  accept: 'spectask.task.accept',
  archive: 'spectask.task.archive',
} as const satisfies Readonly<Record<Exclude<BoardMove, 'retry'>, CommandId>>;

export type BoardMoveCommand = (typeof BOARD_MOVE_COMMANDS)[keyof typeof BOARD_MOVE_COMMANDS];

/** Performs a Board move through the card actions (Retry) or the task commands (the rest). */
export function runBoardMove(
  actions: FleetActions,
  run: (command: BoardMoveCommand, taskId: string) => Thenable<unknown>,
  move: BoardMove,
  taskId: string,
): Promise<void> {
  if (move === 'retry') return actions.retry(taskId);
  return Promise.resolve(run(BOARD_MOVE_COMMANDS[move], taskId)).then(() => undefined);
}
