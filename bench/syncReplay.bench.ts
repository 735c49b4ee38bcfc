// A sync's replay of unpushed design-docs commits (syncReplay.ts) onto a remote that moved (issue 23's hot spot:
// a worker with 8 agents has ~30 unpushed ticks and statuses, and every refused push replays them all again, so the
// push window grows with the backlog it is meant to clear). Measured: `replayCommits` of 30 such commits, through
// the product's git runner (its helper process), against git's own `git rebase` of the same commits onto the same
// head in a scratch worktree, in the same run.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replayCommits } from '../src/core/docs/syncReplay';
import { GitRunner } from '../src/core/git/gitRunner';
import { now, percentile, report } from './benchKit';

const COMMITS = Number(process.env.BENCH_REPLAY_COMMITS ?? 30);
const ROUNDS = Number(process.env.BENCH_REPLAY_ROUNDS ?? 7);
const TASKS = 16;
const IDENTITY = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'b@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'b@example.invalid',
};

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY },
  });

const folder = (i: number) => `design/tasks/${String(i + 1).padStart(6, '0')}_task-${i + 1}`;
const checklist = (done: number) =>
  `# Tasks\n\n${Array.from({ length: 30 }, (_, i) => `- [${i < done ? 'x' : ' '}] T${i + 1} step ${i + 1}`).join('\n')}\n`;
const record = (i: number, status: string) =>
  `${JSON.stringify({ id: String(i + 1).padStart(6, '0'), title: `Task ${i + 1}`, status }, null, 2)}\n`;

/** A clone whose branch has `COMMITS` unpushed ticks (one task's checklist, sometimes its record too) over a base,
 * and a remote head that moved meanwhile (five commits of other tasks): returns [repo, theirs, ours, base]. */
function setUp(root: string): [string, string, string, string] {
  const repo = path.join(root, 'repo');
  fs.mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'helix-design-docs');
  for (let i = 0; i < TASKS; i++) {
    fs.mkdirSync(path.join(repo, folder(i)), { recursive: true });
    fs.writeFileSync(path.join(repo, folder(i), 'tasks.md'), checklist(0));
    fs.writeFileSync(path.join(repo, folder(i), 'spectask.json'), record(i, 'implementation'));
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  // The remote's side: the last four tasks move on elsewhere.
  for (let k = 0; k < 5; k++) {
    const i = TASKS - 1 - (k % 4);
    fs.writeFileSync(path.join(repo, folder(i), 'tasks.md'), checklist(k + 1));
    git(repo, 'commit', '-q', '-am', `remote tick ${k}`);
  }
  const theirs = git(repo, 'rev-parse', 'HEAD').trim();
  git(repo, 'checkout', '-q', '-b', 'ours', base);
  // Ours: 8 agents ticking the first 12 tasks, a status now and then.
  for (let k = 0; k < COMMITS; k++) {
    const i = k % 12;
    fs.writeFileSync(path.join(repo, folder(i), 'tasks.md'), checklist(Math.floor(k / 12) + 1));
    if (k % 7 === 6) fs.writeFileSync(path.join(repo, folder(i), 'spectask.json'), record(i, 'implementation_review'));
    git(repo, 'commit', '-q', '-am', `spectask: tick T${k}\n\nSpecTask: ${folder(i).slice(13, 19)}\n`);
  }
  return [repo, theirs, git(repo, 'rev-parse', 'HEAD').trim(), base];
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
  const [repo, theirs, ours, base] = setUp(root);
  const commits = git(repo, 'rev-list', '--reverse', '--topo-order', '--no-merges', `${theirs}..${ours}`)
    .split('\n')
    .filter(Boolean);
  const runner = new GitRunner(repo);
  await runner.run(['rev-parse', 'HEAD']); // the helper process starts
  const scratch = path.join(root, 'scratch');
  const rebaseTree = path.join(root, 'rebase');
  git(repo, 'worktree', 'add', '-q', '--detach', rebaseTree, ours);
  const replayMs: number[] = [];
  const rebaseMs: number[] = [];
  let replayedTree = '';
  let rebasedTree = '';
  for (let r = 0; r < ROUNDS; r++) {
    fs.mkdirSync(scratch);
    let t = now();
    const head = await replayCommits({ git: runner, cwd: repo, tmp: scratch }, theirs, commits, [], async () => ({
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'b@example.invalid',
    }));
    replayMs.push(now() - t);
    fs.rmSync(scratch, { recursive: true, force: true });
    replayedTree = git(repo, 'rev-parse', `${head}^{tree}`).trim();
    git(rebaseTree, 'checkout', '-q', '--detach', ours);
    t = now();
    git(rebaseTree, 'rebase', '-q', '--onto', theirs, base);
    rebaseMs.push(now() - t);
    rebasedTree = git(rebaseTree, 'rev-parse', 'HEAD^{tree}').trim();
  }
  if (replayedTree !== rebasedTree) throw new Error(`the replay's tree ${replayedTree} is not git's ${rebasedTree}`);
  git(repo, 'worktree', 'remove', '--force', rebaseTree);
  fs.rmSync(root, { recursive: true, force: true });
  const p50 = (s: number[]) => percentile(s, 50);
  console.log(
    `${commits.length} commits onto a head 5 commits ahead, ${ROUNDS} rounds: replay ${replayMs.map((m) => m.toFixed(0)).join(' ')} ms; git rebase ${rebaseMs.map((m) => m.toFixed(0)).join(' ')} ms`,
  );
  report('syncReplay', [
    {
      metric: `replay ${commits.length} unpushed commits onto the remote's head, p50`,
      value: p50(replayMs),
      unit: 'ms',
      reference: { label: 'git rebase of the same commits', value: p50(rebaseMs), unit: 'ms' },
    },
    {
      metric: 'replay, per commit, p50',
      value: p50(replayMs) / commits.length,
      unit: 'ms',
      reference: { label: 'git rebase, per commit', value: p50(rebaseMs) / commits.length, unit: 'ms' },
    },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
