import { findAcpAgent, parseAcpArgv } from '../core/agents/acp/acpAgents';
import { ACP_BACKEND_INFO } from '../core/agents/acp/acpBackend';
import type { BackendId } from '../core/agents/agentBackend';
import { AGENT_CPU_PRIORITIES, type AgentCpuPriority } from '../core/agents/agentPriority';
import { BUILTIN_BACKENDS } from '../core/agents/builtinBackends';
import type { CustomCommandTemplate } from '../core/agents/customCommandAdapter';
import { SandboxedAgentHost } from '../core/agents/sandbox/sandboxedAgentHost';
import { sandboxSettingOn } from '../core/agents/sandbox/sandboxSetting';
import type { BackendConfig } from '../core/orchestrator/backends';
import {
  DEFAULT_INTEGRATION,
  DEFAULT_SETTINGS,
  type OrchestratorSettings,
  type PermissionLevel,
} from '../core/orchestrator/settings';
import { FILE_OVERLAP_MODES, type FileOverlapMode } from '../core/orchestrator/scheduler';
import { acpAgentIdentity } from '../core/orchestrator/ledgerSessions';
import { optionValue, UsageError, type ParsedArgs } from './cliArgs';

/** The back-ends the CLI can run: the registry's built-in ones (the VS Code LM back-end needs VS Code). */
export const CLI_BACKEND_IDS: readonly BackendId[] = BUILTIN_BACKENDS.ids();
const LEVELS: readonly PermissionLevel[] = ['edit', 'edit+commands', 'full'];

/** Options of the orchestrator commands, each documented in the CLI help. */
export const ORCHESTRATOR_OPTIONS = [
  'backend',
  'planning-backend',
  'implementation-backend',
  'model',
  'custom-command',
  'acp-command',
  'cap-planning',
  'cap-implementation',
  'permission',
  'max-nudges',
  'max-retries',
  'idle-timeout',
  'agent-priority',
  'until-idle',
  'test-command',
  'test-timeout',
  'integration-strategy',
  'file-overlap',
  'no-sandbox',
];

/** `acp:<name>`: the ACP back-end running one agent of the built-in list. */
const ACP_PREFIX = `${ACP_BACKEND_INFO.id}:`;

function backendOption(args: ParsedArgs, name: string): BackendId | undefined {
  const v = optionValue(args, name);
  if (v === undefined) return undefined;
  if (v.startsWith(ACP_PREFIX)) return ACP_BACKEND_INFO.id;
  if (!BUILTIN_BACKENDS.has(v))
    throw new UsageError(
      `--${name} must be one of ${CLI_BACKEND_IDS.join(', ')} (the VS Code LM back-end runs only inside VS Code)`,
    );
  return v;
}

function count(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = optionValue(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return n;
}

/** Orchestrator settings from the command line, defaulting to the extension's defaults. */
export function settingsFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): OrchestratorSettings {
  const both = backendOption(args, 'backend') ?? (env.SPECTASK_BACKEND as BackendId | undefined);
  const model = optionValue(args, 'model');
  const permission = optionValue(args, 'permission');
  if (permission !== undefined && !(LEVELS as readonly string[]).includes(permission))
    throw new UsageError(`--permission must be one of ${LEVELS.join(', ')}`);
  const idle = count(args, 'idle-timeout', 1);
  const priority = optionValue(args, 'agent-priority');
  if (priority !== undefined && !(AGENT_CPU_PRIORITIES as readonly string[]).includes(priority))
    throw new UsageError(`--agent-priority must be one of ${AGENT_CPU_PRIORITIES.join(', ')}`);
  return {
    ...DEFAULT_SETTINGS,
    planning: { backend: backendOption(args, 'planning-backend') ?? both ?? DEFAULT_SETTINGS.planning.backend, model },
    implementation: {
      backend: backendOption(args, 'implementation-backend') ?? both ?? DEFAULT_SETTINGS.implementation.backend,
      model,
    },
    caps: {
      planning: count(args, 'cap-planning', 1) ?? DEFAULT_SETTINGS.caps.planning,
      implementation: count(args, 'cap-implementation', 1) ?? DEFAULT_SETTINGS.caps.implementation,
    },
    permissionLevel: (permission as PermissionLevel | undefined) ?? DEFAULT_SETTINGS.permissionLevel,
    maxNudges: count(args, 'max-nudges', 0) ?? DEFAULT_SETTINGS.maxNudges,
    maxRetries: count(args, 'max-retries', 0) ?? DEFAULT_SETTINGS.maxRetries,
    idleTimeoutMs: idle !== undefined ? idle * 1000 : DEFAULT_SETTINGS.idleTimeoutMs,
    agentCpuPriority: (priority as AgentCpuPriority | undefined) ?? DEFAULT_SETTINGS.agentCpuPriority,
    integration: integrationFromArgs(args, env),
    fileOverlap: fileOverlapOption(args),
    acpAgent: acpAgentIdentity(acpConfigFromArgs(args, env)),
  };
}

/** `--file-overlap`: what the scheduler does with implementations predicted to touch the same files (default hold). */
function fileOverlapOption(args: ParsedArgs): FileOverlapMode {
  const v = optionValue(args, 'file-overlap');
  if (v === undefined) return 'hold';
  const mode = FILE_OVERLAP_MODES.find((m) => m === v);
  if (!mode) throw new UsageError(`--file-overlap must be one of ${FILE_OVERLAP_MODES.join(', ')}`);
  return mode;
}

/** The integration queue's settings: flags, then SPECTASK_TEST_COMMAND (the user's own shell chose them). */
function integrationFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): OrchestratorSettings['integration'] {
  const strategy = optionValue(args, 'integration-strategy');
  if (strategy !== undefined && strategy !== 'rebase' && strategy !== 'merge')
    throw new UsageError('--integration-strategy must be rebase or merge');
  const timeout = count(args, 'test-timeout', 0);
  return {
    ...DEFAULT_INTEGRATION,
    strategy: strategy ?? DEFAULT_INTEGRATION.strategy,
    testCommand: optionValue(args, 'test-command') ?? env.SPECTASK_TEST_COMMAND ?? DEFAULT_INTEGRATION.testCommand,
    testTimeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_INTEGRATION.testTimeoutMs,
  };
}

/**
 * Back-end locations and keys for the CLI: flags, then the environment (never settings files). Agents run in
 * the bubblewrap sandbox unless `--no-sandbox` or SPECTASK_SANDBOX=off says otherwise.
 */
export function backendConfigFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): BackendConfig {
  let custom: CustomCommandTemplate | undefined;
  const raw = optionValue(args, 'custom-command') ?? env.SPECTASK_CUSTOM_COMMAND;
  if (raw) {
    let argv: unknown;
    try {
      argv = JSON.parse(raw);
    } catch {
      throw new UsageError(
        '--custom-command must be a JSON array of strings, e.g. \'["my-agent","--cwd","{cwd}","{prompt}"]\'',
      );
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
      throw new UsageError('--custom-command must be a non-empty JSON array of strings');
    custom = { command: argv[0], args: argv.slice(1) };
  }
  return {
    acp: acpConfigFromArgs(args, env),
    claudePath: env.SPECTASK_CLAUDE_PATH,
    codexPath: env.SPECTASK_CODEX_PATH,
    geminiPath: env.SPECTASK_GEMINI_PATH,
    openai: {
      baseUrl: env.SPECTASK_OPENAI_BASE_URL,
      model: env.SPECTASK_OPENAI_MODEL,
      apiKey: env.SPECTASK_OPENAI_API_KEY,
    },
    custom,
    host:
      args.options.has('no-sandbox') || !sandboxSettingOn(env.SPECTASK_SANDBOX) ? undefined : new SandboxedAgentHost(),
  };
}

/** The ACP agent: `--acp-command '["my-agent","--acp"]'`, else the name in `--backend acp:<name>`. */
function acpConfigFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): BackendConfig['acp'] {
  const raw = optionValue(args, 'acp-command') ?? env.SPECTASK_ACP_COMMAND;
  if (raw) {
    const argv = parseAcpArgv(raw);
    if ('error' in argv) throw new UsageError(`--acp-command: ${argv.error}`);
    return { command: argv.argv };
  }
  const names = ['backend', 'planning-backend', 'implementation-backend']
    .map((o) => optionValue(args, o))
    .filter((v): v is string => v?.startsWith(ACP_PREFIX) === true)
    .map((v) => v.slice(ACP_PREFIX.length));
  const name = names[0] ?? env.SPECTASK_ACP_AGENT;
  if (names.some((n) => n !== name))
    throw new UsageError('all --*-backend options must name the same ACP agent (acp:<name>)');
  if (name === undefined) return undefined;
  if (!findAcpAgent(name))
    throw new UsageError(`unknown ACP agent '${name}'; use --acp-command '["my-agent","--acp"]' for any other`);
  return { agent: name };
}
