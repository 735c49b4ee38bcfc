import * as path from 'node:path';
import type { AgentBackend, AgentRun, BackendCapabilities, ProbeResult, StartRequest } from '../agentBackend';
import { buildAgentEnv } from '../agentEnv';
import { runEnvironment, type BackendInfo, type BackendRegistration } from '../backendRegistry';
import { findExecutable } from '../binaryProbe';
import { findAcpAgent, parseAcpArgv, type AcpAgentSpec, type AcpConfig } from './acpAgents';
import type { AcpAgentCommand, AcpRunOptions } from './acpRun';

/** What every surface shows of the ACP back-end. */
export const ACP_BACKEND_INFO: BackendInfo = {
  id: 'acp',
  label: 'ACP agent',
  description: 'Any Agent Client Protocol agent (spectask.agents.acp.agent)',
  capabilities: {
    resume: true,
    followUp: false,
    softInterrupt: true,
    permissionCallback: true,
    reportsCost: false,
    osSandbox: false,
  },
  order: 80,
};

/** The agent a configuration names; `undefined` when it names none, an error when the name is unknown. */
export function resolveAcpAgent(cfg: AcpConfig | undefined): AcpAgentSpec | undefined {
  if (cfg?.command) {
    const argv = parseAcpArgv(cfg.command);
    if ('error' in argv) throw new Error(`ACP agent command: ${argv.error}`);
    return {
      name: 'custom',
      label: `ACP agent (${argv.argv[0]})`,
      command: argv.argv[0]!,
      args: argv.argv.slice(1),
      installHint: `install '${argv.argv[0]}'`,
    };
  }
  if (!cfg?.agent) return undefined;
  const spec = findAcpAgent(cfg.agent, cfg.agents);
  if (!spec) throw new Error(`unknown ACP agent '${cfg.agent}'`);
  return spec;
}

/** The process of one run: the spec's argv plus what the request brings (model, endpoint, state folder). */
export function acpCommandFor(spec: AcpAgentSpec, req: StartRequest): AcpAgentCommand {
  const ep = req.endpoint;
  const env: Record<string, string> = { ...spec.env, ...spec.levelEnv?.(req) };
  const ownHome = ep?.baseUrl && spec.stateDirEnv ? req.stateDir : undefined;
  if (ownHome && spec.stateDirEnv) env[spec.stateDirEnv] = ownHome;
  if (ep?.baseUrl && spec.endpointEnv?.baseUrl) env[spec.endpointEnv.baseUrl] = ep.baseUrl;
  const keyVar = ep?.apiKeyEnv ?? spec.endpointEnv?.apiKey;
  if (ep?.apiKey && keyVar) env[keyVar] = ep.apiKey;
  const extraDirs = req.extraDirs ?? [];
  const programFiles = [spec.command, ...spec.args].filter((a) => path.isAbsolute(a));
  return {
    command: spec.command,
    args: [
      ...spec.args,
      ...(req.model && spec.modelArgs ? spec.modelArgs(req.model) : []),
      ...(spec.dirArgs ? spec.dirArgs(extraDirs) : []),
    ],
    envAllow: spec.envAllow,
    env,
    fixEnv: spec.fixEnv,
    files: ownHome && spec.stateFiles ? spec.stateFiles(ownHome, req) : [],
    // What the sandbox lets the agent write: its worktree, its SpecTask folder, its state (and its own CLI's
    // sessions and login in the home). Without these, bwrap bound only the cwd: the agent's writes to its SpecTask
    // folder went to a throw-away tmpfs and its login was hidden.
    sandbox: {
      writable: [req.worktree, ...extraDirs],
      stateDirs: req.stateDir ? [req.stateDir] : [],
      ...(spec.sandboxState ? { backend: spec.sandboxState } : {}),
      // The program and a script the user's machine-scoped agent list names (`["node","/path/agent.mjs","--acp"]`)
      // stay readable, also where the sandbox hides /tmp.
      ...(programFiles.length ? { programFiles } : {}),
    },
  };
}

/**
 * Any Agent Client Protocol agent (Gemini CLI `--acp`, the Claude and Codex adapters, Copilot, goose, …): one
 * back-end speaking JSON-RPC over the agent's stdio, started through the agent host like every CLI.
 */
export class AcpBackend implements AgentBackend {
  readonly id = ACP_BACKEND_INFO.id;
  readonly capabilities: BackendCapabilities = ACP_BACKEND_INFO.capabilities;
  readonly label = ACP_BACKEND_INFO.label;
  /** Which agent this is, for messages (`Gemini CLI (ACP)`). */
  readonly agentLabel: string;

  constructor(
    private readonly spec: AcpAgentSpec,
    private readonly runOptions: Omit<AcpRunOptions, 'backendId'> = {},
  ) {
    this.agentLabel = spec.label;
  }

  /** Is the binary there? (Whether it is signed in shows only when a session starts: ACP has no cheap check.) */
  async probe(): Promise<ProbeResult> {
    if (this.runOptions.problem) return { available: false, problem: this.runOptions.problem };
    const env = buildAgentEnv(this.runOptions.sourceEnv ?? process.env, this.spec.envAllow ?? []);
    const bin = findExecutable(this.spec.command, env.PATH);
    if (!bin)
      return {
        available: false,
        problem: `${this.spec.label}: '${this.spec.command}' was not found on PATH. Install it: ${this.spec.installHint}`,
      };
    return { available: true, binary: bin };
  }

  start(req: StartRequest): AgentRun {
    // Loaded at the first ACP run, not at activation: the SDK and its schema library (zod) take about 60 ms to
    // evaluate, which every VS Code start paid for, ACP agent or not (the bundler keeps a required module lazy).
    const { AcpRun } = require('./acpRun') as typeof import('./acpRun');
    return new AcpRun(acpCommandFor(this.spec, req), req, { ...this.runOptions, backendId: this.id });
  }

  /** `session/resume` (or `session/load`) when the agent offers it, else a new session with a notice. */
  resume(req: StartRequest & { resumeSessionId: string }): AgentRun {
    return this.start(req);
  }
}

/** The ACP back-end in the registry; not offered until an agent is chosen (a name or an argv). */
export const ACP_BACKEND: BackendRegistration = {
  ...ACP_BACKEND_INFO,
  create: (cfg) => {
    try {
      const spec = resolveAcpAgent(cfg.acp);
      return spec ? new AcpBackend(spec, runEnvironment(cfg)) : undefined;
    } catch (err) {
      // Listed, so that its probe says what is wrong, rather than taking every other back-end down with it.
      const name = cfg.acp?.agent ?? 'custom';
      const spec: AcpAgentSpec = { name, label: ACP_BACKEND_INFO.label, command: name, args: [], installHint: '' };
      return new AcpBackend(spec, { ...runEnvironment(cfg), problem: (err as Error).message });
    }
  },
};
