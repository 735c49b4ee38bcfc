import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findExecutable } from '../agents/binaryProbe';
import type { GitQueue } from '../git/gitQueue';
import type { CodeWorktree } from './codeWorktrees';
import { checkBranches, MergeError } from './codeWorktrees';
import { readBranchText } from '../docs/noFollow';

/** The file the implementation agent writes in its SpecTask folder: line 1 the title, then the body. */
export const PULL_REQUEST_FILE = 'pull_request.md';

/** Title and body from the agent's `pull_request.md`, or a description made from the SpecTask. */
export async function pullRequestText(
  taskFolder: string,
  fallback: { number: string; title: string; checklist: string[] },
): Promise<{ title: string; body: string }> {
  // Written by the agent in its folder on the design-docs branch: never through a link, never over the size cap.
  const written =
    (await readBranchText(path.dirname(taskFolder), path.join(taskFolder, PULL_REQUEST_FILE)).catch(() => undefined)) ??
    '';
  const [first, ...rest] = written.replace(/\r\n/g, '\n').split('\n');
  const title = first?.replace(/^#+\s*/, '').trim();
  const trailer = `\n\nSpecTask: ${fallback.number}\n`;
  if (title) return { title, body: rest.join('\n').trim() + trailer };
  return {
    title: `${fallback.title} (SpecTask #${fallback.number})`,
    body: `Implements SpecTask #${fallback.number}.\n\n${fallback.checklist.map((c) => `- [x] ${c}`).join('\n')}${trailer}`,
  };
}

/**
 * Accept with the pull-request strategy: pushes the task branch (never forced) and opens a pull request
 * with the GitHub CLI. Returns its URL. Fails with a clear message when gh or a remote is missing.
 */
export async function openPullRequest(
  queue: GitQueue,
  wt: CodeWorktree,
  text: { title: string; body: string },
  opts: { remote?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  checkBranches(wt);
  const env = opts.env ?? process.env;
  const gh = findExecutable('gh', env.PATH);
  if (!gh)
    throw new MergeError(
      'The pull-request strategy needs the GitHub CLI (gh) on PATH: install it and run `gh auth login`, or choose the fast-forward or merge-commit strategy.',
      'no-gh',
    );
  const remote = opts.remote ?? 'origin';
  await queue.enqueue(`push ${wt.branch}`, async (git) => {
    if ((await git.tryRun(['remote', 'get-url', remote])) === undefined)
      throw new MergeError(`The repository has no remote '${remote}' to push ${wt.branch} to.`, 'failed');
    // No terminal prompt: missing credentials fail with git's message instead of hanging the queue.
    await git.run(['push', '--set-upstream', '--end-of-options', remote, `${wt.branch}:${wt.branch}`], {
      env: { GIT_TERMINAL_PROMPT: '0' },
    });
  });
  const bodyFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'spectask-pr-')), 'body.md');
  await fs.writeFile(bodyFile, text.body);
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        gh,
        // gh takes the argument after a string flag as its value, whatever it starts with; the branches are checked.
        ['pr', 'create', '--base', wt.baseBranch, '--head', wt.branch, '--title', text.title, '--body-file', bodyFile],
        { cwd: wt.path, env, timeout: 120_000 },
        (err, stdout, stderr) =>
          err
            ? reject(
                new MergeError(
                  `gh pr create failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`,
                  'failed',
                ),
              )
            : resolve(stdout),
      ),
    );
    const url = out
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^https?:\/\//.test(l));
    return url ?? out.trim();
  } finally {
    await fs.rm(path.dirname(bodyFile), { recursive: true, force: true });
  }
}
