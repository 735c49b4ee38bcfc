import * as path from 'node:path';
import type { StartRequest } from '../agentBackend';
import type { InvocationFile } from '../cliAdapter';
import { CLAUDE_ENV_ALLOW } from '../claudeAdapter';
import { CODEX_ENV_ALLOW, keepHelpersOutOfTempDir } from '../codexAdapter';
import { GEMINI_ENV_ALLOW, geminiEndpointSettings } from '../geminiAdapter';
import { assertSafeModelName } from '../modelName';
import { codexAcpMode } from './acpCodexMode';

/** One ACP agent the user can pick: how to start it, and how to tell the user to install it. */
export interface AcpAgentSpec {
  /** The name in `--backend acp:<name>` and in `spectask.agents.acp.agent`. */
  name: string;
  label: string;
  command: string;
  args: readonly string[];
  installHint: string;
  /** Host variables the agent may inherit besides the base allow-list. */
  envAllow?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Variables a request's endpoint goes to (base URL, key), for agents that read them. */
  endpointEnv?: { baseUrl?: string; apiKey?: string };
  /**
   * The variable the request's state folder goes to when a custom endpoint needs a home of its own; otherwise
   * the agent runs with the user's own home and login (issue 17), like the native back-ends.
   */
  stateDirEnv?: string;
  /** Files the agent needs in its state folder before it starts. */
  stateFiles?: (stateDir: string, req: StartRequest) => InvocationFile[];
  /** Extra arguments for the request's model (only plain model names reach argv). */
  modelArgs?: (model: string) => string[];
  /** Whose CLI state in the home the sandbox keeps writable (its sessions and login): `claude-cli`, `codex`, `gemini`. */
  sandboxState?: string;
  /**
   * Arguments that grant the agent the run's extra folders (the SpecTask folder) where `additionalDirectories`
   * of `session/new` is not enough (gemini refuses writes outside its workspace: "Path not in workspace").
   */
  dirArgs?: (dirs: readonly string[]) => string[];
  /** Variables that put the agent in the mode of the run's permission level (codex-acp's initial mode). */
  levelEnv?: (req: StartRequest) => Record<string, string>;
  /** Adjusts the agent's final environment (the user's home known) and names the files that need to exist. */
  fixEnv?: (env: Record<string, string>) => InvocationFile[];
}

/** Which ACP agent the back-end runs: a name from the lists, or an argv of its own. */
export interface AcpConfig {
  /** A built-in or user agent's name (`gemini`, `claude`, …). */
  agent?: string;
  /** Any ACP agent by argument array (`["my-agent","--acp"]`); wins over `agent`. */
  command?: readonly string[];
  /** The user's own agents (spectask.agents.acp.agents), already parsed. */
  agents?: readonly AcpAgentSpec[];
}

/** The ACP agents SpecTask knows out of the box (reference: acp-sandbox-coordination.md §1.1). */
export const BUILTIN_ACP_AGENTS: readonly AcpAgentSpec[] = [
  {
    name: 'gemini',
    label: 'Gemini CLI (ACP)',
    command: 'gemini',
    // Folder trust stays on while gemini loads its settings (a repository's .gemini/settings.json would start
    // its MCP commands and hooks); --skip-trust trusts the folder only afterwards (see geminiAdapter.ts).
    args: ['--acp', '--skip-trust'],
    installHint: 'npm install -g @google/gemini-cli',
    envAllow: GEMINI_ENV_ALLOW,
    // Without GEMINI_CLI_NO_RELAUNCH gemini re-launches itself as a child that never sees our signals.
    env: { GEMINI_CLI_NO_RELAUNCH: 'true', GEMINI_CLI_TRUST_WORKSPACE: 'false' },
    endpointEnv: { baseUrl: 'GOOGLE_GEMINI_BASE_URL', apiKey: 'GEMINI_API_KEY' },
    // Gemini 0.61 accepts a custom base URL only with an auth type chosen in a settings file of its own home.
    stateDirEnv: 'GEMINI_CLI_HOME',
    stateFiles: (dir) => [{ path: path.join(dir, '.gemini', 'settings.json'), content: geminiEndpointSettings() }],
    modelArgs: (m) => ['--model', assertSafeModelName(m)],
    sandboxState: 'gemini',
    // One `--flag=value` argument: the folders are absolute paths of ours, and never read as options of their own.
    dirArgs: (dirs) => (dirs.length ? [`--include-directories=${dirs.join(',')}`] : []),
  },
  {
    name: 'claude',
    label: 'Claude Code (ACP adapter)',
    command: 'claude-agent-acp',
    args: [],
    installHint: 'npm install -g @agentclientprotocol/claude-agent-acp',
    envAllow: CLAUDE_ENV_ALLOW,
    endpointEnv: { baseUrl: 'ANTHROPIC_BASE_URL', apiKey: 'ANTHROPIC_API_KEY' },
    sandboxState: 'claude-cli',
  },
  {
    name: 'codex',
    label: 'Codex (ACP adapter)',
    command: 'codex-acp',
    args: [],
    installHint: 'npm install -g @agentclientprotocol/codex-acp',
    envAllow: CODEX_ENV_ALLOW,
    endpointEnv: { apiKey: 'OPENAI_API_KEY' },
    sandboxState: 'codex',
    levelEnv: (req) => ({ INITIAL_AGENT_MODE: codexAcpMode(req.permissions) }),
    // Codex's own sandbox helper starts inside ours (as for the native back-end) once it may make its helper
    // links: not in a home inside the temp dir, where it refuses and writes nothing at edit and edit+commands.
    fixEnv: keepHelpersOutOfTempDir,
  },
  {
    name: 'copilot',
    label: 'GitHub Copilot CLI',
    command: 'copilot',
    args: ['--acp'],
    installHint: 'npm install -g @github/copilot',
    envAllow: ['GH_TOKEN', 'GITHUB_TOKEN', 'COPILOT_GITHUB_TOKEN'],
  },
  {
    name: 'goose',
    label: 'goose',
    command: 'goose',
    args: ['acp'],
    installHint: 'see https://block.github.io/goose/docs/getting-started/installation',
  },
  {
    name: 'opencode',
    label: 'OpenCode',
    command: 'opencode',
    args: ['acp'],
    installHint: 'npm install -g opencode-ai',
  },
  {
    name: 'qwen',
    label: 'Qwen Code',
    command: 'qwen',
    args: ['--acp'],
    installHint: 'npm install -g @qwen-code/qwen-code',
    envAllow: ['DASHSCOPE_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  },
  {
    name: 'kiro',
    label: 'Kiro CLI',
    command: 'kiro-cli',
    args: ['acp'],
    installHint: 'see https://kiro.dev/docs/cli/installation',
  },
  {
    name: 'cursor',
    label: 'Cursor CLI',
    command: 'agent',
    args: ['acp'],
    installHint: 'curl https://cursor.com/install -fsS | bash',
    envAllow: ['CURSOR_API_KEY'],
  },
];

/** A name in `acp:<name>`: lower-case letters, digits and dashes. */
const AGENT_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Reads the user's own ACP agents (`spectask.agents.acp.agents`, machine-scoped): each `{name, command}` with
 * `command` an argument array (`["my-agent","--acp"]`), optional `label` and `envAllow`. Entries that do not
 * fit are left out with a problem each; a user entry with a built-in name replaces the built-in.
 */
export function parseUserAcpAgents(raw: unknown): { agents: AcpAgentSpec[]; problems: string[] } {
  const agents: AcpAgentSpec[] = [];
  const problems: string[] = [];
  for (const [i, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const e = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const name = e.name;
    const argv = parseAcpArgv(e.command);
    if (typeof name !== 'string' || !AGENT_NAME.test(name)) {
      problems.push(`ACP agent #${i + 1}: 'name' must be lower-case letters, digits and dashes`);
      continue;
    }
    if ('error' in argv) {
      problems.push(`ACP agent '${name}': ${argv.error}`);
      continue;
    }
    const envAllow = Array.isArray(e.envAllow) ? e.envAllow.filter((v): v is string => typeof v === 'string') : [];
    agents.push({
      name,
      label: typeof e.label === 'string' && e.label.trim() ? e.label.trim() : name,
      command: argv.argv[0]!,
      args: argv.argv.slice(1),
      installHint: `install '${argv.argv[0]}' or fix spectask.agents.acp.agents`,
      envAllow,
    });
  }
  return { agents, problems };
}

/** An agent's argv from JSON (`["my-agent","--acp"]`) or an already parsed array. */
export function parseAcpArgv(raw: unknown): { argv: string[] } | { error: string } {
  let v = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      return { error: 'the command must be a JSON array of strings, e.g. ["my-agent","--acp"]' };
    }
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string') || !v[0])
    return { error: 'the command must be a non-empty array of strings, e.g. ["my-agent","--acp"]' };
  return { argv: v as string[] };
}

/** The agent called `name`: the user's list first, then the built-in one. */
export function findAcpAgent(name: string, userAgents: readonly AcpAgentSpec[] = []): AcpAgentSpec | undefined {
  return userAgents.find((a) => a.name === name) ?? BUILTIN_ACP_AGENTS.find((a) => a.name === name);
}

/** Every agent by name, the user's entries replacing built-ins of the same name. */
export function allAcpAgents(userAgents: readonly AcpAgentSpec[] = []): AcpAgentSpec[] {
  const names = new Set(userAgents.map((a) => a.name));
  return [...BUILTIN_ACP_AGENTS.filter((a) => !names.has(a.name)), ...userAgents];
}
