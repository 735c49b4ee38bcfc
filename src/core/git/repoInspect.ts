import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GitCommandError, RepositoryRefusedError } from './gitErrors';
import type { GitRunner } from './gitRunner';
import { isSupportedGitVersion, MIN_GIT_VERSION_TEXT, parseGitVersion, type GitVersion } from './gitVersion';

/** A repository the design-docs store can work with. All paths are absolute and real. */
export interface RepositoryInfo {
  /** The top of the work tree that was opened (the user's checkout). */
  root: string;
  /** This work tree's git dir (`.git`, or `.git/worktrees/<name>` in a linked worktree). */
  gitDir: string;
  /** The repository's common git dir, where refs, objects and `info/exclude` live. */
  commonDir: string;
  gitVersion: GitVersion;
}

/**
 * Checks that `folder` is inside a non-bare repository with at least one commit and a recent enough git, and
 * says why not otherwise ({@link RepositoryRefusedError}). Read-only: runs only `git --version` and
 * `git rev-parse`.
 */
export async function inspectRepository(folder: string, git: GitRunner): Promise<RepositoryInfo> {
  const abs = path.resolve(folder);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (!stat?.isDirectory()) throw new RepositoryRefusedError('not-a-repo', `${abs} is not a folder.`, abs);

  // Started together with `--version` (read-only either way); used only once the version is known to be fine.
  const quickLater = quickLook(abs, git).catch(() => undefined);
  let versionOut: string;
  try {
    versionOut = await git.run(['--version'], { cwd: abs });
  } catch (e) {
    if (e instanceof GitCommandError && e.spawnFailed) {
      throw new RepositoryRefusedError(
        'git-missing',
        `git was not found (tried '${git.binary}'). Install git ${MIN_GIT_VERSION_TEXT} or newer and make sure it is on the PATH.`,
        abs,
      );
    }
    throw e;
  }
  const gitVersion = parseGitVersion(versionOut);
  if (!gitVersion || !isSupportedGitVersion(gitVersion)) {
    throw new RepositoryRefusedError(
      'git-too-old',
      `${gitVersion ? `git ${gitVersion.major}.${gitVersion.minor}.${gitVersion.patch}` : `'${versionOut.trim()}'`} is too old: SpecTask needs git ${MIN_GIT_VERSION_TEXT} or newer.`,
      abs,
    );
  }

  const quick = await quickLater;
  if (quick) return { ...quick, gitVersion };

  const bare = await git.tryRun(['rev-parse', '--is-bare-repository'], { cwd: abs });
  if (bare === undefined) {
    throw new RepositoryRefusedError(
      'not-a-repo',
      `${abs} is not inside a git repository. SpecTasks live on a git branch: run 'git init' there (and make a first commit) to start one.`,
      abs,
    );
  }
  if (bare.trim() === 'true') {
    throw new RepositoryRefusedError(
      'bare-repo',
      `${abs} is a bare repository (no working tree). Open a clone with a working tree instead.`,
      abs,
    );
  }
  const inside = await git.tryRun(['rev-parse', '--is-inside-work-tree'], { cwd: abs });
  if (inside?.trim() !== 'true') {
    throw new RepositoryRefusedError(
      'not-a-repo',
      `${abs} is inside a git directory, not a working tree. Open the repository's top folder.`,
      abs,
    );
  }
  const [root, gitDir, commonDirRaw] = (
    await git.run(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], { cwd: abs })
  )
    .trim()
    .split('\n');
  const head = await git.tryRun(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: abs });
  if (!head?.trim()) {
    throw new RepositoryRefusedError(
      'no-commits',
      `The repository at ${root} has no commits yet. Make a first commit (for example 'git commit --allow-empty -m "Initial commit"'), then try again.`,
      abs,
    );
  }
  return { ...(await realPaths(abs, root, gitDir, commonDirRaw)), gitVersion };
}

/**
 * The usual case — a work tree of a repository with commits — answered by one `rev-parse` instead of four
 * (issue 24: every `spectask` command starts here). Anything else returns undefined, and the step-by-step
 * checks above say exactly what is wrong.
 */
async function quickLook(abs: string, git: GitRunner): Promise<Omit<RepositoryInfo, 'gitVersion'> | undefined> {
  const out = await git.tryRun(
    [
      'rev-parse',
      '--is-bare-repository',
      '--is-inside-work-tree',
      '--show-toplevel',
      '--absolute-git-dir',
      '--git-common-dir',
      'HEAD^{commit}',
    ],
    { cwd: abs },
  );
  const lines = out?.trim().split('\n');
  if (lines?.length !== 6) return undefined;
  const [bare, inside, root, gitDir, commonDir, head] = lines;
  if (bare !== 'false' || inside !== 'true' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return undefined;
  return realPaths(abs, root, gitDir, commonDir);
}

async function realPaths(abs: string, root: string, gitDir: string, commonDir: string) {
  return {
    root: await fs.realpath(root),
    gitDir: await fs.realpath(gitDir),
    commonDir: await fs.realpath(path.resolve(abs, commonDir)),
  };
}
