import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentEnv } from './agentEnv';
import { runEnvironment, type BackendInfo, type BackendRegistration } from './backendRegistry';
import { CliBackend, type CliBackendOptions } from './cliBackend';
import { GeminiAdapter, GEMINI_ENV_ALLOW } from './geminiAdapter';

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
        authProblem: () => {
          if (opts.defaultEndpoint?.apiKey || env.GEMINI_API_KEY || env.GOOGLE_API_KEY || env.GOOGLE_GENAI_USE_VERTEXAI)
            return undefined;
          if (fs.existsSync(path.join(env.HOME ?? os.homedir(), '.gemini', 'oauth_creds.json'))) return undefined;
          return 'not logged in: run `gemini` once and sign in with Google, or set a Gemini API key in the settings (GEMINI_API_KEY).';
        },
      };
    },
    opts,
  );
}

/** The Gemini back-end in the registry. */
export const GEMINI_BACKEND: BackendRegistration = {
  ...GEMINI_BACKEND_INFO,
  create: (cfg) => createGeminiBackend({ binary: cfg.geminiPath || undefined, ...runEnvironment(cfg) }),
};
