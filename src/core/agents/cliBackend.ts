import type {
  AgentBackend,
  AgentRun,
  BackendCapabilities,
  BackendId,
  EndpointConfig,
  ProbeResult,
  StartRequest,
} from './agentBackend';
import type { BackendInfo } from './backendRegistry';
import { probeCli, type CliProbeSpec } from './binaryProbe';
import type { BaseParseState, CliAdapter } from './cliAdapter';
import { startCliRun, type CliRunOptions } from './processRunner';

/** Options every CLI back-end takes. */
export interface CliBackendOptions extends CliRunOptions {
  /** Binary name or absolute path (default: the CLI's usual name, looked up on PATH). */
  binary?: string;
  /** Used when a request names no endpoint (e.g. a key from SecretStorage). */
  defaultEndpoint?: EndpointConfig;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

/** An `AgentBackend` made of a CLI adapter, the shared process runner and a probe. */
export class CliBackend<S extends BaseParseState> implements AgentBackend {
  readonly id: BackendId;
  readonly label: string;
  readonly capabilities: BackendCapabilities;

  constructor(
    info: BackendInfo,
    private readonly adapter: CliAdapter<S>,
    private readonly probeSpec: () => CliProbeSpec,
    private readonly runOptions: CliBackendOptions,
  ) {
    this.id = info.id;
    this.label = info.label;
    this.capabilities = info.capabilities;
  }

  probe(): Promise<ProbeResult> {
    return probeCli(this.probeSpec());
  }

  start(req: StartRequest): AgentRun {
    return startCliRun(
      this.adapter,
      { ...req, endpoint: req.endpoint ?? this.runOptions.defaultEndpoint },
      this.runOptions,
    );
  }

  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
}
