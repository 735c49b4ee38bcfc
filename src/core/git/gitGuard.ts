import { isGitEnvKey, vulnerabilityCheck, type VulnerabilityCategory } from '@simple-git/argv-parser';
import { ALLOWED_EXTRA_ENV, type GitCommandFailure } from './gitCommandTypes';

// What every git command of the host passes before it starts (gitCommand.ts). These are the checks simple-git
// made when it ran our commands, from the library it uses for them (@simple-git/argv-parser): an argument that
// makes git run a program or read another configuration is refused, and git gets no ambient variable that could
// redirect it (GIT_DIR, GIT_SSH_COMMAND…) or make it interactive (EDITOR, PAGER, askpass).

/**
 * The one unsafe category our own arguments use: the integration's fast-forward runs the repository's own hooks
 * when the user asked for them (`-c core.hooksPath=<its hooks>`, branchIntegration.ts). The hardened `-c` pairs
 * (HARDENED_GIT_CONFIG) are added after the check, so they need no exception; simple-git, which checked them
 * too, had to allow `core.fsmonitor` for every argument list.
 */
const ALLOWED_CATEGORIES: ReadonlySet<VulnerabilityCategory> = new Set(['allowUnsafeHooksPath']);

const ALLOWED_ENV = new Set(ALLOWED_EXTRA_ENV.map((k) => k.toLowerCase()));

/** A variable simple-git's environment guard keeps from git: any GIT_*, an editor, pager, askpass or PREFIX. */
function guarded(key: string): boolean {
  const k = key.toLowerCase().trim();
  return (k.startsWith('git_') || isGitEnvKey(k)) && !ALLOWED_ENV.has(k);
}

/** Why `args` (and the extra variables) may not run, or undefined when they may. */
export function refusal(
  args: readonly string[],
  extra: Record<string, string> | undefined,
): GitCommandFailure | undefined {
  for (const key of Object.keys(extra ?? {}))
    if (guarded(key))
      return refused(
        `Use of "${key}" is blocked by the environment guard: only ${ALLOWED_EXTRA_ENV.join(', ')} may be set`,
      );
  const found = vulnerabilityCheck(args, extra ?? {}).find((v) => !ALLOWED_CATEGORIES.has(v.category));
  return found ? refused(found.message) : undefined;
}

function refused(message: string): GitCommandFailure {
  return { message: `git was not started: ${message}`, gitError: false };
}

/**
 * The environment git runs with. Without extra variables: this process's own, minus the guarded ones (the
 * allowed names are kept: a user's GIT_AUTHOR_NAME still applies). With extra variables (a commit identity, the
 * index file, no terminal prompt): this process's own minus every GIT_* and editor-like variable, plus them.
 * Always GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS: git refuses `--amen` for `--amend`, so a value cut short can
 * never turn into another option. The same environment simple-git gave every command.
 */
export function gitCommandEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const withExtra = extra !== undefined && Object.keys(extra).length > 0;
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (!guarded(k) && !(withExtra && ALLOWED_ENV.has(k.toLowerCase().trim()))) env[k] = v;
  }
  if (withExtra) Object.assign(env, extra);
  env.GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS = 'true';
  return env;
}
