import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Credential } from '../fakes/credentialCheck';
import { AGENT_CLIS_DIR } from './agentClis';
import type { ApiKind, PhaseName, Step } from './conformanceFake';
import { USER_EMAIL, USER_NAME } from './userMachine';
import { processesIn, removeWhenIdle } from './processes';

export { processesIn };

const CLI = path.resolve('dist/cli.js');
const execFileAsync = promisify(execFile);

/** How a user authenticates one back-end: files in the home and variables, for a fake at `url`. */
export interface AuthCase {
  name: 'own login' | 'API key';
  credential: Credential;
  setup(home: HomeWriter, url: string): Record<string, string>;
}

export interface BackendCase {
  /** The matrix's row label. */
  label: string;
  /** The `--backend` value. */
  flag: string;
  kind: ApiKind;
  auths: AuthCase[];
  /** Why a login of its own cannot be part of the matrix (shown as the row's auth when it has none here). */
  noLogin?: string;
}

type HomeWriter = (rel: string, text: string) => void;

/** Claude Code's /login token in ~/.claude/.credentials.json. */
export const CLAUDE_LOGIN: AuthCase = (() => {
  const token = `sk-ant-oat01-conformance-${randomUUID()}`;
  return {
    name: 'own login',
    credential: { bearer: token },
    setup: (write, url) => {
      write(
        '.claude/.credentials.json',
        JSON.stringify({
          claudeAiOauth: {
            accessToken: token,
            refreshToken: `sk-ant-ort01-conformance-${randomUUID()}`,
            expiresAt: Date.now() + 24 * 3600_000,
            scopes: ['user:inference', 'user:profile', 'user:sessions:claude_code'],
            subscriptionType: 'pro',
          },
        }),
      );
      return { ANTHROPIC_BASE_URL: url };
    },
  };
})();

export const CLAUDE_KEY: AuthCase = (() => {
  const key = `sk-ant-conformance-${randomUUID()}`;
  return {
    name: 'API key',
    credential: { apiKey: key },
    setup: (_w, url) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: key }),
  };
})();

const codexConfig = (url: string, auth: string[]) =>
  [
    'model = "fake-codex"',
    'model_provider = "gateway"',
    '',
    '[model_providers.gateway]',
    'name = "The user’s gateway"',
    `base_url = "${url}/v1"`,
    'wire_api = "responses"',
    'supports_websockets = false',
    ...auth,
    '',
  ].join('\n');

/** `codex login` (auth.json) with the user's provider in ~/.codex/config.toml. */
export const CODEX_LOGIN: AuthCase = (() => {
  const key = `sk-codex-login-${randomUUID()}`;
  return {
    name: 'own login',
    credential: { bearer: key },
    setup: (write, url) => {
      write('.codex/config.toml', codexConfig(url, ['requires_openai_auth = true']));
      write('.codex/auth.json', JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: key }));
      return {};
    },
  };
})();

/** A key in the environment, named by the provider of ~/.codex/config.toml (env_key). */
export const CODEX_KEY: AuthCase = (() => {
  const key = `sk-codex-key-${randomUUID()}`;
  return {
    name: 'API key',
    credential: { bearer: key },
    setup: (write, url) => {
      write('.codex/config.toml', codexConfig(url, ['env_key = "OPENAI_API_KEY"']));
      return { OPENAI_API_KEY: key };
    },
  };
})();

/** GEMINI_API_KEY, with the auth type gemini's first run stores (0.61 needs it for GOOGLE_GEMINI_BASE_URL). */
export const GEMINI_KEY: AuthCase = (() => {
  const key = `AIza-conformance-${randomUUID()}`;
  return {
    name: 'API key',
    credential: { googKey: key },
    setup: (write, url) => {
      write('.gemini/settings.json', JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
      return { GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: url };
    },
  };
})();

export const GEMINI_NO_LOGIN = 'its own login is a Google sign-in (OAuth), which no local fake can stand in for';

export const TITLE = 'Say hello';
export const SLUG = '000001_say-hello';
export const BRANCH = 'spectask/000001-say-hello';
export const DOCS_BRANCH = 'helix-design-docs';

/** A user's machine for one row: home (gitconfig, the back-end's login), a repository, and `spectask` to run. */
export interface ConformanceMachine {
  base: string;
  home: string;
  repo: string;
  folder: string;
  worktree: string;
  env: Record<string, string>;
  writeHome: HomeWriter;
  git(...args: string[]): string;
  /** `spectask <args>` to the end; throws with its output when it fails. */
  spectask(...args: string[]): Promise<string>;
  /** `spectask <args>` as a child process, for signals. */
  spawnSpectask(...args: string[]): ReturnType<typeof spawn>;
  cleanup(): void;
}

export function makeConformanceMachine(name: string): ConformanceMachine {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `spectask-conf-${name}-`)));
  const home = path.join(base, 'home');
  const repo = path.join(base, 'work', 'project');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(repo, { recursive: true });
  fs.writeFileSync(
    path.join(home, '.gitconfig'),
    `[user]\n\tname = ${USER_NAME}\n\temail = ${USER_EMAIL}\n[init]\n\tdefaultBranch = main\n`,
  );
  // The pinned CLIs and adapters on PATH, as a global npm install puts them.
  const env: Record<string, string> = {
    PATH: `${path.join(AGENT_CLIS_DIR, 'node_modules', '.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: 'C.UTF-8',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
  git('init', '-q');
  fs.writeFileSync(path.join(repo, 'README.md'), '# project\n');
  git('add', '.');
  git('commit', '-qm', 'init');
  return {
    base,
    home,
    repo,
    folder: path.join(repo, '.git-worktrees', DOCS_BRANCH, 'design', 'tasks', SLUG),
    worktree: path.join(repo, '.git-worktrees', SLUG),
    env,
    writeHome: (rel, text) => {
      const file = path.join(home, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { mode: 0o600 });
    },
    git,
    spectask: async (...args) => {
      try {
        return (await execFileAsync(process.execPath, [CLI, ...args], { cwd: repo, env, timeout: 150_000 })).stdout;
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string; message: string; signal?: string };
        const tail = (s = '') => s.trim().split('\n').slice(-8).join(' / ');
        const how = x.signal ? `killed by ${x.signal} (after 150 s?)` : 'failed';
        throw new Error(`spectask ${args[0]} ${how}: ${tail(x.stderr) || tail(x.stdout)}`);
      }
    },
    spawnSpectask: (...args) => spawn(process.execPath, [CLI, ...args], { cwd: repo, env, stdio: 'pipe' }),
    cleanup: () => removeWhenIdle(base),
  };
}

export const REQUIREMENTS = `# Requirements: ${TITLE}

- As a user, I want a greeting file, so that I am greeted.

- WHEN the work is done THE SYSTEM SHALL contain hello.txt.

## Open Questions

None.
`;
export const DESIGN = `# Design: ${TITLE}\n\nOne file.\n`;
export const REVISED = 'One file, hello.txt, written once.';
export const TASKS = `# Implementation Tasks: ${TITLE}\n\n- [ ] T1: write hello.txt\n`;
export const HELLO = 'hello\n';
export const HELLO_CHANGED = 'hello, world\n';

/** The scripts of the four phases, in the paths of `m`. */
export function phaseScripts(m: ConformanceMachine): Record<PhaseName, Step[]> {
  const doc = (f: string) => path.join(m.folder, f);
  const code = (f: string) => path.join(m.worktree, f);
  return {
    planning: [
      { read: doc('requirements.md') },
      { write: doc('requirements.md'), content: REQUIREMENTS },
      { read: doc('design.md') },
      { write: doc('design.md'), content: DESIGN },
      { read: doc('tasks.md') },
      { write: doc('tasks.md'), content: TASKS },
    ],
    revision: [{ read: doc('design.md') }, { edit: doc('design.md'), from: 'One file.', to: REVISED }],
    implementation: [
      { read: doc('tasks.md') },
      { write: code('hello.txt'), content: HELLO },
      { edit: doc('tasks.md'), from: '- [ ] T1:', to: '- [x] T1:' },
    ],
    changes: [{ read: code('hello.txt') }, { write: code('hello.txt'), content: HELLO_CHANGED }],
  };
}
