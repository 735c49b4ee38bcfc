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

/** The pull request of a SpecTask: its URL, whether it existed already, and its checks when gh reports them. */
export interface PullRequestResult {
  url: string;
  /** An open pull request of the branch existed and was updated (title, body) instead of a new one opened. */
  updated: boolean;
  /** "checks: 2 passing, 1 pending"; undefined when gh reports none (yet). */
  checks?: string;
}

type GhResult = { code: number; stdout: string; stderr: string };

/** Runs gh without a shell; never rejects (the caller reads the code). */
function runGh(gh: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GhResult> {
  return new Promise((resolve) =>
    execFile(gh, args, { cwd, env, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr || (err?.message ?? '')),
      }),
    ),
  );
}

const ghFailure = (what: string, r: GhResult) =>
  new MergeError(`${what} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, 'failed');

/** The open pull request whose head is `branch`, if any (gh's JSON; anything else is "none"). */
async function openPullRequestOf(gh: string, wt: CodeWorktree, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // The branch is checked (checkBranches) before it gets here: it cannot be read as an option.
  const r = await runGh(gh, ['pr', 'view', wt.branch, '--json', 'url,state'], wt.path, env);
  if (r.code !== 0) return undefined;
  try {
    const v = JSON.parse(r.stdout) as { url?: unknown; state?: unknown };
    return v.state === 'OPEN' && typeof v.url === 'string' && /^https?:\/\//.test(v.url) ? v.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checks of a pull request in a few words ("checks: 2 passing, 1 pending"). gh exits non-zero while checks
 * are pending or failing, so its JSON is read whatever the code; no JSON means no checks reported yet.
 */
export async function pullRequestChecks(
  gh: string,
  url: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const r = await runGh(gh, ['pr', 'checks', url, '--json', 'bucket'], cwd, env);
  let list: unknown;
  try {
    list = JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || !list.length) return undefined;
  const words: Record<string, string> = { pass: 'passing', fail: 'failing', pending: 'pending', skipping: 'skipped' };
  const counts = new Map<string, number>();
  for (const c of list.slice(0, 1000)) {
    const bucket = (c as { bucket?: unknown })?.bucket;
    const word = typeof bucket === 'string' && words[bucket] ? words[bucket] : 'other';
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return `checks: ${[...counts].map(([w, n]) => `${n} ${w}`).join(', ')}`;
}

/**
 * The pull-request target of the integration queue, once its tests passed: pushes the task branch (never
 * forced) and opens one pull request with the GitHub CLI, or updates the open one (one per spec). Fails with a
 * clear message when gh or a remote is missing.
 */
export async function openPullRequest(
  queue: GitQueue,
  wt: CodeWorktree,
  text: { title: string; body: string },
  opts: { remote?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<PullRequestResult> {
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
    const existing = await openPullRequestOf(gh, wt, env);
    // gh takes the argument after a string flag as its value, whatever it starts with; the branches are checked.
    const args = existing
      ? ['pr', 'edit', existing, '--title', text.title, '--body-file', bodyFile]
      : ['pr', 'create', '--base', wt.baseBranch, '--head', wt.branch, '--title', text.title, '--body-file', bodyFile];
    const r = await runGh(gh, args, wt.path, env);
    if (r.code !== 0) throw ghFailure(existing ? 'gh pr edit' : 'gh pr create', r);
    const url =
      existing ??
      r.stdout
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /^https?:\/\//.test(l)) ??
      r.stdout.trim();
    return { url, updated: !!existing, checks: await pullRequestChecks(gh, url, wt.path, env) };
  } finally {
    await fs.rm(path.dirname(bodyFile), { recursive: true, force: true });
  }
}
