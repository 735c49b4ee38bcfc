import type { AgentBackend, AgentRun, BackendCapabilities, ProbeResult, StartRequest } from './agentBackend';
import { buildAgentEnv } from './agentEnv';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { findExecutable } from './binaryProbe';
import { CustomCommandAdapter, type CustomCommandTemplate } from './customCommandAdapter';
import { startCliRun, type CliRunOptions } from './processRunner';

/** What every surface shows of the custom-command back-end. */
export const CUSTOM_BACKEND_INFO: BackendInfo = {
  id: 'custom',
  label: 'Custom command',
  description: 'A custom command (spectask.customCommand.template)',
  capabilities: {
    resume: false,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  },
  order: 90,
};

/** Any other agent CLI, driven by an argument-array template; its plain-text output becomes text events. */
export class CustomCommandBackend implements AgentBackend {
  readonly id = CUSTOM_BACKEND_INFO.id;
  readonly capabilities: BackendCapabilities = CUSTOM_BACKEND_INFO.capabilities;
  private readonly adapter: CustomCommandAdapter;

  constructor(
    readonly label: string,
    private readonly template: CustomCommandTemplate,
    private readonly runOptions: CliRunOptions = {},
  ) {
    this.adapter = new CustomCommandAdapter(template);
  }

  async probe(): Promise<ProbeResult> {
    const env = buildAgentEnv(
      this.runOptions.sourceEnv ?? process.env,
      this.template.envAllow ?? [],
      this.template.env,
    );
    const bin = findExecutable(this.template.command, env.PATH);
    if (!bin) return { available: false, problem: `${this.label}: '${this.template.command}' was not found on PATH.` };
    return { available: true, binary: bin };
  }

  start(req: StartRequest): AgentRun {
    return startCliRun(this.adapter, req, this.runOptions);
  }

  /** A plain CLI has no sessions: resuming starts a fresh run with the same prompt rules. */
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
}

/** The custom-command back-end in the registry; not offered by the CLI until a command is configured. */
export const CUSTOM_BACKEND: BackendRegistration = {
  ...CUSTOM_BACKEND_INFO,
  create: (cfg) =>
    cfg.custom ? new CustomCommandBackend(CUSTOM_BACKEND_INFO.label, cfg.custom, runEnvironment(cfg)) : undefined,
};
