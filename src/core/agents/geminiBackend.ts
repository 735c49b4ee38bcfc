import { buildAgentEnv } from './agentEnv';
import { geminiLoginProblem } from './cliLogins';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { CliBackend, type CliBackendOptions } from './cliBackend';
import { GeminiAdapter, GEMINI_ENV_ALLOW } from './geminiAdapter';
import { gitIdentityOf } from './gitIdentity';

/** Oldest Gemini CLI whose stream-json output this adapter was checked against. */
export const GEMINI_MIN_VERSION = '0.61.0';

/** What every surface shows of the Gemini back-end. */
export const GEMINI_BACKEND_INFO: BackendInfo = {
  id: 'gemini',
  label: 'Gemini CLI',
  description: 'Gemini CLI (`gemini`)',
  capabilities: {
    resume: true,
    followUp: false,
    softInterrupt: false,
    permissionCallback: false,
    reportsCost: false,
    osSandbox: false,
  },
  order: 30,
};

/** Gemini CLI back-end: `gemini -p` with stream-json, resume, approval modes. */
export function createGeminiBackend(
  opts: CliBackendOptions = {},
): CliBackend<ReturnType<GeminiAdapter['createState']>> {
  const adapter = new GeminiAdapter({ binary: opts.binary, extraArgs: opts.extraArgs, extraEnv: opts.extraEnv });
  const source = () => opts.sourceEnv ?? process.env;
  return new CliBackend(
    GEMINI_BACKEND_INFO,
    adapter,
    () => {
      const env = source();
      return {
        label: GEMINI_BACKEND_INFO.label,
        binary: opts.binary ?? 'gemini',
        installHint: 'npm install -g @google/gemini-cli',
        minVersion: GEMINI_MIN_VERSION,
        env: buildAgentEnv(env, GEMINI_ENV_ALLOW, { GEMINI_CLI_NO_RELAUNCH: 'true' }),
        // The same home and login the runs use (cliLogins.ts).
        authProblem: () => geminiLoginProblem(env, !!opts.defaultEndpoint?.apiKey),
      };
    },
    {
      ...opts,
      // Gemini hides ~/.gitconfig from its shell commands: its runs get the user's identity explicitly.
      prepare: async (req) => ({
        gitIdentity: await gitIdentityOf(req.worktree, source()),
        ...(await opts.prepare?.(req)),
      }),
    },
  );
}

/** The Gemini back-end in the registry. */
export const GEMINI_BACKEND: BackendRegistration = {
  ...GEMINI_BACKEND_INFO,
  create: (cfg) => createGeminiBackend({ binary: cfg.geminiPath || undefined, ...runEnvironment(cfg) }),
};
