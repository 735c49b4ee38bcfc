/**
 * The normalized event union every agent back-end maps its native stream onto
 * (agent-backends.md §6.1). Small on purpose: the dashboard, the transcripts and the orchestrator's
 * "is it done?" check all read this, never a back-end's own format. Every event keeps the native line in
 * `raw`, so nothing a newer CLI adds is lost.
 */

/** What a tool call does, independent of the back-end's tool names. */
export type ToolKind = 'read' | 'edit' | 'shell' | 'search' | 'fetch' | 'think' | 'other';

/** How a run ended. `denied`: the agent finished, but the permission policy refused at least one tool call. */
export type RunStatus = 'success' | 'error' | 'max_turns' | 'budget' | 'denied' | 'cancelled' | 'timeout' | 'crashed';

/**
 * Why a run failed in a way that running it again cannot fix: the login or key was refused (`auth`), the agent's
 * program is not installed (`missing-binary`), or the CLI reported an API error as final after its own retries
 * (`fatal-api`). The supervisor does not retry these; the message names the cause.
 */
export type ErrorKind = 'auth' | 'missing-binary' | 'fatal-api';

/** Token and cost counters; every field is optional because back-ends report different subsets. */
export interface UsageTotals {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  costUsd?: number;
}

export interface SessionEvent {
  t: 'session';
  runId: string;
  sessionId?: string;
  backend: string;
  model?: string;
  version?: string;
  raw?: unknown;
}
export interface TextEvent {
  t: 'text';
  runId: string;
  text: string;
  delta: boolean;
  subagent?: string;
  raw?: unknown;
}
export interface ThinkingEvent {
  t: 'thinking';
  runId: string;
  text: string;
  raw?: unknown;
}
export interface ToolCallEvent {
  t: 'tool_call';
  runId: string;
  callId: string;
  name: string;
  kind: ToolKind;
  input: unknown;
  command?: string;
  paths?: string[];
  raw?: unknown;
}
export interface ToolResultEvent {
  t: 'tool_result';
  runId: string;
  callId: string;
  ok: boolean;
  output?: string;
  exitCode?: number;
  raw?: unknown;
}
export interface FileChangeEvent {
  t: 'file_change';
  runId: string;
  path: string;
  change: 'add' | 'update' | 'delete';
  outsideWorktree?: boolean;
  raw?: unknown;
}
export interface PlanEvent {
  t: 'plan';
  runId: string;
  items: { text: string; done: boolean }[];
  raw?: unknown;
}
export interface PermissionEvent {
  t: 'permission';
  runId: string;
  callId?: string;
  tool: string;
  input: unknown;
  decision: 'pending' | 'allowed' | 'denied';
  reason?: string;
  raw?: unknown;
}
/** Cumulative usage for the run so far. */
export interface UsageEvent extends UsageTotals {
  t: 'usage';
  runId: string;
  /** Tokens in the agent's context right now, and its window (ACP `usage_update`). */
  contextTokens?: number;
  contextWindow?: number;
  raw?: unknown;
}
export interface NoticeEvent {
  t: 'notice';
  runId: string;
  level: 'info' | 'warn' | 'retry';
  message: string;
  raw?: unknown;
}
/** A message a person sent the running agent (issue 20); recorded when it was accepted, delivered at its next turn. */
export interface UserMessageEvent {
  t: 'user_message';
  runId: string;
  text: string;
  /** When it was sent (ms since the epoch). */
  at: number;
  raw?: unknown;
}
/** Always the last event of a run, exactly once (synthesized when the process dies without one). */
export interface ResultEvent {
  t: 'result';
  runId: string;
  status: RunStatus;
  text?: string;
  sessionId?: string;
  turns?: number;
  durationMs: number;
  usage?: UsageTotals;
  deniedTools?: string[];
  errorMessage?: string;
  /** Set when the failure is unrecoverable (see {@link ErrorKind}); absent for failures worth a retry. */
  errorKind?: ErrorKind;
  exitCode?: number | null;
  signal?: string | null;
  raw?: unknown;
}

export type AgentEvent =
  | SessionEvent
  | TextEvent
  | ThinkingEvent
  | ToolCallEvent
  | ToolResultEvent
  | FileChangeEvent
  | PlanEvent
  | PermissionEvent
  | UsageEvent
  | NoticeEvent
  | UserMessageEvent
  | ResultEvent;

/** Tool output kept in events is capped: transcripts must stay small even when a tool prints megabytes. */
export const MAX_EVENT_OUTPUT_CHARS = 4000;

/** Cuts long tool output, saying how much was cut. */
export function truncateOutput(text: string | undefined, max = MAX_EVENT_OUTPUT_CHARS): string | undefined {
  if (text === undefined || text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters]`;
}
