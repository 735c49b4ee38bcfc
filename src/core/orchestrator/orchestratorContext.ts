import type { AgentPool } from '../agents/agentPool';
import type { DesignDocsWatcher } from '../docs/designDocsWatcher';
import type { SpecTaskStore } from '../docs/specTaskStore';
import type { FleetStore } from '../store/fleetStore';
import type { CodeWorktrees } from './codeWorktrees';
import type { RunLedger } from './ledger';
import type { PermissionRoom } from './permissionRoom';
import type { RunClaims } from './runClaims';
import type { OrchestratorSettings } from './settings';
import type { Trigger } from './statusMachine';
import type { TaskBook } from './taskBook';

/** Everything the orchestrator is built from (constructor injection; the composition root or CLI wires it). */
export interface OrchestratorDeps {
  repoRoot: string;
  store: SpecTaskStore;
  watcher: DesignDocsWatcher;
  pool: AgentPool;
  worktrees: CodeWorktrees;
  ledger: RunLedger;
  settings: () => OrchestratorSettings;
  /** Where the back-ends keep per-agent state (sessions), so a restart can resume them. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  now?: () => number;
  /** Checked before any agent starts (workspace trust; with a task id, a worker's claim on it); why not, or undefined. */
  mayRunAgents?: (taskId?: string) => string | undefined;
  /** Claims on the shared remote before a start (with `pushToRemote`; runClaims.ts). */
  claims?: RunClaims;
}

/** Something the UI should tell the user about, with the SpecTask it concerns. */
export interface OrchestratorNotice {
  kind: 'spec-ready' | 'implementation-ready' | 'done' | 'failed' | 'error';
  taskId: string;
  message: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * What the coordinator lends the parts it delegates to (the run supervisor, the integrator): the
 * dependencies, the tasks as last read, and the few moves every part makes the same way.
 */
export interface OrchestratorContext {
  readonly deps: OrchestratorDeps;
  readonly book: TaskBook;
  now(): number;
  /** Whether the orchestrator was disposed (a run's end is then left for the next start to resume). */
  isDisposed(): boolean;
  /** Everything the views show: run starts, ends and activity, queue reasons go here. */
  readonly fleet: FleetStore;
  /** Where runs ask a person about tool calls their permission level cannot decide ("waiting for you"). */
  readonly permissions?: PermissionRoom;
  /** Schedules a pass of the loop. */
  kick(): void;
  /** Applies a status-machine trigger to the task's record and reads the task again. */
  apply(id: string, trigger: Trigger, note?: string, kick?: boolean): Promise<void>;
  /** Commits the task's folder; a failure is told to the user once and retried by the reconcile tick. */
  commitTaskFolder(id: string, what: string): Promise<void>;
  notice(n: OrchestratorNotice): void;
  log(level: LogLevel, message: string): void;
}
