import { parseUserAcpAgents } from '../../core/agents/acp/acpAgents';
import { ACP_BACKEND_INFO } from '../../core/agents/acp/acpBackend';
import { vscode } from '../vscodeApi';
import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  BackendId,
  ProbeResult,
  StartRequest,
} from '../../core/agents/agentBackend';
import type { AgentHost } from '../../core/agents/agentHost';
import type { BackendConfig, BackendInfo } from '../../core/agents/backendRegistry';
import { decodeStoredKey, keyMayGoTo, type StoredApiKey } from '../../core/agents/keyOrigin';
import { OPENAI_COMPAT_BACKEND_INFO } from '../../core/agents/openAiCompatBackend';
import { EXTENSION_BACKENDS } from '../agents/extensionBackends';
import { readCustomTemplate, readMachineSetting } from './settings';
import { AgentCliSearch, SearchedBackend } from './agentCliSearch';
import { CLAUDE_BACKEND_INFO } from '../../core/agents/claudeBackend';
import { CODEX_BACKEND_INFO } from '../../core/agents/codexBackend';
import { GEMINI_BACKEND_INFO } from '../../core/agents/geminiBackend';
import type { DiscoveredCli } from '../../core/agents/cliDiscovery';
import type { MachineScopedSetting } from '../../core/machineSettings';

/**
 * SecretStorage key of the OpenAI-compatible endpoint's API key (never in settings). The value is JSON
 * `{ key, origin }` (core/agents/keyOrigin): the key goes only to the origin it was entered for.
 */
export const OPENAI_KEY_SECRET = 'spectask.openaiCompatible.apiKey';

/** Every back-end's one label, by id (from the registry). */
export const BACKEND_LABELS: Readonly<Record<BackendId, string>> = EXTENSION_BACKENDS.labels();

/** A back-end whose configuration is missing entirely: listed, never runnable, with the reason. */
class UnconfiguredBackend implements AgentBackend {
  readonly id: BackendId;
  readonly label: string;
  readonly capabilities: BackendCapabilities = {
    resume: false,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  };
  constructor(
    info: BackendInfo,
    private readonly problem: string,
  ) {
    this.id = info.id;
    this.label = info.label;
  }
  async probe(): Promise<ProbeResult> {
    return { available: false, problem: this.problem };
  }
  start(): AgentRun {
    throw new Error(`${this.label} cannot run: ${this.problem}`);
  }
  resume(): AgentRun {
    throw new Error(`${this.label} cannot run: ${this.problem}`);
  }
}

/**
 * The agent back-ends, built from the current `spectask.*` settings and the API key in SecretStorage.
 * Each pool gets stable {@link SettingsBackedBackend} wrappers, so a changed binary path, endpoint or custom
 * command applies to the next run without reopening the repository.
 */
export class BackendCatalog {
  private openAiKey: StoredApiKey | undefined;
  private current = new Map<BackendId, AgentBackend>();
  private discovered = new Map<BackendId, DiscoveredCli>();
  /** Where the CLIs are looked for when their path setting is empty (read once: the login shell's PATH). */
  private readonly search: AgentCliSearch;

  /** `host`: where agents run (default the local host). */
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly host?: AgentHost,
  ) {
    this.search = new AgentCliSearch(() => this.rebuild());
    this.rebuild();
  }

  /** Loads the API key from SecretStorage (call on activation and when the secret changes). */
  async loadSecrets(): Promise<void> {
    this.openAiKey = decodeStoredKey(await this.secrets.get(OPENAI_KEY_SECRET));
    this.rebuild();
  }

  /** Values the transcripts must never contain. */
  secretValues(): string[] {
    return this.openAiKey ? [this.openAiKey.key] : [];
  }

  /** Re-reads the settings (called on every configuration change). */
  rebuild(): void {
    const c = vscode.workspace.getConfiguration('spectask');
    const custom = readCustomTemplate();
    const baseUrl = readMachineSetting<string>('openaiCompatible.baseUrl')?.trim() || undefined;
    // The stored key goes only to the origin it was entered for, never over plain http off this machine.
    const keyCheck = this.openAiKey && baseUrl ? keyMayGoTo(this.openAiKey, baseUrl) : undefined;
    const acpAgent = readMachineSetting<string>('agents.acp.agent')?.trim();
    const acpUserAgents = parseUserAcpAgents(readMachineSetting<unknown>('agents.acp.agents'));
    // An empty path setting means "look in the usual places"; what was found is the path probed and run.
    const places = this.search.places();
    this.discovered = new Map();
    const notFound = new Set<BackendId>();
    const cliPath = (id: BackendId, setting: MachineScopedSetting): string | undefined => {
      const set = readMachineSetting<string>(setting)?.trim();
      if (set) return set;
      const found = this.search.find(id, places);
      if (found) this.discovered.set(id, found);
      else notFound.add(id);
      return found?.path;
    };
    const sourceEnv = this.search.sourceEnv(places);
    const config: BackendConfig = {
      claudePath: cliPath(CLAUDE_BACKEND_INFO.id, 'agents.claudePath'),
      codexPath: cliPath(CODEX_BACKEND_INFO.id, 'agents.codexPath'),
      geminiPath: cliPath(GEMINI_BACKEND_INFO.id, 'agents.geminiPath'),
      openai: {
        baseUrl,
        model: c.get<string>('openaiCompatible.model')?.trim() || undefined,
        apiKey: keyCheck?.ok ? this.openAiKey?.key : undefined,
      },
      custom: custom.template,
      acp: acpAgent ? { agent: acpAgent, agents: acpUserAgents.agents } : undefined,
      host: this.host,
      ...(sourceEnv ? { sourceEnv } : {}),
    };
    const problems: Partial<Record<BackendId, string>> = {
      custom: custom.problem,
      [ACP_BACKEND_INFO.id]: [
        'No ACP agent is chosen: set spectask.agents.acp.agent (gemini, claude, codex, copilot, goose, …).',
        ...acpUserAgents.problems,
      ].join(' '),
    };
    // A withheld key makes the back-end unavailable with the reason, rather than silently running keyless.
    const refused: Partial<Record<BackendId, string>> = {
      [OPENAI_COMPAT_BACKEND_INFO.id]: keyCheck && !keyCheck.ok ? `${baseUrl}: ${keyCheck.problem}` : undefined,
    };
    this.current = new Map(
      EXTENSION_BACKENDS.list().map((b) => {
        const problem = refused[b.id];
        if (problem) return [b.id, new UnconfiguredBackend(b, problem)];
        const backend = b.create(config) ?? new UnconfiguredBackend(b, problems[b.id] ?? 'not configured');
        // Looked for and not found: the problem names every place searched, not just PATH.
        return [b.id, notFound.has(b.id) ? new SearchedBackend(backend, this.search.describe(places)) : backend];
      }),
    );
  }

  get(id: BackendId): AgentBackend {
    return this.current.get(id)!;
  }

  /** Where a CLI whose path setting is empty was found, and through which place (`undefined`: not searched or not found). */
  foundIn(id: BackendId): DiscoveredCli | undefined {
    return this.discovered.get(id);
  }

  /** The places searched, in one phrase ("PATH, the login shell's PATH, … or ~/.cache/spectask-agent-clis"). */
  searchedPlaces(): string {
    return this.search.describe();
  }

  /** Resolves once the login shell's PATH is known, so a probe sees every place. */
  searchReady(): Promise<void> {
    return this.search.ready();
  }

  /** Stable wrappers for an AgentPool: one per back-end id, delegating to the current configuration. */
  forPool(): AgentBackend[] {
    return EXTENSION_BACKENDS.ids().map((id) => new SettingsBackedBackend(id, this));
  }

  /** Every back-end's probe, in display order; a probe that throws counts as unavailable with its message. */
  async probeAll(): Promise<{ id: BackendId; label: string; result: ProbeResult }[]> {
    await this.search.ready();
    return Promise.all(
      EXTENSION_BACKENDS.list().map(async ({ id, label }) => {
        const result = await this.get(id)
          .probe()
          .catch((e: unknown) => ({ available: false, problem: e instanceof Error ? e.message : String(e) }));
        return { id, label, result };
      }),
    );
  }
}

class SettingsBackedBackend implements AgentBackend {
  constructor(
    readonly id: BackendId,
    private readonly catalog: BackendCatalog,
  ) {}
  get label(): string {
    return this.catalog.get(this.id).label;
  }
  get capabilities(): BackendCapabilities {
    return this.catalog.get(this.id).capabilities;
  }
  probe(): Promise<ProbeResult> {
    return this.catalog.get(this.id).probe();
  }
  start(req: StartRequest): AgentRun {
    return this.catalog.get(this.id).start(req);
  }
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.catalog.get(this.id).resume(req);
  }
}
