// Throughput of workers sharing one remote (issue 23): W `spectask worker` processes × A agents each, in their own
// clones of one bare repository (git's file transport), take SEEDED queued SpecTasks until none is left; beside it,
// in the same run, one local orchestrator (`spectask run`) with W×A agents on a clone of the same seeded remote.
// Both use the fixture agent (test/fixtures/custom-agent), ticking ITEMS items STEP_MS apart, so the difference is
// the coordination: claims, fenced pushes, refusals and retries. Machine-dependent: ratios only.
// The SpecTasks are seeded in one commit (records written as `spectask create` + `skip-planning` leave them): two
// CLI processes per SpecTask took 90 s of the run on 2 cores. Each phase has a deadline: a phase that has not
// finished by then is stopped (SIGTERM, as Ctrl+C) and its figure says how many SpecTasks it did in that time.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TASKS_DIR, taskFolderName } from '../src/core/docs/designDocsLayout';
import { newSpecTaskRecord } from '../src/core/docs/specTaskSchema';
import { cleanupTemp, git, GIT_ENV, tempDir } from '../test/support/tempRepo';
import { AGENT, CLI, cloneOf, DOCS, remoteFile } from '../test/faults/workersWorld';
import { now, type Figure } from './benchKit';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const AGENTS = Number(process.env.BENCH_WORKER_AGENTS ?? 8);
/** One SpecTask per agent slot by default: every agent of every worker gets one (64 took 4 minutes on 2 cores). */
const TASKS = Number(process.env.BENCH_WORKER_TASKS ?? WORKERS * AGENTS);
/** Per phase (the workers', the local orchestrator's): past it the phase is stopped and counted as it stands. */
const DEADLINE_MS = Number(process.env.BENCH_WORKER_DEADLINE_S ?? 120) * 1000;
const ITEMS = 3;
const STEP_MS = Number(process.env.BENCH_WORKER_STEP_MS ?? 100);
/** Where to keep each process's output, every line stamped with ms since its start (for reading a slow run). */
const LOG_DIR = process.env.BENCH_WORKER_LOG_DIR;
/** BENCH_WORKER_LOCAL=0 leaves the local orchestrator's phase out (its reference then reads 0: while iterating). */
const LOCAL = process.env.BENCH_WORKER_LOCAL !== '0';

const AGENT_OPTIONS = [
  '--custom-command',
  JSON.stringify([process.execPath, AGENT, '{prompt}', String(STEP_MS)]),
  '--backend',
  'custom',
  '--no-sandbox',
  '--max-retries',
  '0',
];

/** Runs the CLI in `cwd` until it exits, or until `deadline` (then SIGTERM, like Ctrl+C); its output. */
async function cli(cwd: string, args: string[], deadline: number): Promise<{ out: string; stopped: boolean }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...GIT_ENV, SPECTASK_SANDBOX: 'off' } });
  let out = '';
  const t0 = now();
  const stamped: string[] = [];
  const take = (d: Buffer) => {
    out += d;
    if (LOG_DIR) for (const l of String(d).split('\n').filter(Boolean)) stamped.push(`${Math.round(now() - t0)} ${l}`);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let stopped = false;
  const timer = setTimeout(
    () => {
      stopped = true;
      child.kill('SIGTERM');
    },
    Math.max(0, deadline - now()),
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (LOG_DIR) {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    fs.writeFileSync(
      path.join(LOG_DIR, `${args[0]}-${path.basename(path.dirname(cwd))}.log`),
      `${stamped.join('\n')}\n`,
    );
  }
  if (code !== 0 && !stopped) throw new Error(`spectask ${args[0]} exited ${code}: ${out.slice(-1500)}`);
  return { out, stopped };
}

/**
 * A bare remote whose design-docs branch holds `tasks` SpecTasks queued for implementation, each with `items`
 * checklist items, in one commit: what `spectask create` and `skip-planning` leave, written directly.
 */
function seedQueued(tasks: number, items: number): string {
  const bare = path.join(tempDir('spectask-bench-remote-'), 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
  const seed = tempDir('spectask-bench-seed-');
  git(seed, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(seed, 'README.md'), '# app\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'checkout', '-q', '--orphan', DOCS);
  git(seed, 'rm', '-rqf', '.');
  const checklist = Array.from({ length: items }, (_, i) => `- [ ] T${i + 1}: step ${i + 1}`).join('\n');
  for (let n = 1; n <= tasks; n++) {
    const title = `Remote task ${n}`;
    const dir = path.join(seed, TASKS_DIR, taskFolderName(n, `remote-task-${n}`));
    fs.mkdirSync(dir, { recursive: true });
    const record = newSpecTaskRecord({ number: n, title, prompt: 'work remotely', baseBranch: 'main' });
    record.status = 'queued_implementation';
    record.history.push({ at: record.createdAt, to: 'queued_implementation', trigger: 'skip_planning' });
    fs.writeFileSync(path.join(dir, 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'requirements.md'), `# Requirements: ${title}\n`);
    fs.writeFileSync(path.join(dir, 'design.md'), `# Design: ${title}\n`);
    fs.writeFileSync(path.join(dir, 'tasks.md'), `# Implementation Tasks: ${title}\n\n${checklist}\n`);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', `${tasks} SpecTasks queued for implementation`);
  git(seed, 'push', '-q', bare, 'main:refs/heads/main', `${DOCS}:refs/heads/${DOCS}`);
  return bare;
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

/**
 * The pushes the remote accepted, counted by its post-receive hook (it runs once per push that updated refs; the
 * workers' pushes are atomic, so a refused one updates none). Claims, renewals, releases and ticks alike.
 */
function countPushes(bare: string): string {
  const counter = path.join(bare, 'push-count');
  fs.writeFileSync(path.join(bare, 'hooks', 'post-receive'), `#!/bin/sh\ncat >/dev/null\necho >> '${counter}'\n`, {
    mode: 0o755,
  });
  return counter;
}

/**
 * Counts a worker clone's round trips to the remote: git's file transport starts `git-upload-pack` for every
 * fetch and `ls-remote` and `git-receive-pack` for every push; the clone's `remote.origin.uploadpack` and
 * `receivepack` point at wrappers that log which git command (the caller's command line) made the trip.
 */
function traceRoundTrips(clone: string, log: string): void {
  const dir = tempDir('spectask-bench-trace-');
  for (const [kind, program] of [
    ['upload', 'git-upload-pack'],
    ['receive', 'git-receive-pack'],
  ]) {
    const wrapper = path.join(dir, kind);
    const ancestors =
      "p=$PPID; c=\"\"; for i in 1 2 3; do c=\"$c|$(tr '\\0' ' ' < /proc/$p/cmdline)\"; p=$(cut -d' ' -f4 /proc/$p/stat); done";
    fs.writeFileSync(wrapper, `#!/bin/sh\n${ancestors}\necho "${kind} $c" >> '${log}'\nexec ${program} "$@"\n`, {
      mode: 0o755,
    });
    git(clone, 'config', `remote.origin.${kind}pack`, wrapper);
  }
}

/** The round trips `traceRoundTrips` logged, by kind: fetches, ls-remotes (listing only) and pushes. */
function roundTrips(log: string): { fetch: number; list: number; push: number } {
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const push = lines.filter((l) => l.startsWith('receive ')).length;
  const list = lines.filter((l) => l.startsWith('upload ') && /\bls-remote\b/.test(l)).length;
  // What made them, for a profile: each git command line with its shas and numbers taken out, most frequent first.
  const by = new Map<string, number>();
  for (const l of lines) {
    const cmd = /\|(\S*git(?: -c \S+)* (?:fetch|push|ls-remote)[^|]*)/.exec(l)?.[1] ?? l.slice(0, 80);
    const key = cmd
      .replace(/[0-9a-f]{40}/g, '<sha>')
      .replace(/\d{6}/g, '<n>')
      .slice(0, 160);
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  for (const [k, n] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`round trips: ${n}× ${k}`);
  return { fetch: lines.length - push - list, list, push };
}

export async function workersThroughput(): Promise<Figure[]> {
  try {
    const bare = seedQueued(TASKS, ITEMS);
    const copy = path.join(tempDir('spectask-bench-reference-'), 'remote.git');
    fs.cpSync(bare, copy, { recursive: true });
    const counter = countPushes(bare);

    const clones = Array.from({ length: WORKERS }, () => cloneOf(bare));
    const trace = path.join(tempDir('spectask-bench-trips-'), 'trips.log');
    for (const c of clones) traceRoundTrips(c, trace);
    const t0 = now();
    const workerArgs = ['worker', '--max-agents', String(AGENTS), '--until-idle', ...AGENT_OPTIONS];
    const runs = await Promise.all(clones.map((c) => cli(c, workerArgs, t0 + DEADLINE_MS)));
    const workerMinutes = (now() - t0) / 60_000;
    const workerDone = reviewed(bare, DOCS);
    const refused = runs
      .map((r) => r.out)
      .join('\n')
      .split('\n')
      .filter((l) => / push refused: /.test(l)).length;
    const pushes = fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').length - 1 : 0;

    const local = cloneOf(copy);
    const t1 = now();
    const localArgs = ['run', '--until-idle', '--cap-implementation', String(WORKERS * AGENTS), ...AGENT_OPTIONS];
    const localRun = LOCAL ? await cli(local, localArgs, t1 + DEADLINE_MS) : { out: '', stopped: true };
    const localMinutes = (now() - t1) / 60_000;
    const localDone = reviewed(path.join(local, '.git'), DOCS);
    const cut = (stopped: boolean, done: number) =>
      stopped ? `; stopped at the ${DEADLINE_MS / 1000} s deadline with ${done} of ${TASKS} done` : '';
    // A phase that ended on its own must have done everything; one stopped at its deadline is counted as it stands.
    if ((!runs.some((r) => r.stopped) && workerDone !== TASKS) || (!localRun.stopped && localDone !== TASKS))
      throw new Error(`not every SpecTask was done: workers ${workerDone}, local ${localDone} of ${TASKS}`);
    const shape = `${WORKERS} workers × ${AGENTS} agents, ${TASKS} SpecTasks × ${ITEMS} items`;
    const trips = roundTrips(trace);
    const per = (n: number) => +(n / Math.max(1, workerDone)).toFixed(1);
    return [
      {
        metric: `SpecTasks per minute, ${shape}${cut(
          runs.some((r) => r.stopped),
          workerDone,
        )}`,
        value: workerDone / workerMinutes,
        unit: '/min',
        reference: {
          label: `one local orchestrator with ${WORKERS * AGENTS} agents${cut(localRun.stopped, localDone)}`,
          value: localDone / localMinutes,
          unit: '/min',
        },
      },
      {
        // Every refused push of ticks, task branches and releases (each retry too); a claim lost to another worker
        // is not counted.
        metric: `pushes refused per minute (ticks, task branches, releases; each retry), ${shape}`,
        value: refused / workerMinutes,
        unit: '/min',
        reference: { label: 'pushes the remote accepted per minute', value: pushes / workerMinutes, unit: '/min' },
      },
      {
        // Counted at the remote's door (traceRoundTrips): every git process a worker started against it.
        metric: `remote round trips per SpecTask (fetches ${per(trips.fetch)}, ls-remote ${per(trips.list)}, pushes ${per(trips.push)}), ${shape}`,
        value: (trips.fetch + trips.list + trips.push) / Math.max(1, workerDone),
        unit: '/SpecTask',
      },
    ];
  } finally {
    cleanupTemp();
  }
}
