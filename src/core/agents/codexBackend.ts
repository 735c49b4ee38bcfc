import { buildAgentEnv } from './agentEnv';
import { codexLoginProblem } from './cliLogins';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { CliBackend, type CliBackendOptions } from './cliBackend';
import { CodexAdapter, CODEX_ENV_ALLOW } from './codexAdapter';
import { gitDirsOf } from './gitDirs';

/** Oldest Codex CLI whose `exec --json` stream this adapter was checked against. */
export const CODEX_MIN_VERSION = '0.169.0';

/** What every surface shows of the Codex back-end. */
export const CODEX_BACKEND_INFO: BackendInfo = {
  id: 'codex',
  label: 'Codex CLI',
  description: 'Codex CLI (`codex`)',
  capabilities: {
    resume: true,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: true,
  },
  order: 20,
};

/** Codex CLI back-end: `codex exec --json`, resume, sandbox levels that still allow committing in a worktree. */
export function createCodexBackend(opts: CliBackendOptions = {}): CliBackend<ReturnType<CodexAdapter['createState']>> {
  const adapter = new CodexAdapter({ binary: opts.binary, extraArgs: opts.extraArgs, extraEnv: opts.extraEnv });
  const source = () => opts.sourceEnv ?? process.env;
  return new CliBackend(
    CODEX_BACKEND_INFO,
    adapter,
    () => {
      const env = source();
      return {
        label: CODEX_BACKEND_INFO.label,
        binary: opts.binary ?? 'codex',
        installHint: 'npm install -g @openai/codex',
        minVersion: CODEX_MIN_VERSION,
        env: buildAgentEnv(env, CODEX_ENV_ALLOW),
        // The same home and login the runs use (cliLogins.ts).
        authProblem: () => codexLoginProblem(env, !!opts.defaultEndpoint?.apiKey),
      };
    },
    {
      ...opts,
      prepare: async (req) => ({
        gitDirs: req.permissions.mode === 'edit+commands' ? await gitDirsOf(req.worktree) : undefined,
        ...(await opts.prepare?.(req)),
      }),
    },
  );
}

/** The Codex back-end in the registry. */
export const CODEX_BACKEND: BackendRegistration = {
  ...CODEX_BACKEND_INFO,
  create: (cfg) => createCodexBackend({ binary: cfg.codexPath || undefined, ...runEnvironment(cfg) }),
};
