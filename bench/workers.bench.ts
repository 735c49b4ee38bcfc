// Claim latency (issue 23): one claim of a SpecTask — the claim commit plus ONE atomic push of the claim ref
// (must not exist) and the status commit (leased on the design-docs head) — against a bare push of one new ref
// to the same remote, measured in the same run. The remote is a bare repository on this machine reached through
// git's file transport (the daemon's TCP hop would add the same to both). Ratios matter; the machine may be busy.
// Then the throughput of 4 workers × 8 agents on one remote beside one local orchestrator (workersThroughput.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitCommandRunner } from '../src/core/git/gitCommand';
import { GitRunner } from '../src/core/git/gitRunner';
import { ClaimClient, newWorkerIdentity } from '../src/core/workers/claimClient';
import { RemoteRefs } from '../src/core/workers/remoteRefs';
import { now, percentile, report } from './benchKit';
import { workersThroughput } from './workersThroughput';

const RUNS = Number(process.env.BENCH_CLAIMS ?? 40);
const DOCS = 'refs/heads/helix-design-docs';
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-bench-workers-'));
  try {
    const bare = path.join(dir, 'remote.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    const clone = path.join(dir, 'clone');
    git(dir, 'init', '-q', '-b', 'main', clone);
    git(clone, 'config', 'user.name', 'Bench');
    git(clone, 'config', 'user.email', 'bench@example.com');
    git(clone, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(clone, 'remote', 'add', 'origin', bare);
    git(clone, 'push', '-q', 'origin', 'main:refs/heads/main', `main:${DOCS}`);
    const runner = new GitRunner(clone, 'git', undefined, undefined, new GitCommandRunner());
    const client = new ClaimClient(new RemoteRefs(runner, 'origin'), newWorkerIdentity('bench'), 60_000);
    const claims: number[] = [];
    const pushes: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const head = git(bare, 'rev-parse', DOCS);
      const status = git(clone, 'commit-tree', `${head}^{tree}`, '-p', head, '-m', `status ${i}`);
      const t0 = now();
      const held = await client.claim(String(i).padStart(6, '0'), [{ ref: DOCS, expect: head, to: status }]);
      claims.push(now() - t0);
      if (!held) throw new Error(`claim ${i} was refused`);
      const t1 = now();
      await runner.run(['push', '--porcelain', 'origin', `${status}:refs/bench/plain-${i}`]);
      pushes.push(now() - t1);
    }
    const ref = { label: 'bare `git push` of one ref p50', value: percentile(pushes, 50), unit: 'ms' };
    // BENCH_WORKER_TASKS=0 leaves the throughput run out (it starts W×A agents twice).
    const throughput = Number(process.env.BENCH_WORKER_TASKS ?? 1) > 0 ? await workersThroughput() : [];
    report('workers', [
      {
        metric: `claim (commit + atomic leased push of claim and status) p50, ${RUNS} claims`,
        value: percentile(claims, 50),
        unit: 'ms',
        reference: ref,
      },
      {
        metric: 'claim p95',
        value: percentile(claims, 95),
        unit: 'ms',
        reference: { ...ref, label: 'bare `git push` p95', value: percentile(pushes, 95) },
      },
      ...throughput,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
