// How the orchestrator's cost grows with the fleet (issue 24: memory and the scale curve). For 50, 200 and
// 1,000 SpecTasks × 30 items, each in its own process (so RSS is that fleet's alone): the time to load them,
// host RSS with them loaded, the snapshot's build time and size, and event-loop lag p99 while 8 agents work
// (reference: the same process idle). At 200 SpecTasks also the host RSS each live agent adds, with 1, 8 and 32
// agents at once. The agents are the fixture agent CLI through the custom-command back-end (real processes),
// ticking 10 items each; the SpecTask folders are written directly and committed at once, as a pull brings them.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CustomCommandBackend } from '../src/core/agents/customCommandBackend';
import { GitQueueRegistry } from '../src/core/git/gitQueue';
import { openOrchestrator, type OpenedOrchestrator } from '../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../src/core/orchestrator/settings';
import { LagMeter, now, percentile, report, round, type Figure } from './benchKit';
import { profileStretch } from './loadProfile';
import { measureSnapshotDelta, snapshotDeltaFigures, type SnapshotDeltaResult } from './snapshotDelta';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '50,200,1000').split(',').map(Number);
// BENCH_SCALE_LOAD_ONLY=<runs>: only the load, in that many fresh processes per size (the median is reported);
// BENCH_SCALE_CPU_PROF=<dir>: each process also writes a CPU profile of its load to <dir>/load-<n>.cpuprofile.
const LOAD_ONLY_RUNS = Number(process.env.BENCH_SCALE_LOAD_ONLY ?? 0);
const CPU_PROF_DIR = process.env.BENCH_SCALE_CPU_PROF;
const AGENT_ROUNDS = [1, 8, 32];
const STEP_MS = 250;
const AGENT_ITEMS = 10;
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();
const mib = (bytes: number) => bytes / 2 ** 20;

/** What one child process measured at one fleet size. */
interface SizeResult {
  tasks: number;
  loadMs: number;
  rssBaseMiB: number;
  rssLoadedMiB: number;
  snapshotP50: number;
  snapshotP95: number;
  snapshotKiB: number;
  idleLagP99: number;
  lagP99: number;
  /** Agents at once → host RSS added per agent (MiB), at the size that measures it. */
  perAgentMiB?: Record<number, number>;
  /** One tick posted as the complete snapshot and as a delta (snapshotDelta.ts). */
  delta?: SnapshotDeltaResult;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A repository with `n` SpecTasks: one created through the store (the branch, the layout), the rest written. */
async function makeFleet(n: number, registry: GitQueueRegistry): Promise<string> {
  const repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-')));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'bench');
  git(repo, 'config', 'user.email', 'bench@example.invalid');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  const { openDesignDocs } = await import('../src/core/docs/openDesignDocs');
  const docs = await openDesignDocs(repo, { registry });
  const first = await docs.store.create({ title: 'Task 1', baseBranch: 'main', backend: 'custom' });
  await registry.forRepo(repo).whenIdle();
  docs.store.dispose();
  const wt = docs.location.worktreePath;
  const template = JSON.parse(fs.readFileSync(path.join(first.path, 'spectask.json'), 'utf8'));
  for (let k = 1; k <= n; k++) {
    const id = String(k).padStart(6, '0');
    const dir = k === 1 ? first.path : path.join(wt, 'design', 'tasks', `${id}_task-${k}`);
    fs.mkdirSync(dir, { recursive: true });
    if (k > 1) {
      fs.writeFileSync(
        path.join(dir, 'spectask.json'),
        `${JSON.stringify({ ...template, id, number: k, title: `Task ${k}` }, null, 2)}\n`,
      );
      fs.writeFileSync(
        path.join(dir, 'requirements.md'),
        `# Requirements: Task ${k}\n\n- WHEN asked THE SYSTEM SHALL.\n`,
      );
      fs.writeFileSync(path.join(dir, 'design.md'), `# Design: Task ${k}\n\nA small change.\n`);
    }
    // The first 64 are the ones agents work on: a short checklist, nothing ticked yet.
    const items = k <= 64 ? AGENT_ITEMS : 30;
    fs.writeFileSync(
      path.join(dir, 'tasks.md'),
      `# Implementation Tasks: Task ${k}\n\n${Array.from({ length: items }, (_, i) => `- [${k > 64 && i < k % 30 ? 'x' : ' '}] T${i + 1}: part ${i + 1} of task ${k}`).join('\n')}\n`,
    );
  }
  fs.writeFileSync(
    path.join(wt, 'design', 'spectask-counter.json'),
    `${JSON.stringify({ about: 'Last SpecTask number handed out; numbers are never reused.', lastNumber: n }, null, 2)}\n`,
  );
  git(wt, 'add', '-A');
  git(wt, 'commit', '-qm', `${n} SpecTasks`);
  return repo;
}

/** Starts `ids` at once (skip planning) and waits until each reached code review; peak RSS meanwhile. */
async function work(o: OpenedOrchestrator['orchestrator'], ids: string[]): Promise<number> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  try {
    for (const id of ids) await o.skipPlanning(id);
    for (const t0 = now(); ;) {
      const left = ids.map((id) => o.task(id)!).filter((t) => t.status !== 'implementation_review');
      const failed = left.filter((t) => t.status.endsWith('failed'));
      if (failed.length) throw new Error(`failed: ${failed.map((t) => `${t.number}: ${t.error}`).join('; ')}`);
      if (!left.length) return peak;
      if (now() - t0 > 300_000) throw new Error(`${left.length} SpecTasks still working after 5 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    clearInterval(timer);
  }
}

async function dispose(opened: OpenedOrchestrator, registry: GitQueueRegistry, repo: string): Promise<void> {
  opened.dispose();
  await registry.forRepo(repo).whenIdle();
  registry.dispose();
  for (const t = now(); fs.existsSync(path.join(repo, '.git', 'gc.pid')) && now() - t < 60_000;)
    await new Promise((r) => setTimeout(r, 250));
  fs.rmSync(repo, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
}

/** One fleet size, in this (child) process. */
async function measureSize(n: number, agentRounds: number[]): Promise<SizeResult> {
  const registry = new GitQueueRegistry();
  const repo = await makeFleet(n, registry);
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'custom' },
    implementation: { backend: 'custom' },
    caps: { planning: 1, implementation: 64 },
    reconcileIntervalMs: 0,
    maxNudges: 0,
    maxRetries: 0,
  };
  const agent = new CustomCommandBackend('fixture agent', {
    command: process.execPath,
    args: [path.resolve('test/fixtures/custom-agent/agent.mjs'), '{prompt}', String(STEP_MS)],
  });
  gc();
  const rssBase = process.memoryUsage.rss();
  const stopProfile = await profileStretch(CPU_PROF_DIR, `load-${n}`);
  const t0 = now();
  const opened = await openOrchestrator(repo, { registry, backends: [agent], settings: () => settings, log: () => {} });
  await opened.orchestrator.start();
  const loadMs = now() - t0;
  await stopProfile();
  if (opened.orchestrator.taskViews().length !== n)
    throw new Error(`loaded ${opened.orchestrator.taskViews().length} of ${n}`);
  gc();
  const rssLoaded = process.memoryUsage.rss();
  if (LOAD_ONLY_RUNS) {
    await dispose(opened, registry, repo);
    return { tasks: n, loadMs, rssBaseMiB: mib(rssBase), rssLoadedMiB: mib(rssLoaded) } as SizeResult;
  }
  const builds: number[] = [];
  let bytes = 0;
  // The first builds run cold (not yet optimized): 10 are left out.
  for (let i = 0; i < 60; i++) {
    const s0 = now();
    bytes = Buffer.byteLength(JSON.stringify(opened.orchestrator.fleetSnapshot()));
    if (i >= 10) builds.push(now() - s0);
  }
  const delta = await measureSnapshotDelta(opened, n);
  const idle = new LagMeter(5);
  idle.enable();
  await new Promise((r) => setTimeout(r, 1500));
  idle.disable();

  const perAgentMiB: Record<number, number> = {};
  let lagP99 = NaN;
  let next = 1;
  for (const k of agentRounds) {
    const ids = Array.from({ length: k }, (_, i) => String(next + i).padStart(6, '0'));
    next += k;
    gc();
    const before = process.memoryUsage.rss();
    const lag = new LagMeter(5);
    lag.enable();
    const peak = await work(opened.orchestrator, ids);
    lag.disable();
    perAgentMiB[k] = mib(peak - before) / k;
    if (k === 8) lagP99 = lag.percentile(99);
  }
  await dispose(opened, registry, repo);
  return {
    tasks: n,
    loadMs,
    rssBaseMiB: mib(rssBase),
    rssLoadedMiB: mib(rssLoaded),
    snapshotP50: percentile(builds, 50),
    snapshotP95: percentile(builds, 95),
    snapshotKiB: bytes / 1024,
    idleLagP99: idle.percentile(99),
    lagP99: Number.isFinite(lagP99) ? lagP99 : -1, // -1: no agents worked (BENCH_SCALE_SNAPSHOT_ONLY)
    ...(agentRounds.length > 1 ? { perAgentMiB } : {}),
    delta,
  };
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--size');
  if (child > 0) {
    const n = Number(process.argv[child + 1]);
    // BENCH_SCALE_SNAPSHOT_ONLY=1: no agents (the snapshot and delta figures alone, a quicker run).
    const rounds = process.env.BENCH_SCALE_SNAPSHOT_ONLY
      ? []
      : process.argv.includes('--agent-rounds')
        ? AGENT_ROUNDS
        : [8];
    process.stdout.write(`${JSON.stringify(await measureSize(n, rounds))}\n`);
    return;
  }
  if (LOAD_ONLY_RUNS) return loadOnly();
  const results: SizeResult[] = [];
  for (const n of SIZES) {
    const args = ['--expose-gc', process.argv[1]!, '--size', String(n), ...(n === 200 ? ['--agent-rounds'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`the ${n}-SpecTask run exited ${r.status}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as SizeResult);
    console.log(`scale: ${n} SpecTasks measured`);
  }
  const smallest = results[0]!;
  const figures: Figure[] = [];
  for (const r of results) {
    figures.push(
      {
        metric: `load ${r.tasks} SpecTasks (open + first read)`,
        value: r.loadMs,
        unit: 'ms',
        reference: { label: `${smallest.tasks} SpecTasks`, value: smallest.loadMs, unit: 'ms' },
      },
      {
        metric: `host RSS added by ${r.tasks} SpecTasks loaded`,
        value: r.rssLoadedMiB - r.rssBaseMiB,
        unit: 'MiB',
        reference: { label: 'RSS before opening', value: r.rssBaseMiB, unit: 'MiB' },
      },
      {
        metric: `snapshot build + JSON p95 at ${r.tasks} SpecTasks`,
        value: r.snapshotP95,
        unit: 'ms',
        reference: { label: `${smallest.tasks} SpecTasks p95`, value: smallest.snapshotP95, unit: 'ms' },
      },
      { metric: `snapshot size at ${r.tasks} SpecTasks`, value: r.snapshotKiB, unit: 'KiB' },
      {
        metric: `event-loop lag p99 at ${r.tasks} SpecTasks, 8 agents working`,
        value: r.lagP99,
        unit: 'ms',
        reference: { label: 'same process idle p99', value: Math.max(r.idleLagP99, 0.01), unit: 'ms' },
      },
    );
    if (r.delta) figures.push(...snapshotDeltaFigures(r.delta));
    for (const [k, v] of Object.entries(r.perAgentMiB ?? {}))
      figures.push({
        metric: `host RSS per live agent, ${k} agent${k === '1' ? '' : 's'} at once (${r.tasks} SpecTasks)`,
        value: v,
        unit: 'MiB',
        reference: { label: `RSS with ${r.tasks} SpecTasks loaded`, value: r.rssLoadedMiB, unit: 'MiB' },
      });
  }
  console.log(
    `scale curve: ${results.map((r) => `${r.tasks}: load ${round(r.loadMs)} ms, snapshot p95 ${round(r.snapshotP95)} ms, lag p99 ${round(r.lagP99)} ms`).join(' · ')}`,
  );
  report(
    'scale',
    figures.filter((f) => f.value >= 0),
  ); // a lag of -1: no agents worked
}

/** BENCH_SCALE_LOAD_ONLY: the load alone, in fresh processes, sizes interleaved run by run. */
function loadOnly(): void {
  const loads = new Map<number, number[]>(SIZES.map((n) => [n, []]));
  for (let run = 0; run < LOAD_ONLY_RUNS; run++)
    for (const n of SIZES) {
      const r = spawnSync(process.execPath, ['--expose-gc', process.argv[1]!, '--size', String(n)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`the ${n}-SpecTask run exited ${r.status}`);
      loads.get(n)!.push((JSON.parse(r.stdout.trim().split('\n').at(-1)!) as SizeResult).loadMs);
    }
  const smallest = SIZES[0]!;
  console.log(
    `scale load: ${SIZES.map(
      (n) =>
        `${n}: ${loads
          .get(n)!
          .map((v) => round(v, 0))
          .join(' / ')} ms`,
    ).join(' · ')}`,
  );
  report(
    'scale',
    SIZES.map((n) => ({
      metric: `load ${n} SpecTasks (open + first read), median of ${LOAD_ONLY_RUNS}`,
      value: percentile(loads.get(n)!, 50),
      unit: 'ms',
      reference: { label: `${smallest} SpecTasks`, value: percentile(loads.get(smallest)!, 50), unit: 'ms' },
    })),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
