import type { AcpConfig } from './acp/acpAgents';
import type { AgentBackend, BackendCapabilities, BackendId } from './agentBackend';
import type { AgentHost } from './agentHost';
import type { CustomCommandTemplate } from './customCommandAdapter';

/**
 * Where each back-end is and how it authenticates, from the settings (extension) or flags and environment
 * (CLI). One bag for every back-end: each registration's `create` reads the fields it knows.
 */
export interface BackendConfig {
  claudePath?: string;
  codexPath?: string;
  geminiPath?: string;
  openai?: { baseUrl?: string; model?: string; apiKey?: string };
  custom?: CustomCommandTemplate;
  /** The ACP agent the `acp` back-end runs (a name from the lists, or an argv). */
  acp?: AcpConfig;
  /** The environment agents' allow-lists copy from (default process.env). */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** Where agents and their commands run (default the local host). */
  host?: AgentHost;
}

/** What the settings, the CLI, Configure Agent Back-ends and the dashboard show of a back-end. */
export interface BackendInfo {
  readonly id: BackendId;
  /** The one name of the back-end in every surface. */
  readonly label: string;
  /** One line for the setting's enum description (package.json's enumDescriptions, checked by a test). */
  readonly description: string;
  readonly capabilities: BackendCapabilities;
  /** Place in every list (settings, quick picks, CLI help): lower first. */
  readonly order: number;
}

/** A back-end the registry can build. */
export interface BackendRegistration extends BackendInfo {
  /** The back-end for this configuration; `undefined` when it is not configured at all (no custom command). */
  create(config: BackendConfig): AgentBackend | undefined;
}

/**
 * The one list of agent back-ends: `{ id, label, capabilities, create(config) }` in display order. Immutable:
 * a layer adds its own back-ends with {@link with} (the VS Code layer adds the VS Code LM back-end).
 */
export class BackendRegistry<T extends BackendInfo = BackendRegistration> {
  private readonly entries: readonly T[];

  constructor(entries: Iterable<T>) {
    const list = [...entries].sort((a, b) => a.order - b.order);
    const ids = new Set<string>();
    for (const e of list) {
      if (ids.has(e.id)) throw new Error(`the agent back-end '${e.id}' is registered twice`);
      ids.add(e.id);
    }
    this.entries = list;
  }

  /** A registry with one more back-end. */
  with(entry: T): BackendRegistry<T> {
    return new BackendRegistry([...this.entries, entry]);
  }

  list(): readonly T[] {
    return this.entries;
  }

  ids(): BackendId[] {
    return this.entries.map((e) => e.id);
  }

  has(id: unknown): id is BackendId {
    return typeof id === 'string' && this.entries.some((e) => e.id === id);
  }

  get(id: BackendId): T | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** The back-end's label; its id when it is not registered (a SpecTask written by a newer version). */
  label(id: BackendId): string {
    return this.get(id)?.label ?? id;
  }

  /** Every label by id (what travels to the dashboard, which cannot import core). */
  labels(): Record<BackendId, string> {
    return Object.fromEntries(this.entries.map((e) => [e.id, e.label]));
  }
}

/** The part of a configuration every back-end passes to its runs: the source environment and the host. */
export function runEnvironment(config: BackendConfig): Pick<BackendConfig, 'sourceEnv' | 'host'> {
  return {
    ...(config.sourceEnv ? { sourceEnv: config.sourceEnv } : {}),
    ...(config.host ? { host: config.host } : {}),
  };
}
