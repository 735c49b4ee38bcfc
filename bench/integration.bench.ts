// The integration queue (issue 21): how many SpecTask branches it integrates per minute with a trivial test
// command (`true`), and its overhead per integration against the bare minimum a person would type — `git
// rebase` + `git merge --ff-only` — measured on an identical repository in the same run. The queue's figure is
// one integration as the Integrator runs it (integrateOne: a check of the user's checkout, the scratch worktree
// reset to the branch, the rebase, the test command through the agent host, the compare-and-swap
// fast-forward; the kept scratch worktree's removal once the queue drained is counted too), without the status
// commits on the design-docs branch around it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localAgentHost } from '../src/core/agents/localAgentHost';
import { GitQueueRegistry } from '../src/core/git/gitQueue';
import { integrateOne } from '../src/core/orchestrator/integration/integrateOne';
import { keptScratchPath, removeScratch } from '../src/core/orchestrator/integration/scratchWorktrees';
import { DEFAULT_INTEGRATION } from '../src/core/orchestrator/settings';
import { now, report, round } from './benchKit';

const TASKS = Number(process.env.BENCH_INTEGRATIONS ?? 20);
const git = (cwd: string, ...a: string[]) =>
  execFileSync('git', a, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@x',
    },
  }).trim();

/** A repository on `main` (checked out nowhere: the user is on `work`) with TASKS branches of one commit each. */
function makeRepo(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-integration-'));
  git(repo, 'init', '-q', '-b', 'main');
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(repo, `file-${i}.txt`), `${i}\n`.repeat(50));
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'initial');
  for (let i = 0; i < TASKS; i++) {
    git(repo, 'checkout', '-qb', `spectask/${String(i + 1).padStart(6, '0')}-t`, 'main');
    fs.writeFileSync(path.join(repo, `task-${i}.txt`), `task ${i}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', `task ${i}\n\nSpecTask: ${String(i + 1).padStart(6, '0')}`);
  }
  git(repo, 'checkout', '-qb', 'work', 'main');
  return repo;
}

async function queueRun(repo: string): Promise<number> {
  const registry = new GitQueueRegistry();
  const queue = registry.forRepo(repo);
  const commonDir = path.join(repo, '.git');
  const scratch = keptScratchPath(commonDir);
  const t0 = now();
  for (let i = 0; i < TASKS; i++) {
    const number = String(i + 1).padStart(6, '0');
    const r = await integrateOne({
      queue,
      host: localAgentHost,
      repoRoot: repo,
      commonDir,
      wt: { path: repo, branch: `spectask/${number}-t`, baseBranch: 'main' },
      number,
      title: `task ${i}`,
      settings: { ...DEFAULT_INTEGRATION, testCommand: 'true' },
      outputFile: path.join(commonDir, 'spectask', 'integration-logs', `${number}.log`),
      scratch,
    });
    if (r.kind !== 'merged') throw new Error(`task ${number}: ${JSON.stringify(r)}`);
  }
  await queue.enqueue('integration: clean up', (git) => removeScratch(git, scratch));
  const ms = now() - t0;
  await queue.whenIdle();
  registry.dispose();
  return ms;
}

/** The bare reference: in the user's own checkout, `git rebase main <branch>`, then `git merge --ff-only`. */
function bareRun(repo: string): number {
  const t0 = now();
  for (let i = 0; i < TASKS; i++) {
    const branch = `spectask/${String(i + 1).padStart(6, '0')}-t`;
    git(repo, 'rebase', '-q', 'main', branch);
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--ff-only', branch);
  }
  return now() - t0;
}

async function main(): Promise<void> {
  const queued = makeRepo();
  const bare = makeRepo();
  const queueMs = await queueRun(queued);
  const bareMs = bareRun(bare);
  if (git(queued, 'rev-list', '--count', 'main') !== String(TASKS + 1)) throw new Error('the queue lost a task');
  const perQueue = queueMs / TASKS;
  const perBare = bareMs / TASKS;
  console.log(`${TASKS} integrations: queue ${round(queueMs)} ms, bare git ${round(bareMs)} ms`);
  report('integration queue', [
    {
      metric: `SpecTasks integrated per minute (${TASKS}, test command "true")`,
      value: 60_000 / perQueue,
      unit: '/min',
      reference: { label: 'bare git rebase + merge --ff-only', value: 60_000 / perBare, unit: '/min' },
    },
    {
      metric: 'time per integration',
      value: perQueue,
      unit: 'ms',
      reference: { label: 'bare git rebase + merge --ff-only', value: perBare, unit: 'ms' },
    },
  ]);
  for (const r of [queued, bare]) fs.rmSync(r, { recursive: true, force: true });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
