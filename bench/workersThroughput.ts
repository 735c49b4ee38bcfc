// Throughput of workers sharing one remote (issue 23): W `spectask worker` processes × A agents each, in their own
// clones of one bare repository (git's file transport), take SEEDED queued SpecTasks until none is left; beside it,
// in the same run, one local orchestrator (`spectask run`) with W×A agents on a clone of the same seeded remote.
// Both use the fixture agent (test/fixtures/custom-agent), ticking ITEMS items STEP_MS apart, so the difference is
// the coordination: claims, fenced pushes, refusals and retries. Machine-dependent: ratios only.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, GIT_ENV, tempDir } from '../test/support/tempRepo';
import { AGENT, CLI, cloneOf, DOCS, remoteFile, seedRemote } from '../test/faults/workersWorld';
import { now, type Figure } from './benchKit';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const AGENTS = Number(process.env.BENCH_WORKER_AGENTS ?? 8);
const TASKS = Number(process.env.BENCH_WORKER_TASKS ?? 64);
const ITEMS = 3;
const STEP_MS = Number(process.env.BENCH_WORKER_STEP_MS ?? 100);

const AGENT_OPTIONS = [
  '--custom-command',
  JSON.stringify([process.execPath, AGENT, '{prompt}', String(STEP_MS)]),
  '--backend',
  'custom',
  '--no-sandbox',
  '--max-retries',
  '0',
];

/** Runs the CLI in `cwd` until it exits; its output. */
async function cli(cwd: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...GIT_ENV, SPECTASK_SANDBOX: 'off' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`spectask ${args[0]} exited ${code}: ${out.slice(-1500)}`);
  return out;
}

/** SpecTasks of the seeded set whose status on `ref` of `bare` is implementation_review. */
function reviewed(bare: string, ref: string): number {
  let n = 0;
  for (let i = 1; i <= TASKS; i++) {
    const rel = `design/tasks/${String(i).padStart(6, '0')}_remote-task-${i}/spectask.json`;
    if (/"status": "implementation_review"/.test(remoteFile(bare, rel, ref))) n++;
  }
  return n;
}

/** The pushes that reached the remote's receive-pack, counted by its pre-receive hook. */
function countPushes(bare: string): string {
  const counter = path.join(bare, 'push-count');
  fs.writeFileSync(path.join(bare, 'hooks', 'pre-receive'), `#!/bin/sh\ncat >/dev/null\necho >> '${counter}'\n`, {
    mode: 0o755,
  });
  return counter;
}

export async function workersThroughput(): Promise<Figure[]> {
  try {
    const { bare } = seedRemote(TASKS, ITEMS);
    const copy = path.join(tempDir('spectask-bench-reference-'), 'remote.git');
    fs.cpSync(bare, copy, { recursive: true });
    const counter = countPushes(bare);

    const clones = Array.from({ length: WORKERS }, () => cloneOf(bare));
    const t0 = now();
    const outputs = await Promise.all(
      clones.map((c) => cli(c, ['worker', '--max-agents', String(AGENTS), '--until-idle', ...AGENT_OPTIONS])),
    );
    const workerMinutes = (now() - t0) / 60_000;
    const workerDone = reviewed(bare, DOCS);
    const refused = outputs
      .join('\n')
      .split('\n')
      .filter((l) => / push refused: /.test(l)).length;
    const pushes = fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').length - 1 : 0;

    const local = cloneOf(copy);
    const t1 = now();
    await cli(local, ['run', '--until-idle', '--cap-implementation', String(WORKERS * AGENTS), ...AGENT_OPTIONS]);
    const localMinutes = (now() - t1) / 60_000;
    const localDone = reviewed(path.join(local, '.git'), DOCS);
    if (workerDone !== TASKS || localDone !== TASKS)
      throw new Error(`not every SpecTask was done: workers ${workerDone}, local ${localDone} of ${TASKS}`);
    const shape = `${WORKERS} workers × ${AGENTS} agents, ${TASKS} SpecTasks × ${ITEMS} items`;
    return [
      {
        metric: `SpecTasks per minute, ${shape}`,
        value: workerDone / workerMinutes,
        unit: '/min',
        reference: {
          label: `one local orchestrator with ${WORKERS * AGENTS} agents`,
          value: localDone / localMinutes,
          unit: '/min',
        },
      },
      {
        metric: `pushes refused per minute, ${shape}`,
        value: refused / workerMinutes,
        unit: '/min',
        reference: { label: 'pushes that reached the remote per minute', value: pushes / workerMinutes, unit: '/min' },
      },
    ];
  } finally {
    cleanupTemp();
  }
}
