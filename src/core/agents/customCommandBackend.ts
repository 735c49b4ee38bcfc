import type { AgentBackend, AgentRun, BackendCapabilities, ProbeResult, StartRequest } from './agentBackend';
import { buildAgentEnv } from './agentEnv';
import { findExecutable } from './binaryProbe';
import { CustomCommandAdapter, type CustomCommandTemplate } from './customCommandAdapter';
import { startCliRun, type CliRunOptions } from './processRunner';

/** Any other agent CLI, driven by an argument-array template; its plain-text output becomes text events. */
export class CustomCommandBackend implements AgentBackend {
  readonly id = 'custom' as const;
  readonly capabilities: BackendCapabilities = {
    resume: false,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  };
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
