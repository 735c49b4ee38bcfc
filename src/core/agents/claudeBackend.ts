import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentEnv } from './agentEnv';
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
        authProblem: () => {
          if (
            opts.defaultEndpoint?.apiKey ||
            env.ANTHROPIC_API_KEY ||
            env.ANTHROPIC_AUTH_TOKEN ||
            env.CLAUDE_CODE_USE_BEDROCK ||
            env.CLAUDE_CODE_USE_VERTEX
          )
            return undefined;
          const configDir = env.CLAUDE_CONFIG_DIR ?? path.join(env.HOME ?? os.homedir(), '.claude');
          if (fs.existsSync(path.join(configDir, '.credentials.json'))) return undefined;
          if (process.platform === 'darwin') return undefined; // the login lives in the keychain, which we do not read
          return 'not logged in: run `claude` once and log in, or set an Anthropic API key in the settings (ANTHROPIC_API_KEY).';
        },
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
