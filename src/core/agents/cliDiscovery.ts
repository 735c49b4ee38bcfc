import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findExecutable } from './binaryProbe';

/** One place an agent CLI is looked for, in the order they are tried. */
export interface SearchPlace {
  /** What the user reads: "PATH", "the login shell's PATH", "~/.local/bin"… */
  readonly label: string;
  readonly dirs: readonly string[];
}

/** Where a CLI was found, and through which place. */
export interface DiscoveredCli {
  readonly path: string;
  readonly place: string;
}

/** What the search needs to know about this machine (all of it injectable for tests). */
export interface DiscoveryInput {
  /** The extension host's own PATH. */
  readonly envPath: string | undefined;
  /** The PATH a login shell sets up (`undefined` when it could not be read). */
  readonly loginShellPath?: string;
  /** npm's global prefix, when known (`NPM_CONFIG_PREFIX` or `prefix=` in ~/.npmrc). */
  readonly npmPrefix?: string;
  readonly home: string;
  /** The opened folders: nothing found inside them is ever run (they are untrusted content). */
  readonly workspaceFolders: readonly string[];
  readonly platform?: NodeJS.Platform;
}

const PATH_PLACE = 'PATH';
const LOGIN_PLACE = "the login shell's PATH";

/** Where scripts/install-agent-clis.sh puts the pinned CLIs (its default folder). */
export function agentCliCacheBin(home: string): string {
  return path.join(home, '.cache', 'spectask-agent-clis', 'node_modules', '.bin');
}

/** The bin directory of an npm global prefix (`<prefix>/bin`, or the prefix itself on Windows). */
export function npmPrefixBin(prefix: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? prefix : path.join(prefix, 'bin');
}

/**
 * npm's global prefix without running npm: `NPM_CONFIG_PREFIX` (any case), else a `prefix=` line in the user's
 * ~/.npmrc. `undefined` means npm's default, whose bin directory is already beside `node` on PATH.
 */
export function readNpmPrefix(env: Readonly<Record<string, string | undefined>>, home: string): string | undefined {
  const fromEnv = env.NPM_CONFIG_PREFIX ?? env.npm_config_prefix;
  if (fromEnv?.trim()) return expandHome(fromEnv.trim(), home);
  let rc: string;
  try {
    rc = fs.readFileSync(path.join(home, '.npmrc'), 'utf8');
  } catch {
    return undefined;
  }
  const line = /^\s*prefix\s*=\s*(.+?)\s*$/m.exec(rc)?.[1];
  return line ? expandHome(line.replace(/^["']|["']$/g, ''), home) : undefined;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p.replace(/^\$\{?HOME\}?(?=\/|$)/, home);
}

/** `dir` equals or lies under one of `roots` (compared after resolving, so `a/../b` cannot slip through). */
function isInside(dir: string, roots: readonly string[]): boolean {
  const d = path.resolve(dir);
  return roots.some((root) => {
    const rel = path.relative(path.resolve(root), d);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/**
 * The places to search, in order: PATH, the login shell's PATH, the npm global prefix, ~/.local/bin, and the
 * CLIs this repository installs for its own tests. Relative PATH entries (`.`, `node_modules/.bin`) and any
 * directory inside an opened folder are left out: a binary a repository brings with it is never run.
 */
export function searchPlaces(input: DiscoveryInput): SearchPlace[] {
  const keep = (dirs: string[]) =>
    dirs.filter((d) => d && path.isAbsolute(d) && !isInside(d, input.workspaceFolders)).map((d) => path.resolve(d));
  const split = (p: string | undefined) => (p ?? '').split(path.delimiter);
  const places: SearchPlace[] = [
    { label: PATH_PLACE, dirs: keep(split(input.envPath)) },
    { label: LOGIN_PLACE, dirs: keep(split(input.loginShellPath)) },
    {
      label: 'the npm global prefix',
      dirs: keep(input.npmPrefix ? [npmPrefixBin(input.npmPrefix, input.platform)] : []),
    },
    { label: '~/.local/bin', dirs: keep([path.join(input.home, '.local', 'bin')]) },
    { label: '~/.cache/spectask-agent-clis', dirs: keep([agentCliCacheBin(input.home)]) },
  ];
  return places.filter((p) => p.dirs.length > 0);
}

/** The first `binary` in `places`, and the place it was found in. */
export function discoverCli(binary: string, places: readonly SearchPlace[]): DiscoveredCli | undefined {
  for (const place of places) {
    const found = findExecutable(binary, place.dirs.join(path.delimiter));
    if (found) return { path: found, place: place.label };
  }
  return undefined;
}

/** One sentence naming every place searched, for the "not found" message. */
export function describePlaces(places: readonly SearchPlace[]): string {
  const labels = places.map((p) => p.label);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

/**
 * `env` with the login shell's PATH directories it lacks appended (a CLI found there usually needs its `node`
 * from there too); `undefined` when there are none. A view of `env`, not a copy, so later changes to it still
 * reach the agents.
 */
export function envWithLoginPath(
  env: Record<string, string | undefined>,
  places: readonly SearchPlace[],
): Readonly<Record<string, string | undefined>> | undefined {
  const own = new Set(places.find((p) => p.label === PATH_PLACE)?.dirs ?? []);
  const extra = places.find((p) => p.label === LOGIN_PLACE)?.dirs.filter((d) => !own.has(d)) ?? [];
  if (extra.length === 0) return undefined;
  return new Proxy(env, {
    get: (target, key) =>
      key === 'PATH' ? [target.PATH, ...extra].filter(Boolean).join(path.delimiter) : Reflect.get(target, key),
  });
}

/** The input for this process: its PATH, home and npm prefix, with the login shell's PATH when known. */
export function localDiscoveryInput(
  loginShellPath: string | undefined,
  workspaceFolders: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): DiscoveryInput {
  const home = os.homedir();
  return {
    envPath: env.PATH ?? env.Path,
    loginShellPath,
    npmPrefix: readNpmPrefix(env, home),
    home,
    workspaceFolders,
  };
}
