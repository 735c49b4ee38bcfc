import { buildAgentEnv } from './agentEnv';
import { claudeLoginProblem } from './cliLogins';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { ClaudeAdapter, CLAUDE_ENV_ALLOW } from './claudeAdapter';
import { CliBackend, type CliBackendOptions } from './cliBackend';

/** Oldest Claude Code whose stream format this adapter was checked against. */
export const CLAUDE_MIN_VERSION = '2.1.0';

/** What every surface shows of the Claude Code back-end. */
export const CLAUDE_BACKEND_INFO: BackendInfo = {
  id: 'claude-cli',
  label: 'Claude Code',
  description: 'Claude Code CLI (`claude`)',
  capabilities: {
    resume: true,
    followUp: false,
    softInterrupt: true,
    permissionCallback: false,
    reportsCost: true,
    osSandbox: false,
  },
  order: 10,
};

/** Claude Code CLI back-end: `claude -p` with stream-json, session resume, permission levels. */
export function createClaudeBackend(
  opts: CliBackendOptions = {},
): CliBackend<ReturnType<ClaudeAdapter['createState']>> {
  const adapter = new ClaudeAdapter({ binary: opts.binary, extraArgs: opts.extraArgs, extraEnv: opts.extraEnv });
  const source = () => opts.sourceEnv ?? process.env;
  return new CliBackend(
    CLAUDE_BACKEND_INFO,
    adapter,
    () => {
      const env = source();
      return {
        label: CLAUDE_BACKEND_INFO.label,
        binary: opts.binary ?? 'claude',
        installHint: 'npm install -g @anthropic-ai/claude-code',
        minVersion: CLAUDE_MIN_VERSION,
        env: buildAgentEnv(env, CLAUDE_ENV_ALLOW),
        // The same home and login the runs use (cliLogins.ts).
        authProblem: () => claudeLoginProblem(env, !!opts.defaultEndpoint?.apiKey),
      };
    },
    opts,
  );
}

/** The Claude Code back-end in the registry. */
export const CLAUDE_BACKEND: BackendRegistration = {
  ...CLAUDE_BACKEND_INFO,
  create: (cfg) => createClaudeBackend({ binary: cfg.claudePath || undefined, ...runEnvironment(cfg) }),
};
