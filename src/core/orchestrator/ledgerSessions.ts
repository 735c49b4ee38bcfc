import type { BackendId } from '../agents/agentBackend';
import type { AgentPool } from '../agents/agentPool';
import { isSafeSessionId } from '../agents/sessionId';
import type { RunLedger } from './ledger';

/**
 * The session the task's latest run on `backend` reported, from the machine-local run ledger
 * (`<git-dir>/spectask/ledger.jsonl`). Never from spectask.json: that lives on the shared branch, and a
 * teammate's value would reach the agent's argv. `undefined` when none was recorded or the latest is not a
 * valid session id (a fresh session is then safer than an older one the agent has moved on from).
 */
export async function lastLedgerSession(
  ledger: RunLedger,
  taskId: string,
  backend: BackendId,
): Promise<string | undefined> {
  const runs = await ledger.runs();
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.taskId === taskId && r.backend === backend && r.sessionId)
      return isSafeSessionId(r.sessionId) ? r.sessionId : undefined;
  }
  return undefined;
}

/**
 * Before a phase starts: when this process's pool knows no session of the task on `backend` (a new
 * `spectask run`, another window, a restart after the last run ended), it is seeded with the one the ledger
 * recorded, so revision, implementation and review changes continue the conversation that saw the goal
 * instead of starting one that never did.
 */
export async function adoptLedgerSession(
  pool: AgentPool,
  ledger: RunLedger,
  taskId: string,
  backend: BackendId,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<void> {
  const known = pool.agent(taskId);
  if (known?.backend === backend && known.sessionId) return;
  const sessionId = await lastLedgerSession(ledger, taskId, backend).catch((e) => {
    log('warn', `could not read the run ledger for the session of ${taskId}: ${(e as Error).message}`);
    return undefined;
  });
  if (sessionId && pool.adoptSession(taskId, backend, sessionId))
    log('info', `SpecTask ${taskId}: resuming its agent's session ${sessionId} from the run ledger`);
}
