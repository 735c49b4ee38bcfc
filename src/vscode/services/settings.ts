import { parseUserAcpAgents } from '../../core/agents/acp/acpAgents';
import { acpAgentIdentity } from '../../core/orchestrator/ledgerSessions';
import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import { EXTENSION_BACKENDS } from '../agents/extensionBackends';
import { AGENT_CPU_PRIORITIES, type AgentCpuPriority } from '../../core/agents/agentPriority';
import { splitCommandLine } from '../../core/agents/commandLine';
import type { CustomCommandTemplate } from '../../core/agents/customCommandAdapter';
import { userLevelValue, type MachineScopedSetting } from '../../core/machineSettings';
import { FILE_OVERLAP_MODES } from '../../core/orchestrator/scheduler';
import {
  DEFAULT_INTEGRATION,
  DEFAULT_SETTINGS,
  type MergeStrategy,
  type OrchestratorSettings,
  type PermissionLevel,
} from '../../core/orchestrator/settings';

export const BACKEND_IDS: readonly BackendId[] = EXTENSION_BACKENDS.ids();
const isBackend = (v: unknown): v is BackendId => EXTENSION_BACKENDS.has(v);
const PERMISSION_LEVELS: readonly PermissionLevel[] = ['edit', 'edit+commands', 'full'];
const MERGE_STRATEGIES: readonly MergeStrategy[] = ['fast-forward', 'merge-commit', 'pull-request'];

/**
 * A machine-scoped setting (see core/machineSettings): the user's value or the default, never a workspace or
 * folder value, even if VS Code passed one on (defence in depth beside `"scope": "machine"`).
 */
export function readMachineSetting<T>(key: MachineScopedSetting): T | undefined {
  return userLevelValue(vscode.workspace.getConfiguration('spectask').inspect<T>(key));
}

/** The orchestrator's settings from `spectask.*`; anything missing or malformed falls back to DEFAULT_SETTINGS. */
export function readOrchestratorSettings(scope?: vscode.ConfigurationScope): OrchestratorSettings {
  const c = vscode.workspace.getConfiguration('spectask', scope);
  const num = (key: string, fallback: number, min = 0) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  const model = (key: string) => c.get<string>(key)?.trim() || undefined;
  const planningBackend = c.get<string>('agents.planning.backend');
  const implBackend = c.get<string>('agents.implementation.backend');
  const level = readMachineSetting<string>('agents.permissionLevel');
  const strategy = c.get<string>('merge.strategy');
  const allowed = readMachineSetting<unknown>('agents.allowedCommands');
  const priority = readMachineSetting<string>('agents.cpuPriority');
  const permissionTimeout = readMachineSetting<unknown>('agents.permissionTimeoutSeconds');
  const acpAgent = readMachineSetting<string>('agents.acp.agent')?.trim();
  return {
    ...DEFAULT_SETTINGS,
    planning: {
      backend: isBackend(planningBackend) ? planningBackend : DEFAULT_SETTINGS.planning.backend,
      model: model('agents.planning.model'),
    },
    implementation: {
      backend: isBackend(implBackend) ? implBackend : DEFAULT_SETTINGS.implementation.backend,
      model: model('agents.implementation.model'),
    },
    caps: {
      planning: num('concurrency.planning', DEFAULT_SETTINGS.caps.planning, 1),
      implementation: num('concurrency.implementation', DEFAULT_SETTINGS.caps.implementation, 1),
    },
    autoStart: c.get<boolean>('autoStart', DEFAULT_SETTINGS.autoStart),
    // The ACP agent a run on the `acp` back-end starts: the run ledger records it, so a session is resumed only there.
    acpAgent: acpAgentIdentity(
      acpAgent
        ? { agent: acpAgent, agents: parseUserAcpAgents(readMachineSetting<unknown>('agents.acp.agents')).agents }
        : undefined,
    ),
    fileOverlap: FILE_OVERLAP_MODES.find((m) => m === c.get<string>('scheduler.fileOverlap')) ?? 'hold',
    reconcileIntervalMs: num('reconcileIntervalSeconds', DEFAULT_SETTINGS.reconcileIntervalMs / 1000) * 1000,
    permissionLevel: PERMISSION_LEVELS.includes(level as PermissionLevel)
      ? (level as PermissionLevel)
      : DEFAULT_SETTINGS.permissionLevel,
    allowedCommands:
      Array.isArray(allowed) && allowed.every((a) => typeof a === 'string')
        ? (allowed as string[])
        : DEFAULT_SETTINGS.allowedCommands,
    wallClockTimeoutMs: num('agents.wallClockTimeoutMinutes', DEFAULT_SETTINGS.wallClockTimeoutMs / 60_000) * 60_000,
    idleTimeoutMs: num('agents.idleTimeoutMinutes', DEFAULT_SETTINGS.idleTimeoutMs / 60_000) * 60_000,
    mergeStrategy: MERGE_STRATEGIES.includes(strategy as MergeStrategy)
      ? (strategy as MergeStrategy)
      : DEFAULT_SETTINGS.mergeStrategy,
    cleanupWorktreeOnDone: c.get<boolean>('merge.cleanupWorktree', DEFAULT_SETTINGS.cleanupWorktreeOnDone),
    integration: {
      strategy: c.get<string>('integration.strategy') === 'merge' ? 'merge' : 'rebase',
      testCommand: (() => {
        const v = readMachineSetting<unknown>('integration.testCommand');
        return typeof v === 'string' ? v : DEFAULT_INTEGRATION.testCommand;
      })(),
      testTimeoutMs: num('integration.testTimeoutMinutes', DEFAULT_INTEGRATION.testTimeoutMs / 60_000) * 60_000,
      runHooks: readMachineSetting<boolean>('integration.runHooks') === true,
    },
    contextItems: num('dashboard.contextItems', DEFAULT_SETTINGS.contextItems),
    agentCpuPriority: AGENT_CPU_PRIORITIES.includes(priority as AgentCpuPriority)
      ? (priority as AgentCpuPriority)
      : DEFAULT_SETTINGS.agentCpuPriority,
    permissionTimeoutMs:
      typeof permissionTimeout === 'number' && Number.isFinite(permissionTimeout) && permissionTimeout >= 0
        ? permissionTimeout * 1000
        : undefined,
  };
}

/** Settings that are read when a repository is opened (not per orchestrator pass). */
export function readRepositorySettings(scope?: vscode.ConfigurationScope): {
  branch: string;
  push: boolean;
  idleStopMs: number;
} {
  const c = vscode.workspace.getConfiguration('spectask', scope);
  const idle = c.get<number>('agents.idleStopMinutes', 30);
  return {
    branch: c.get<string>('designDocsBranch')?.trim() || 'helix-design-docs',
    push: c.get<boolean>('pushToRemote', false),
    idleStopMs: (typeof idle === 'number' && idle > 0 ? idle : 30) * 60_000,
  };
}

/** The custom command back-end's template from `spectask.customCommand.template` (a command line with {prompt}, {cwd}, {model}, {sessionId}). */
/** The placeholders a custom command template may use (see customCommandAdapter.expandTemplateArg). */
const TEMPLATE_PLACEHOLDER = /\{(prompt|cwd|model|sessionId)\}/g;

export function readCustomTemplate(): { template?: CustomCommandTemplate; problem?: string } {
  const line = readMachineSetting<string>('customCommand.template')?.trim();
  if (!line)
    return {
      problem: 'No command is set: set spectask.customCommand.template (for example `my-agent --cwd {cwd} {prompt}`).',
    };
  // The placeholders are braces, which the strict splitter (no shell syntax) refuses: hide them while splitting.
  const split = splitCommandLine(line.replace(TEMPLATE_PLACEHOLDER, (_, k: string) => `\u0000${k}\u0000`));
  if ('error' in split) return { problem: `spectask.customCommand.template cannot be parsed: ${split.error}` };
  const [command, ...args] = split.argv.map((a) => a.replace(/\u0000(prompt|cwd|model|sessionId)\u0000/g, '{$1}'));
  if (!command) return { problem: 'spectask.customCommand.template is empty.' };
  return {
    template: { command, args, promptOnStdin: readMachineSetting<boolean>('customCommand.promptOnStdin') ?? false },
  };
}
