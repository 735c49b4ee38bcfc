import { assertNever, type PermissionAnswer, type TaskAction } from '../../protocol/messages';

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
