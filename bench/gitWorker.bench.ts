// Where git processes are started (issue 9, "no synchronous git on the extension host's event loop"): starting a
// child process forks the whole process, and the fork's cost grows with the process's memory. An extension host
// holds a few hundred MB, so every git command started from its thread stalls every extension for as long as the
// fork takes. This benchmark gives a process a heap like a busy host's, runs git commands four at a time through
// GitRunner for a few seconds, and measures its event-loop lag: with git started from the git worker thread (as
// the product does), and, as the reference, started from the process's own thread.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GitCommandRunner } from '../src/core/git/gitCommand';
import { findGitWorkerScript, WorkerGitExecutor, type GitExecutor } from '../src/core/git/gitExecutor';
import { GitRunner } from '../src/core/git/gitRunner';
import { report } from './benchKit';

const SECONDS = Number(process.env.BENCH_GIT_SECONDS ?? 6);
const HEAP_OBJECTS = 1_500_000; // ≈ 200 MB RSS, a mid-sized extension host

async function measure(executor: GitExecutor, repo: string): Promise<{ p50: number; p99: number; max: number; perSecond: number }> {
  const runner = new GitRunner(repo, 'git', undefined, [], executor);
  await runner.run(['rev-parse', 'HEAD']); // warm-up: the worker starts, simple-git loads
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const until = Date.now() + SECONDS * 1000;
  let commands = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < until) {
        await runner.run(['rev-parse', 'HEAD']);
        commands++;
      }
    }),
  );
  lag.disable();
  return { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6, perSecond: commands / SECONDS };
}

async function main(): Promise<void> {
  const script = findGitWorkerScript();
  if (!script) throw new Error('dist/gitWorker.js is missing: build first (node esbuild.mjs)');
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gitworker-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=b@example.invalid', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: repo });
  const heap: { a: number; b: string }[] = [];
  for (let i = 0; i < HEAP_OBJECTS; i++) heap.push({ a: i, b: `x${i}` });
  const rss = process.memoryUsage.rss() / 2 ** 20;
  const worker = new WorkerGitExecutor(script);
  const viaWorker = await measure(worker, repo);
  const onThread = await measure(new GitCommandRunner(), repo);
  await worker.dispose();
  fs.rmSync(repo, { recursive: true, force: true });
  const ref = (label: string, value: number) => ({ label: `git started from the process's own thread, ${label}`, value, unit: 'ms' });
  console.log(`process RSS ${rss.toFixed(0)} MiB (${heap.length} objects), 4 git commands at a time for ${SECONDS} s per mode`);
  report('gitWorker', [
    { metric: `event-loop lag p50 while running git (RSS ${rss.toFixed(0)} MiB)`, value: viaWorker.p50, unit: 'ms', reference: ref('p50', onThread.p50) },
    { metric: 'event-loop lag p99 while running git', value: viaWorker.p99, unit: 'ms', reference: ref('p99', onThread.p99) },
    { metric: 'event-loop lag max while running git', value: viaWorker.max, unit: 'ms', reference: ref('max', onThread.max) },
    { metric: 'git commands per second', value: viaWorker.perSecond, unit: 'cmd/s', reference: { label: "git started from the process's own thread", value: onThread.perSecond, unit: 'cmd/s' } },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
