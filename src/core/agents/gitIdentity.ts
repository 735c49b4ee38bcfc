import { execFile } from 'node:child_process';

/** The author identity git uses in a folder: `user.name` and `user.email` as `git config` resolves them there. */
export interface GitIdentity {
  name?: string;
  email?: string;
}

function configValue(cwd: string, key: string, env: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve) =>
    // Reading config runs nothing from the repository (no hooks, no fsmonitor for `git config`).
    execFile('git', ['config', '--get', key], { cwd, env, timeout: 10_000 }, (err, out) =>
      resolve(err ? undefined : out.trim() || undefined),
    ),
  );
}

/**
 * The identity the user's git would commit with in `worktree` (their ~/.gitconfig, or the repository's own),
 * resolved with the agent's HOME. Gemini CLI hides the global git config from its shell commands
 * (GIT_CONFIG_GLOBAL=/dev/null), so this is what it is given instead.
 */
export async function gitIdentityOf(
  worktree: string,
  sourceEnv: Readonly<Record<string, string | undefined>>,
): Promise<GitIdentity> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'XDG_CONFIG_HOME', 'SystemRoot', 'USERPROFILE']) {
    const v = sourceEnv[k];
    if (v !== undefined) env[k] = v;
  }
  const [name, email] = await Promise.all([
    configValue(worktree, 'user.name', env),
    configValue(worktree, 'user.email', env),
  ]);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}
