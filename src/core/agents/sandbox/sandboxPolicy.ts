import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentInvocation } from '../agentHost';
import { findExecutable } from '../binaryProbe';
import { gitDirsOf } from '../gitDirs';
import type { SandboxPolicy } from './bwrapArgs';
import { cliStateDirs } from './cliStateDirs';

/** bwrapArgs.ts mounts an empty tmpfs here. */
const PRIVATE_TMP = '/tmp';

/** The policy for one invocation, with its program resolved; or the program that is nowhere on its PATH. */
export type ResolvedSandbox = { policy: SandboxPolicy; command: string } | { missing: string };

/**
 * Gathers what the sandbox of `inv` hides and binds: the home and the session's runtime folder hidden; the folders the run names (only those that exist; the state
 * folders are created first), the git directories of every writable folder, the CLI's state in the home, and
 * the install folders of the program and of the PATH entries that the hidden home would otherwise take away
 * (CLIs installed with npm under ~/.nvm, ~/.local, ~/.cache).
 */
export async function sandboxPolicyFor(inv: AgentInvocation, userHome: string): Promise<ResolvedSandbox> {
  const command = findExecutable(inv.command, inv.env.PATH);
  if (!command) return { missing: inv.command };
  const paths = inv.sandbox ?? { writable: [inv.cwd] };
  const envHome = inv.env.HOME;
  // The user's runtime folder holds the sockets of the session's agents (D-Bus and its Secret Service, gpg-agent,
  // ssh-agent, the keyring): reachable on a read-only mount, so hidden like the home.
  const runtimeDirs = [
    inv.env.XDG_RUNTIME_DIR ?? '',
    typeof process.getuid === 'function' ? `/run/user/${process.getuid()}` : '',
  ];
  const hidden = (await existing([userHome, envHome ?? '', ...runtimeDirs].filter((h) => path.isAbsolute(h)))).filter(
    (h) => h !== '/',
  );
  for (const d of paths.stateDirs ?? []) await fs.promises.mkdir(d, { recursive: true, mode: 0o700 });
  const writable = await existing(paths.writable);
  // The worktree's own `.git` (a file in a linked worktree: it says where the git directory is) stays as it is.
  const gitDirs = await existing(
    unique([
      ...(paths.gitDirs ?? []),
      ...(await Promise.all(writable.map(gitDirsOf))).flat(),
      ...writable.map((w) => path.join(w, '.git')),
    ]),
  );
  const cliState = cliStateDirs(paths.backend, envHome ?? userHome);
  // A CLI's state folder is made on its first run: created inside the sandbox it would live in the tmpfs over the
  // home and vanish with the run, and with it the session the next phase resumes.
  for (const d of cliState.filter((p) => !p.endsWith('.json')))
    if (fs.existsSync(path.dirname(d))) await fs.promises.mkdir(d, { recursive: true, mode: 0o700 });
  const state = await existing([...(paths.stateDirs ?? []), ...cliState]);
  const visible = [...writable, ...state];
  const files = [command, ...(paths.programFiles ?? []).filter((f) => path.isAbsolute(f))];
  const programs = (await Promise.all(files.map(async (f) => [f, await fs.promises.realpath(f).catch(() => f)])))
    .flat()
    .map(installFolder);
  const pathDirs = (inv.env.PATH ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d));
  // What the hidden home or the private /tmp would take away from the program (a CLI installed under ~, a
  // custom command's script in a clone under /tmp) is bound back read-only.
  const emptied = [...hidden, PRIVATE_TMP];
  const readOnly = unique(await existing([...programs, ...pathDirs])).filter(
    (p) => emptied.some((h) => inside(h, p)) && !visible.some((v) => inside(v, p)),
  );
  return { command, policy: { hidden, readOnly, writable, gitDirs, state } };
}

/**
 * What to keep readable for a program: the whole `node_modules` it is installed in (a CLI's dependencies and
 * its platform binary live beside it), else its own folder.
 */
function installFolder(file: string): string {
  const at = file.indexOf(`${path.sep}node_modules${path.sep}`);
  return at >= 0 ? file.slice(0, at + `${path.sep}node_modules`.length) : path.dirname(file);
}

function inside(parent: string, p: string): boolean {
  const rel = path.relative(parent, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list.map((p) => path.resolve(p)))];
}

/**
 * The paths that exist, as real paths: a folder reached through a symlink is bound where it really is, so a
 * read-only git directory covers the one place the writable worktree's `.git` is.
 */
async function existing(list: readonly string[]): Promise<string[]> {
  const real = await Promise.all(list.map((p) => fs.promises.realpath(p).catch(() => undefined)));
  return unique(real.filter((p): p is string => p !== undefined));
}
