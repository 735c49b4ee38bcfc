import type { BackendId } from '../agents/agentBackend';
import type { AgentPool } from '../agents/agentPool';
import type { AcpConfig } from '../agents/acp/acpAgents';
import { resolveAcpAgent } from '../agents/acp/acpBackend';
import { isSafeSessionId } from '../agents/sessionId';
import type { LedgerAgent, LedgerRun, RunLedger } from './ledger';
import type { OrchestratorSettings } from './settings';

/** The latest run of the task on `backend` that reported a session, from the ledger. */
async function lastRunWithSession(
  ledger: RunLedger,
  taskId: string,
  backend: BackendId,
): Promise<LedgerRun | undefined> {
  const runs = await ledger.runs();
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.taskId === taskId && r.backend === backend && r.sessionId) return r;
  }
  return undefined;
}

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
  const sessionId = (await lastRunWithSession(ledger, taskId, backend))?.sessionId;
  return sessionId && isSafeSessionId(sessionId) ? sessionId : undefined;
}

/**
 * The identity the ledger records for the agent an ACP configuration names (`OrchestratorSettings.acpAgent`):
 * its name and its argv. `undefined` when it names none or names one that does not exist.
 */
export function acpAgentIdentity(cfg: AcpConfig | undefined): LedgerAgent | undefined {
  try {
    const spec = resolveAcpAgent(cfg);
    return spec && { name: spec.name, argv: [spec.command, ...spec.args] };
  } catch {
    return undefined;
  }
}

/** The agent a run on `backend` starts now, as the ledger records it: the ACP agent for `acp`, else none. */
export function runAgentOf(backend: BackendId, settings: OrchestratorSettings): LedgerAgent | undefined {
  const a = backend === 'acp' ? settings.acpAgent : undefined;
  return a && { name: a.name, argv: [...a.argv] };
}

const describeAgent = (a: LedgerAgent) => `'${a.name}' (${JSON.stringify(a.argv)})`;

/**
 * Why a session a run of `recorded` reported must not be resumed by `current`, or undefined when it may: one
 * ACP back-end drives many agents, and a session id means nothing to another agent (at best it fails, at worst
 * it names one of that agent's own sessions). Nothing to compare (a ledger line written before agents were
 * recorded, a back-end with one agent) lets it resume as before.
 */
export function agentMismatch(recorded: LedgerAgent | undefined, current: LedgerAgent | undefined): string | undefined {
  if (!recorded || !current) return undefined;
  const same =
    recorded.name === current.name &&
    recorded.argv.length === current.argv.length &&
    recorded.argv.every((arg, i) => arg === current.argv[i]);
  return same
    ? undefined
    : `its session is with the ACP agent ${describeAgent(recorded)}, not ${describeAgent(current)}`;
}

/**
 * Before a phase starts: when this process's pool knows no session of the task on `backend` (a new
 * `spectask run`, another window, a restart after the last run ended), it is seeded with the one the ledger
 * recorded, so revision, implementation and review changes continue the conversation that saw the goal
 * instead of starting one that never did — unless that session is another agent's (`agent`: the one this run
 * starts): then the run starts a fresh session, and the log says why.
 */
export async function adoptLedgerSession(
  pool: AgentPool,
  ledger: RunLedger,
  taskId: string,
  backend: BackendId,
  log: (level: 'info' | 'warn', message: string) => void,
  agent?: LedgerAgent,
): Promise<void> {
  const known = pool.agent(taskId);
  if (known?.backend === backend && known.sessionId) return;
  const run = await lastRunWithSession(ledger, taskId, backend).catch((e) => {
    log('warn', `could not read the run ledger for the session of ${taskId}: ${(e as Error).message}`);
    return undefined;
  });
  const sessionId = run?.sessionId;
  if (!run || !sessionId || !isSafeSessionId(sessionId)) return;
  const mismatch = agentMismatch(run.agent, agent);
  if (mismatch) {
    log(
      'warn',
      `SpecTask ${taskId}: not resuming session ${sessionId} from the run ledger: ${mismatch}; starting a fresh session`,
    );
    return;
  }
  if (pool.adoptSession(taskId, backend, sessionId))
    log('info', `SpecTask ${taskId}: resuming its agent's session ${sessionId} from the run ledger`);
}
