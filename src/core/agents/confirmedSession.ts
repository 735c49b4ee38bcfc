import type { BackendId } from './agentBackend';
import type { AgentEvent } from './agentEvents';

/**
 * A CLI names its session when it starts, but keeps it on disk only once the conversation has begun: killed
 * before its first answer (SIGKILL, a crash), it leaves an id that `--resume` then refuses ("No previous sessions
 * found", claude's error_during_execution), and every restart and retry of the task fails the same way. So a new
 * session's id is announced (and recorded in the run ledger for the next `spectask run`) only with the CLI's first
 * answer; a resumed session exists already and is announced at once.
 */
export interface SessionConfirmation {
  sessionId?: string;
  /** A new session whose id is not announced yet. */
  sessionUnconfirmed?: boolean;
}

/** The id to put in the session event of the CLI's start: none while the session is not confirmed. */
export function startSessionId(s: SessionConfirmation): string | undefined {
  return s.sessionUnconfirmed ? undefined : s.sessionId;
}

/** On the CLI's first answer: the session event that announces the now confirmed id (once), else nothing. */
export function confirmSession(s: SessionConfirmation, runId: string, backend: BackendId): AgentEvent[] {
  if (!s.sessionUnconfirmed) return [];
  s.sessionUnconfirmed = false;
  return s.sessionId ? [{ t: 'session', runId, backend, sessionId: s.sessionId }] : [];
}
