// Where git processes are started (issue 9, "no synchronous git on the extension host's event loop"): starting a
// child process forks the whole process, and the fork's cost grows with the process's memory. An extension host
// holds a few hundred MB, so every git command started from its thread stalls every extension for as long as the
// fork takes; started from a worker thread of the host, the fork still marks every page of the host
// copy-on-write, and the host's thread pays in page faults on the pages it writes next. This benchmark gives a
// process a heap like a busy host's (and a little allocation churn, as a host has), runs git commands four at a
// time through GitRunner for a few seconds, and measures its event-loop lag and its main thread's page faults:
// with git started from the small helper process (as the product does), and, as references, from a worker
// thread of the process and from the process's own thread.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitCommandRunner } from '../src/core/git/gitCommand';
import { findGitWorkerScript, WorkerGitExecutor, type GitExecutor } from '../src/core/git/gitExecutor';
import { ProcessGitExecutor } from '../src/core/git/gitProcessExecutor';
import { GitRunner } from '../src/core/git/gitRunner';
import { LagMeter, report } from './benchKit';

/** Minor page faults of this process's main thread so far (Linux; undefined elsewhere). */
function mainThreadFaults(): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')[7]);
  } catch {
    return undefined;
  }
}

const SECONDS = Number(process.env.BENCH_GIT_SECONDS ?? 6);
const HEAP_OBJECTS = 1_500_000; // ≈ 200 MB RSS, a mid-sized extension host

interface Measured {
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  faultsPerSecond?: number;
}

async function measure(executor: GitExecutor, repo: string): Promise<Measured> {
  const runner = new GitRunner(repo, 'git', undefined, [], executor);
  await runner.run(['rev-parse', 'HEAD']); // warm-up: the helper starts and loads the git runner
  // A host is never idle: it allocates as it handles events, so it writes to fresh pages all the time.
  let churn: unknown[] = [];
  const churnTimer = setInterval(() => (churn = Array.from({ length: 2000 }, (_, i) => ({ i, s: `y${i}` }))), 2);
  const lag = new LagMeter(1);
  const faults0 = mainThreadFaults();
  const t0 = Date.now();
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
  clearInterval(churnTimer);
  void churn;
  const faults = mainThreadFaults();
  return {
    p50: lag.percentile(50),
    p99: lag.percentile(99),
    max: lag.max,
    perSecond: commands / SECONDS,
    ...(faults !== undefined && faults0 !== undefined
      ? { faultsPerSecond: (faults - faults0) / ((Date.now() - t0) / 1000) }
      : {}),
  };
}

async function main(): Promise<void> {
  const script = findGitWorkerScript();
  if (!script) throw new Error('dist/gitWorker.js is missing: build first (node esbuild.mjs)');
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gitworker-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  execFileSync(
    'git',
    ['-c', 'user.name=bench', '-c', 'user.email=b@example.invalid', 'commit', '-q', '--allow-empty', '-m', 'init'],
    { cwd: repo },
  );
  const heap: { a: number; b: string }[] = [];
  for (let i = 0; i < HEAP_OBJECTS; i++) heap.push({ a: i, b: `x${i}` });
  const rss = process.memoryUsage.rss() / 2 ** 20;
  const helper = new ProcessGitExecutor(script);
  const viaProcess = await measure(helper, repo);
  await helper.dispose();
  const worker = new WorkerGitExecutor(script);
  const viaThread = await measure(worker, repo);
  await worker.dispose();
  const onThread = await measure(new GitCommandRunner(), repo);
  fs.rmSync(repo, { recursive: true, force: true });
  const viaWorker = (label: string, value: number, unit = 'ms') => ({
    label: `git started from a worker thread, ${label}`,
    value,
    unit,
  });
  console.log(
    `process RSS ${rss.toFixed(0)} MiB (${heap.length} objects), 4 git commands at a time for ${SECONDS} s per mode`,
  );
  console.log(
    `git started from the process's own thread: lag p50 ${onThread.p50.toFixed(2)} ms, p99 ${onThread.p99.toFixed(2)} ms, max ${onThread.max.toFixed(1)} ms, ${onThread.perSecond.toFixed(0)} commands/s`,
  );
  report('gitWorker', [
    {
      metric: `event-loop lag p50 while running git from the helper process (RSS ${rss.toFixed(0)} MiB)`,
      value: viaProcess.p50,
      unit: 'ms',
      reference: viaWorker('p50', viaThread.p50),
    },
    {
      metric: 'event-loop lag p99 while running git from the helper process',
      value: viaProcess.p99,
      unit: 'ms',
      reference: viaWorker('p99', viaThread.p99),
    },
    {
      metric: 'event-loop lag max while running git from the helper process',
      value: viaProcess.max,
      unit: 'ms',
      reference: viaWorker('max', viaThread.max),
    },
    ...(viaProcess.faultsPerSecond !== undefined && viaThread.faultsPerSecond !== undefined
      ? [
          {
            metric: 'page faults of the main thread per second',
            value: viaProcess.faultsPerSecond,
            unit: '/s',
            reference: viaWorker('faults', viaThread.faultsPerSecond, '/s'),
          },
        ]
      : []),
    {
      metric: "event-loop lag p99 with git started from the process's own thread (reference)",
      value: onThread.p99,
      unit: 'ms',
      reference: { label: 'from the helper process', value: viaProcess.p99, unit: 'ms' },
    },
    {
      metric: 'git commands per second from the helper process',
      value: viaProcess.perSecond,
      unit: 'cmd/s',
      reference: viaWorker('commands', viaThread.perSecond, 'cmd/s'),
    },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
