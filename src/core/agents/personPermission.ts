import type { ToolKind } from './agentEvents';

/** A tool call the permission level could not decide, as the person asked about it is shown it. */
export interface PersonPermissionRequest {
  /** The agent's title of the call, e.g. "Fetch https://example.com". */
  title: string;
  kind: ToolKind;
  /** The command line of a shell call, when the agent said it. */
  command?: string;
  /** The files the call names, relative to the worktree where they are inside it. */
  paths?: string[];
  /** One line about the change a diff would make, e.g. "src/a.ts +3 −1". */
  diff?: string;
}

/** What the person (or the timeout standing in for them) answered. */
export type PersonAnswer = { outcome: 'allow' } | { outcome: 'reject'; reason: string };

/**
 * Asks a person about one tool call and waits for the answer. The signal aborts when the run stops; the
 * promise then settles with a rejection of its own, which the caller ignores (the run answers `cancelled`).
 */
export type AskPerson = (req: PersonPermissionRequest, signal: AbortSignal) => Promise<PersonAnswer>;

/** A question a run waits on, as the views show it. */
export interface WaitingPermission extends PersonPermissionRequest {
  /** Names the question in the answer (unique within the orchestrator). */
  requestId: string;
  askedAt: number;
  /** When the timeout rejects it; absent without a timeout. */
  expiresAt?: number;
}

/** One line about a tool call the agent waits on: its title, then what it would run or change. */
export function describeWaitingPermission(w: Pick<WaitingPermission, 'title' | 'command' | 'paths' | 'diff'>): string {
  const detail = w.command && w.command !== w.title ? w.command : (w.diff ?? w.paths?.join(', '));
  return detail && detail !== w.title ? `${w.title}: ${detail}` : w.title;
}
