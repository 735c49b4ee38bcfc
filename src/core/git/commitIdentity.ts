import type { GitRunner } from './gitRunner';

/** The identity used for our commits when the user has configured none (a fresh CI machine, a container). */
export const FALLBACK_IDENTITY = { name: 'SpecTask Orchestrator', email: 'spectask@localhost' } as const;

/**
 * Environment for a commit in `cwd`: empty when git already knows who commits (the user's own identity is
 * used, as it should be), else the fallback identity, so a tick never fails with "Please tell me who you are".
 */
export async function commitIdentityEnv(git: GitRunner, cwd: string): Promise<Record<string, string>> {
  const name = (await git.tryRun(['config', 'user.name'], { cwd }))?.trim();
  const email = (await git.tryRun(['config', 'user.email'], { cwd }))?.trim();
  if (name && email) return {};
  return {
    GIT_AUTHOR_NAME: name || FALLBACK_IDENTITY.name,
    GIT_AUTHOR_EMAIL: email || FALLBACK_IDENTITY.email,
    GIT_COMMITTER_NAME: name || FALLBACK_IDENTITY.name,
    GIT_COMMITTER_EMAIL: email || FALLBACK_IDENTITY.email,
  };
}
