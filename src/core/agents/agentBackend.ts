import type { Event } from '../lifecycle';
import type { AgentEvent, ResultEvent } from './agentEvents';
import type { AgentCpuPriority } from './agentPriority';
import type { AskPerson } from './personPermission';
import type { ProcessIdentity } from './processTree';

/**
 * The id of a back-end in the back-end registry (backendRegistry.ts), e.g. `claude-cli`. Open: the registry,
 * not this type, is the list; the VS Code layer registers `vscode-lm`, later back-ends register their own.
 */
export type BackendId = string;

/** What a back-end can do, so callers never try what it cannot. */
export interface BackendCapabilities {
  /** Can continue a prior session by id. */
  resume: boolean;
  /** Can take more user turns on a live run. */
  followUp: boolean;
  /** Has an in-band interrupt besides signals. */
  softInterrupt: boolean;
  /** Can ask the orchestrator per tool call (`PermissionPolicy` mode `ask`). */
  permissionCallback: boolean;
  /** Reports money spent (claude only). */
  reportsCost: boolean;
  /** Runs tool commands in an OS sandbox (codex). */
  osSandbox: boolean;
}

/** One tool call the policy must decide on (mode `ask`). */
export interface PermissionRequest {
  tool: string;
  input: unknown;
  /** The command line for shell tools. */
  command?: string;
  /** Worktree-relative paths for file tools. */
  paths?: string[];
}

export type PermissionDecision = { behavior: 'allow' } | { behavior: 'deny'; message: string };

/**
 * The permission level the user chose (DESIGN.md §6). `edit+commands` allows file edits plus commands whose
 * argument list starts with one of `allow` (e.g. `git commit`, `npm test`).
 */
export type PermissionPolicy =
  | { mode: 'read-only' }
  | { mode: 'edit' }
  | { mode: 'edit+commands'; allow: string[] }
  | { mode: 'full' }
  | { mode: 'ask'; decide: (req: PermissionRequest, signal: AbortSignal) => Promise<PermissionDecision> };

/** Where the model is served and how to authenticate; unset fields fall back to the back-end's own login. */
export interface EndpointConfig {
  baseUrl?: string;
  apiKey?: string;
  /** Name of the environment variable that should carry `apiKey` to the agent process. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
}

export interface RunLimits {
  maxTurns?: number;
  maxBudgetUsd?: number;
  /** The run is cancelled (status `timeout`) after this long in total. */
  wallClockMs?: number;
  /** The run is cancelled (status `timeout`) after this long without any output. */
  idleMs?: number;
}

/** Everything one run needs. */
export interface StartRequest {
  taskId: string;
  /** Absolute path; becomes the cwd. */
  worktree: string;
  prompt: string;
  /** Orchestrator rules (checklist format, commit trailer, scope); a system-prompt addition where supported. */
  appendSystemPrompt?: string;
  model?: string;
  endpoint?: EndpointConfig;
  permissions: PermissionPolicy;
  limits?: RunLimits;
  /** Continue this session instead of starting fresh. */
  resumeSessionId?: string;
  /** Pre-assign the session id where supported (claude, gemini). */
  sessionId?: string;
  /**
   * The agent's state folder (CLAUDE_CONFIG_DIR, CODEX_HOME, gemini HOME, the own loop's message history).
   * Keep it per agent, not per run: resume only finds sessions in the same state folder. Unset = the user's
   * own login state.
   */
  stateDir?: string;
  /** Extra environment for the agent process, added after the allow-list. */
  env?: Record<string, string>;
  /**
   * Absolute folders outside the worktree the agent may also write: its SpecTask folder in the design-docs
   * worktree, where it ticks `tasks.md` (DESIGN.md §6). Passed as --add-dir (claude, codex) or
   * --include-directories (gemini); the own tool loop allows them as extra roots.
   */
  extraDirs?: string[];
  /** Pre-assigned run id (the pool uses it to name the transcript before the run starts). */
  runId?: string;
  /** CPU priority of the agent's process and the commands it runs; default `lower` (see agentPriority.ts). */
  cpuPriority?: AgentCpuPriority;
  /**
   * Who is asked about a tool call the permission level cannot decide (the run then waits for a person); unset,
   * such a call is rejected. Back-ends that can surface permission requests (ACP) use it.
   */
  askPerson?: AskPerson;
}

/** A live run. `events` can be iterated by several consumers; each sees every event from the start. */
export interface AgentRun {
  readonly runId: string;
  readonly backend: BackendId;
  /** The agent process id while one runs (for the run ledger); `undefined` for in-process back-ends. */
  readonly pid: number | undefined;
  /**
   * The agent process's identity on its host (PID and start time, for the run ledger), once the process has
   * started; `undefined` when it never started. Absent for in-process back-ends.
   */
  processIdentity?(): Promise<ProcessIdentity | undefined>;
  readonly events: AsyncIterable<AgentEvent>;
  /** Fires for each event as it happens (after it is buffered for `events`). */
  readonly onEvent: Event<AgentEvent>;
  /** The session id once known; `undefined` when the run ended without one. */
  readonly sessionId: Promise<string | undefined>;
  /** Soft interrupt, grace period, then kill of the whole process tree. Resolves when the run has ended. */
  cancel(opts?: { graceMs?: number; reason?: string }): Promise<void>;
  /** The single `result` event; never rejects. */
  readonly finished: Promise<ResultEvent>;
}

/** What `probe` found; `problem` is shown to the user verbatim. */
export interface ProbeResult {
  available: boolean;
  version?: string;
  binary?: string;
  problem?: string;
}

/** One way to run a coding agent (agent-backends.md §6.2). */
export interface AgentBackend {
  readonly id: BackendId;
  /** Human-readable name for the UI. */
  readonly label: string;
  readonly capabilities: BackendCapabilities;
  /** Detects the binary, its version and authentication, without starting a model run. */
  probe(): Promise<ProbeResult>;
  start(req: StartRequest): AgentRun;
  /** Same as `start` with `resumeSessionId` set. */
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun;
}
