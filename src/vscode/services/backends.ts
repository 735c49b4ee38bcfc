import { vscode } from '../vscodeApi';
import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  BackendId,
  ProbeResult,
  StartRequest,
} from '../../core/agents/agentBackend';
import { CustomCommandBackend } from '../../core/agents/customCommandBackend';
import { createProcessBackends } from '../../core/orchestrator/backends';
import { VsCodeLmBackend } from '../agents/vscodeLmBackend';
import { BACKEND_IDS, readCustomTemplate } from './settings';

/** SecretStorage key of the OpenAI-compatible endpoint's API key (never in settings). */
export const OPENAI_KEY_SECRET = 'spectask.openaiCompatible.apiKey';

export const BACKEND_LABELS: Readonly<Record<BackendId, string>> = {
  'claude-cli': 'Claude Code CLI',
  codex: 'Codex CLI',
  gemini: 'Gemini CLI',
  'openai-compat': 'OpenAI-compatible endpoint',
  'vscode-lm': 'VS Code language model',
  custom: 'Custom command',
};

/** A back-end whose configuration is missing entirely: listed, never runnable, with the reason. */
class UnconfiguredBackend implements AgentBackend {
  readonly capabilities: BackendCapabilities = {
    resume: false,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  };
  constructor(
    readonly id: BackendId,
    readonly label: string,
    private readonly problem: string,
  ) {}
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
  private openAiKey: string | undefined;
  private current = new Map<BackendId, AgentBackend>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.rebuild();
  }

  /** Loads the API key from SecretStorage (call on activation and when the secret changes). */
  async loadSecrets(): Promise<void> {
    this.openAiKey = (await this.secrets.get(OPENAI_KEY_SECRET)) || undefined;
    this.rebuild();
  }

  /** Values the transcripts must never contain. */
  secretValues(): string[] {
    return this.openAiKey ? [this.openAiKey] : [];
  }

  /** Re-reads the settings (called on every configuration change). */
  rebuild(): void {
    const c = vscode.workspace.getConfiguration('spectask');
    const custom = readCustomTemplate();
    const list = createProcessBackends({
      claudePath: c.get<string>('agents.claudePath')?.trim(),
      codexPath: c.get<string>('agents.codexPath')?.trim(),
      geminiPath: c.get<string>('agents.geminiPath')?.trim(),
      openai: {
        baseUrl: c.get<string>('openaiCompatible.baseUrl')?.trim() || undefined,
        model: c.get<string>('openaiCompatible.model')?.trim() || undefined,
        apiKey: this.openAiKey,
      },
    });
    const next = new Map<BackendId, AgentBackend>(list.map((b) => [b.id, b]));
    next.set('vscode-lm', new VsCodeLmBackend());
    next.set(
      'custom',
      custom.template
        ? new CustomCommandBackend(BACKEND_LABELS.custom, custom.template)
        : new UnconfiguredBackend('custom', BACKEND_LABELS.custom, custom.problem ?? 'not configured'),
    );
    this.current = next;
  }

  get(id: BackendId): AgentBackend {
    return this.current.get(id)!;
  }

  /** Stable wrappers for an AgentPool: one per back-end id, delegating to the current configuration. */
  forPool(): AgentBackend[] {
    return BACKEND_IDS.map((id) => new SettingsBackedBackend(id, this));
  }

  /** Every back-end's probe, in display order; a probe that throws counts as unavailable with its message. */
  async probeAll(): Promise<{ id: BackendId; label: string; result: ProbeResult }[]> {
    return Promise.all(
      BACKEND_IDS.map(async (id) => {
        const b = this.get(id);
        const result = await b
          .probe()
          .catch((e: unknown) => ({ available: false, problem: e instanceof Error ? e.message : String(e) }));
        return { id, label: BACKEND_LABELS[id], result };
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
