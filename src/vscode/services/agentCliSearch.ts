import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  BackendId,
  ProbeResult,
  StartRequest,
} from '../../core/agents/agentBackend';
import { NOT_FOUND_ON_PATH } from '../../core/agents/binaryProbe';
import { CLAUDE_BACKEND_INFO } from '../../core/agents/claudeBackend';
import { CODEX_BACKEND_INFO } from '../../core/agents/codexBackend';
import { GEMINI_BACKEND_INFO } from '../../core/agents/geminiBackend';
import {
  describePlaces,
  discoverCli,
  envWithLoginPath,
  localDiscoveryInput,
  searchPlaces,
  type DiscoveredCli,
  type SearchPlace,
} from '../../core/agents/cliDiscovery';
import { LoginShellPathOnce } from '../../core/agents/loginShellPathOnce';
import { vscode } from '../vscodeApi';

/** The CLI back-ends that are looked for when their path setting is empty, and their binary names. */
export const DISCOVERED_CLIS: Readonly<Partial<Record<BackendId, string>>> = {
  [CLAUDE_BACKEND_INFO.id]: 'claude',
  [CODEX_BACKEND_INFO.id]: 'codex',
  [GEMINI_BACKEND_INFO.id]: 'gemini',
};

/**
 * Finds the agent CLIs in the usual places when their path setting is empty (core/agents/cliDiscovery.ts): the
 * login shell's PATH is read once, in the background; {@link ready} resolves when it is known.
 */
export class AgentCliSearch {
  private readonly loginPath: LoginShellPathOnce;

  constructor(onLoaded: () => void, readLoginPath?: () => Promise<string | undefined>) {
    this.loginPath = new LoginShellPathOnce(() => vscode.workspace.isTrusted, onLoaded, readLoginPath);
    void this.ready();
  }

  /**
   * Resolves once the login shell's PATH was read (or could not be), never within this call (loginShellPathOnce.ts).
   * Nothing is started while the workspace is untrusted (SpecTask starts no process then); the first call after
   * trust is granted reads it.
   */
  ready(): Promise<void> {
    return this.loginPath.ready();
  }

  /** Where the CLIs are looked for now; opened folders are left out. */
  places(): SearchPlace[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return searchPlaces(localDiscoveryInput(this.loginPath.path, folders));
  }

  /** The CLI of `id` in the usual places, `undefined` when it is none of the looked-for CLIs or not found. */
  find(id: BackendId, places = this.places()): DiscoveredCli | undefined {
    const binary = DISCOVERED_CLIS[id];
    return binary ? discoverCli(binary, places) : undefined;
  }

  /** "PATH, the login shell's PATH, … or ~/.cache/spectask-agent-clis". */
  describe(places = this.places()): string {
    return describePlaces(places);
  }

  /**
   * The environment agents start from: this process's, with the login shell's PATH directories it lacks appended
   * (a CLI found there usually needs its `node` from there too). The same object as process.env when nothing is
   * added; otherwise a view of it, so later changes to process.env still reach the agents.
   */
  sourceEnv(places = this.places()): Readonly<Record<string, string | undefined>> | undefined {
    return envWithLoginPath(process.env, places);
  }
}

/** A CLI back-end that was looked for everywhere: its "not found" problem names every place searched. */
export class SearchedBackend implements AgentBackend {
  constructor(
    private readonly inner: AgentBackend,
    private readonly where: string,
  ) {}
  get id(): BackendId {
    return this.inner.id;
  }
  get label(): string {
    return this.inner.label;
  }
  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }
  async probe(): Promise<ProbeResult> {
    const result = await this.inner.probe();
    if (result.available || !result.problem?.includes(NOT_FOUND_ON_PATH)) return result;
    return { ...result, problem: result.problem.replace(NOT_FOUND_ON_PATH, `was not found in ${this.where}`) };
  }
  start(req: StartRequest): AgentRun {
    return this.inner.start(req);
  }
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.inner.resume(req);
  }
}
