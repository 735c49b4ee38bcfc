import type { BackendId, PermissionPolicy } from '../agents/agentBackend';
import type { AgentCpuPriority } from '../agents/agentPriority';
import type { FileOverlapMode } from './scheduler';

/** The permission level a user picks for implementation agents (planning agents only ever edit docs). */
export type PermissionLevel = 'edit' | 'edit+commands' | 'full';
export type MergeStrategy = 'fast-forward' | 'merge-commit' | 'pull-request';

/** The integration queue (issue 21): how an accepted branch reaches its base. */
export interface IntegrationSettings {
  /** How the task branch is put on the current base before the tests: rebase (linear) or merge the base in. */
  strategy: 'rebase' | 'merge';
  /** The project's test command (machine-scoped: it chooses a program); '' = detect, 'none' = no tests. */
  testCommand: string;
  /** Time limit of one test run; 0 = none. */
  testTimeoutMs: number;
  /** Run the user's git hooks when the user's checkout of the base is fast-forwarded (machine-scoped). */
  runHooks: boolean;
}

export const DEFAULT_INTEGRATION: IntegrationSettings = {
  strategy: 'rebase',
  testCommand: '',
  testTimeoutMs: 30 * 60_000,
  runHooks: false,
};

/** Everything the orchestrator reads from settings (`spectask.*` in VS Code, flags/env in the CLI). */
export interface OrchestratorSettings {
  planning: { backend: BackendId; model?: string };
  implementation: { backend: BackendId; model?: string };
  caps: { planning: number; implementation: number };
  autoStart: boolean;
  /** Implementations whose predicted files overlap a running one's (design.md `## Files`); absent = 'hold'. */
  fileOverlap?: FileOverlapMode;
  reconcileIntervalMs: number;
  permissionLevel: PermissionLevel;
  /** Command prefixes implementation agents may run under `edit+commands`. */
  allowedCommands: string[];
  /** Per run; 0 = no limit. */
  wallClockTimeoutMs: number;
  idleTimeoutMs: number;
  /** Nudges on the same session after a run ended unfinished, before a retry. */
  maxNudges: number;
  /** Retries (with backoff) after the nudges, before the task fails. */
  maxRetries: number;
  retryBackoffMs: number;
  mergeStrategy: MergeStrategy;
  /** The integration queue; absent = {@link DEFAULT_INTEGRATION}. */
  integration?: IntegrationSettings;
  /** Remove the code worktree once the task is done (its branch is kept). */
  cleanupWorktreeOnDone: boolean;
  /** Base branch for new SpecTasks; undefined = the branch checked out when the task is created. */
  defaultBaseBranch?: string;
  contextItems: number;
  /** CPU priority of agents and the commands they run (see agentPriority.ts). */
  agentCpuPriority: AgentCpuPriority;
  /** How long a run waits for a person to answer a permission request before it is rejected; 0 = no limit. */
  permissionTimeoutMs?: number;
  /**
   * The agent the `acp` back-end runs now (`spectask.agents.acp.agent` and its argv). Each ACP run records it in
   * the run ledger: a session lives in one agent, so it is resumed only on that agent. Absent: not recorded.
   */
  acpAgent?: { name: string; argv: readonly string[] };
}

export const DEFAULT_ALLOWED_COMMANDS = [
  'git status',
  'git diff',
  'git log',
  'git show',
  'npm test',
  'npm run',
  'npm install',
  'npx',
  'node',
  'python3',
  'pytest',
  'ls',
  'cat',
];

export const DEFAULT_SETTINGS: OrchestratorSettings = {
  planning: { backend: 'claude-cli' },
  implementation: { backend: 'claude-cli' },
  caps: { planning: 3, implementation: 5 },
  autoStart: false,
  reconcileIntervalMs: 10_000,
  permissionLevel: 'edit+commands',
  allowedCommands: DEFAULT_ALLOWED_COMMANDS,
  wallClockTimeoutMs: 60 * 60_000,
  idleTimeoutMs: 10 * 60_000,
  maxNudges: 2,
  maxRetries: 1,
  retryBackoffMs: 5_000,
  mergeStrategy: 'merge-commit',
  integration: DEFAULT_INTEGRATION,
  cleanupWorktreeOnDone: true,
  contextItems: 2,
  agentCpuPriority: 'lower',
};

/** The permission policy handed to the agent back-end for an implementation run. */
export function implementationPolicy(
  s: Pick<OrchestratorSettings, 'permissionLevel' | 'allowedCommands'>,
): PermissionPolicy {
  switch (s.permissionLevel) {
    case 'edit':
      return { mode: 'edit' };
    case 'edit+commands':
      return { mode: 'edit+commands', allow: s.allowedCommands };
    case 'full':
      return { mode: 'full' };
  }
}

/** Planning agents write documents only; they may read the code and run nothing. */
export const PLANNING_POLICY: PermissionPolicy = { mode: 'edit' };
