import { vscode } from '../vscodeApi';
import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  BackendId,
  ProbeResult,
} from '../../core/agents/agentBackend';
import { BACKEND_LABELS, BackendCatalog } from './backends';
import { MANAGE_TRUST_COMMAND, MANAGE_TRUST_LABEL, UNTRUSTED_MESSAGE } from './trustPolicy';

let noticeShown: Thenable<unknown> | undefined;

/**
 * Tells the user, once at a time, that SpecTask waits for Workspace Trust, with the button that opens VS Code's
 * trust editor. Not awaited by callers: a command must not wait for the message to be dismissed.
 */
export function showUntrustedNotice(): void {
  if (noticeShown) return; // one toast, however many commands or views asked
  noticeShown = vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, MANAGE_TRUST_LABEL).then((choice) => {
    noticeShown = undefined;
    if (choice === MANAGE_TRUST_LABEL) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  });
}

/** Stands in for every back-end while the workspace is untrusted: probes nothing, starts nothing. */
class UntrustedBackend implements AgentBackend {
  readonly label: string;
  constructor(
    readonly id: BackendId,
    readonly capabilities: BackendCapabilities,
  ) {
    this.label = BACKEND_LABELS[id];
  }
  async probe(): Promise<ProbeResult> {
    return { available: false, problem: UNTRUSTED_MESSAGE };
  }
  start(): AgentRun {
    throw new Error(UNTRUSTED_MESSAGE);
  }
  resume(): AgentRun {
    throw new Error(UNTRUSTED_MESSAGE);
  }
}

/**
 * The back-end catalog, gated by Workspace Trust: while the workspace is untrusted every back-end is an
 * {@link UntrustedBackend}, so no probe runs a binary (`--version`) or calls an endpoint, and no agent
 * starts, whichever feature asks (activation, Configure Agent Back-ends, Create, the orchestrators' pools,
 * whose wrappers ask `get` on every call). Once trusted, the real back-ends answer again, without a reload.
 */
export class TrustGatedBackendCatalog extends BackendCatalog {
  override get(id: BackendId): AgentBackend {
    const real = super.get(id);
    return vscode.workspace.isTrusted ? real : new UntrustedBackend(id, real.capabilities);
  }
}
