import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codexHome, codexUserKeyVars } from './codexAdapter';

/**
 * Is an agent CLI logged in, judged by the rules its runs use: each CLI runs with the user's own home and
 * login (~/.claude, ~/.codex, ~/.gemini, or where the user's CLAUDE_CONFIG_DIR / CODEX_HOME / GEMINI_CLI_HOME
 * moved them), so the probe looks exactly there. `undefined` when a login or key is there, else what is missing,
 * written for the user. `keyConfigured`: SpecTask passes a key of its own to the run.
 */
type Env = Readonly<Record<string, string | undefined>>;

const home = (env: Env) => env.HOME ?? os.homedir();

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Claude Code: a key in the environment, `/login` credentials, or an `apiKeyHelper` in the user's settings. */
export function claudeLoginProblem(env: Env, keyConfigured: boolean): string | undefined {
  if (
    keyConfigured ||
    env.ANTHROPIC_API_KEY ||
    env.ANTHROPIC_AUTH_TOKEN ||
    env.CLAUDE_CODE_USE_BEDROCK ||
    env.CLAUDE_CODE_USE_VERTEX
  )
    return undefined;
  const configDir = env.CLAUDE_CONFIG_DIR ?? path.join(home(env), '.claude');
  if (fs.existsSync(path.join(configDir, '.credentials.json'))) return undefined;
  if (readJson(path.join(configDir, 'settings.json'))?.apiKeyHelper) return undefined;
  if (process.platform === 'darwin') return undefined; // the login lives in the keychain, which we do not read
  return 'not logged in: run `claude` once and log in (/login), or set an Anthropic API key (ANTHROPIC_API_KEY).';
}

/** Codex: a key in the environment, `codex login` (auth.json), or a key for a provider of the user's config.toml. */
export function codexLoginProblem(env: Env, keyConfigured: boolean): string | undefined {
  if (keyConfigured || env.OPENAI_API_KEY || env.CODEX_API_KEY) return undefined;
  const dir = codexHome({ ...env, HOME: home(env) });
  if (dir && fs.existsSync(path.join(dir, 'auth.json'))) return undefined;
  if (codexUserKeyVars({ ...env, HOME: home(env) }).some((v) => env[v])) return undefined;
  return 'not logged in: run `codex login`, or set an OpenAI API key (OPENAI_API_KEY).';
}

/** Gemini CLI: a key or Vertex in the environment, or a Google sign-in (oauth_creds.json). */
export function geminiLoginProblem(env: Env, keyConfigured: boolean): string | undefined {
  const geminiDir = path.join(env.GEMINI_CLI_HOME ?? home(env), '.gemini');
  if (env.GOOGLE_GEMINI_BASE_URL && !keyConfigured) {
    // gemini 0.61 takes a custom base URL only with an auth type chosen in its settings.
    const auth = readJson(path.join(geminiDir, 'settings.json'))?.security as { auth?: { selectedType?: string } };
    if (!auth?.auth?.selectedType)
      return 'GOOGLE_GEMINI_BASE_URL is set, but ~/.gemini/settings.json chooses no auth type: set security.auth.selectedType (e.g. "gemini-api-key"), or gemini stops with "Invalid auth method selected".';
  }
  if (keyConfigured || env.GEMINI_API_KEY || env.GOOGLE_API_KEY || env.GOOGLE_GENAI_USE_VERTEXAI) return undefined;
  if (fs.existsSync(path.join(geminiDir, 'oauth_creds.json'))) return undefined;
  return 'not logged in: run `gemini` once and sign in with Google, or set a Gemini API key (GEMINI_API_KEY).';
}
