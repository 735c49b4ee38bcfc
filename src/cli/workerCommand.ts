import { FleetStatusPublisher } from '../core/orchestrator/fleetStatusFile';
import * as fs from 'node:fs';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { createProcessBackends } from '../core/orchestrator/backends';
import { workerName } from '../core/workers/claimRecord';
import { Worker, type WorkerEvent } from '../core/workers/worker';
import { WORKER_VALUE_OPTIONS } from './cliOptions';
import { allowOnly, expectPositionals, optionValue, UsageError, type ParsedArgs } from './cliArgs';
import type { CliIO } from './designDocsCommands';
import { backendConfigFromArgs, ORCHESTRATOR_OPTIONS, settingsFromArgs } from './orchestratorSettings';

/** Options of `spectask worker` that take a value (the command line's parser must know them). */

const USAGE =
  'spectask worker [--remote origin] [--lease <seconds>] [--max-agents <n>] [--until-idle] [orchestrator options]';

interface WorkerIO extends CliIO {
  err?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  interrupted?: Promise<void>;
}

function positiveNumber(args: ParsedArgs, name: string, fallback: number, max: number): number {
  const raw = optionValue(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`--${name} must be a number in (0, ${max}]`);
  return n;
}

function describe(e: WorkerEvent): string {
  switch (e.kind) {
    case 'claimed':
      return `${e.takeover ? 'took over' : 'claimed'} SpecTask ${e.task}`;
    case 'released':
      return `released SpecTask ${e.task} (${e.status.replace(/_/g, ' ')})`;
    case 'lost':
      return `lost the claim on SpecTask ${e.task}: ${e.reason}; its agent is stopped`;
    case 'pushed':
      return `pushed ${e.refs.length} ref(s)`;
    case 'push-refused':
      return `push refused: ${e.message}`;
  }
}

/**
 * `spectask worker`: takes queued SpecTasks through the git remote (DESIGN.md §9) in this clone, runs their
 * agents like `spectask run`, and pushes their progress, fenced by its claims. Stops on Ctrl+C/SIGTERM (agents
 * stopped; their claims lapse and another worker resumes them) or, with --until-idle, once it holds nothing and
 * nothing is left to claim.
 */
export async function workerCommand(args: ParsedArgs, io: WorkerIO): Promise<number> {
  allowOnly(args, ['repo', 'branch', 'remote', ...WORKER_VALUE_OPTIONS, ...ORCHESTRATOR_OPTIONS]);
  expectPositionals(args, 0, USAGE);
  const env = io.env ?? process.env;
  const leaseMs = positiveNumber(args, 'lease', 60, 3600) * 1000;
  const maxAgents = Math.floor(positiveNumber(args, 'max-agents', 1, 64));
  const remote = optionValue(args, 'remote') ?? 'origin';
  const registry = new GitQueueRegistry();
  const backendCfg = backendConfigFromArgs(args, env);
  const worker = new Worker(optionValue(args, 'repo') ?? io.cwd, {
    registry,
    backends: createProcessBackends(backendCfg),
    host: backendCfg.host,
    settings: settingsFromArgs(args, env),
    remote,
    branch: optionValue(args, 'branch'),
    leaseMs,
    maxAgents,
    secrets: () => [backendCfg.openai?.apiKey ?? ''].filter(Boolean),
    log: (level, m) => io.err?.write(`spectask: ${level}: ${m}\n`),
  });
  const stamp = () => new Date().toISOString().slice(11, 19);
  worker.onDidEvent((e) => e.kind !== 'pushed' && io.out.write(`${stamp()} ${describe(e)}\n`));
  let stopAlive: (() => void) | undefined;
  let status: FleetStatusPublisher | undefined;
  try {
    await worker.start();
    stopAlive = aliveFile(env, worker);
    // Its live view for `spectask fleet` in the same clone (queue reasons, activity, back-end), like `spectask run`.
    const o = worker.orchestrator;
    if (o && worker.commonDir)
      status = new FleetStatusPublisher(worker.commonDir, () => o.fleetSnapshot(), o.onDidChange);
    io.out.write(
      `${stamp()} worker ${workerName(worker.identity)} on remote '${remote}' (lease ${leaseMs / 1000} s)\n`,
    );
    const outcome = await new Promise<'idle' | 'interrupted'>((resolve) => {
      void io.interrupted?.then(() => resolve('interrupted'));
      if (!args.options.has('until-idle')) return;
      let quiet = 0;
      const check = setInterval(() => {
        quiet = worker.idle() ? quiet + 1 : 0;
        if (quiet >= 4) {
          clearInterval(check);
          resolve('idle');
        }
      }, 500);
      check.unref?.();
    });
    io.out.write(outcome === 'idle' ? 'nothing left to claim; stopping\n' : 'interrupted: stopping agents\n');
    return outcome === 'idle' ? 0 : 130;
  } finally {
    stopAlive?.();
    status?.dispose();
    worker.dispose();
    registry.dispose();
  }
}

/**
 * With SPECTASK_WORKER_ALIVE_FILE set (the container image sets it), touches that file every few seconds while
 * the worker's passes over the remote keep completing: a liveness probe can restart a wedged worker.
 */
function aliveFile(env: NodeJS.ProcessEnv, worker: Worker): (() => void) | undefined {
  const file = env.SPECTASK_WORKER_ALIVE_FILE;
  if (!file) return undefined;
  const timer = setInterval(() => {
    if (Date.now() - worker.lastPassAt > 60_000) return;
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      fs.writeFileSync(file, '');
    }
  }, 5_000);
  timer.unref?.();
  return () => clearInterval(timer);
}
