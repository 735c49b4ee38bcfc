import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { createProcessBackends } from '../core/orchestrator/backends';
import { openOrchestrator, type OpenedOrchestrator } from '../core/orchestrator/openOrchestrator';
import type { Orchestrator } from '../core/orchestrator/orchestrator';
import { SELF_ADVANCING_STATUSES, statusGroup } from '../core/orchestrator/statusMachine';
import { allowOnly, expectPositionals, optionValue, UsageError, type ParsedArgs } from './cliArgs';
import type { CliIO } from './designDocsCommands';
import { cardLine, fleetText } from './fleetText';
import { backendConfigFromArgs, ORCHESTRATOR_OPTIONS, settingsFromArgs } from './orchestratorSettings';
import { proposalText } from '../core/orchestrator/dependencyProposals';
import { FleetStatusPublisher, mergeLiveStatus, readLiveStatuses } from '../core/orchestrator/fleetStatusFile';
import { remoteRunsOf, withRemoteRuns, type RemoteRun } from '../core/workers/remoteRuns';

const COMMON = ['repo', 'branch', 'json', 'push'];
export const COMMON_OPTIONS: readonly string[] = COMMON;
/** Statuses in which the orchestrator still has something to do without a person. */
/** Statuses that move on by themselves (an agent works, or the scheduler will start one): derived from the table. */
const ACTIVE = SELF_ADVANCING_STATUSES;

export interface RunIO extends CliIO {
  err?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the user interrupts (SIGINT, SIGTERM); the CLI entry wires it. */
  interrupted?: Promise<void>;
  /** Registers what a second Ctrl+C does, synchronously, just before the process exits (kill the agents). */
  onForce?: (handler: () => void) => { dispose(): void };
}

export async function withOrchestrator<T>(
  args: ParsedArgs,
  io: RunIO,
  passive: boolean,
  fn: (o: OpenedOrchestrator, registry: GitQueueRegistry) => Promise<T>,
): Promise<T> {
  const registry = new GitQueueRegistry();
  const env = io.env ?? process.env;
  const settings = settingsFromArgs(args, env);
  const backendCfg = backendConfigFromArgs(args, env);
  const opened = await openOrchestrator(optionValue(args, 'repo') ?? io.cwd, {
    registry,
    backends: createProcessBackends(backendCfg),
    host: backendCfg.host,
    settings: () => settings,
    branch: optionValue(args, 'branch'),
    // Only `spectask run` may create the design-docs branch; `fleet`, `queue` or `start 99` on a repository without
    // one say so (run `spectask init`) and change nothing.
    createBranch: !passive,
    push: args.options.has('push'),
    secrets: () => [backendCfg.openai?.apiKey ?? ''].filter(Boolean),
    log: (level, m) => (level !== 'info' || !passive) && io.err?.write(`spectask: ${level}: ${m}\n`),
    // One-shot commands change statuses only; `spectask run` (or VS Code) starts the agents.
    mayRunAgents: passive ? () => 'waiting for `spectask run` (or VS Code) to start an agent' : undefined,
  });
  // With --push, a push that failed even after syncing with the teammates' commits must not go unnoticed;
  // the subscription ends with the store.
  opened.docs.store.onDidFailPush((f) =>
    io.err?.write(
      `spectask: warn: the design-docs branch was committed but not pushed: ${f.message.trim().split('\n')[0]}\n`,
    ),
  );
  // A second Ctrl+C exits at once: the agents are killed first, whatever the graceful stop was doing.
  const force = io.onForce?.(() => opened.pool.killAllNow());
  try {
    return await fn(opened, registry);
  } finally {
    opened.dispose();
    // Every agent is stopped (soft interrupt, grace, tree killed) before the CLI may exit: agents run in process
    // groups of their own and would otherwise go on working, unsupervised, after it.
    await opened.pool.whenStopped();
    force?.dispose();
    await registry.forRepo(opened.docs.repo.root).whenIdle();
    registry.dispose();
  }
}

/** The text of line `line` (1-based) of `file`, trimmed and cut to 200 characters; '' when there is none. */
async function quotedLine(file: string, line: number): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return (text.split('\n')[line - 1] ?? '').trim().slice(0, 200);
}

export function resolveId(o: Orchestrator, ref: string): string {
  const views = o.taskViews();
  const n = Number(ref);
  const hit = views.find(
    (t) =>
      t.id === ref ||
      t.number === ref ||
      (Number.isInteger(n) && Number(t.number) === n) ||
      t.folder.endsWith(`/${ref}`),
  );
  if (!hit) throw new Error(`no SpecTask '${ref}' (use its number, e.g. 7 or 000007)`);
  return hit.id;
}

/** `spectask start|approve|reject|accept|retry|archive|restore|skip-planning <id>` and `request-changes`. */
export function lifecycleCommand(
  verb:
    'start' | 'approve' | 'reject' | 'accept' | 'retry' | 'archive' | 'restore' | 'skip-planning' | 'request-changes',
) {
  return async (args: ParsedArgs, io: RunIO): Promise<number> => {
    allowOnly(args, [...COMMON, ...ORCHESTRATOR_OPTIONS, 'comment', 'document', 'line', 'quote', 'note']);
    const usage =
      verb === 'request-changes'
        ? 'spectask request-changes <id> --comment <text> [--document requirements.md|design.md|tasks.md --line <n> --quote <text>]'
        : `spectask ${verb} <id>`;
    const [ref] = expectPositionals(args, 1, usage);
    return withOrchestrator(args, io, true, async ({ orchestrator: o }) => {
      await o.load();
      const id = resolveId(o, ref);
      const note = optionValue(args, 'note');
      switch (verb) {
        case 'start':
          await o.startPlanning(id);
          break;
        case 'skip-planning':
          await o.skipPlanning(id);
          break;
        case 'approve': {
          await o.approve(id, note);
          // The planning agent's `Depends on:` lines are only proposals: printed, added by `spectask depends-on`.
          const t = o.task(id)!;
          const graph = new Map(o.taskViews().map((v) => [v.id, v.record?.dependsOn ?? []]));
          const text = await proposalText(t.path, id, t.number, graph);
          if (text && !args.options.has('json')) io.out.write(`${text}\n`);
          break;
        }
        case 'reject':
          await o.reject(id, note);
          break;
        case 'retry':
          await o.retry(id);
          break;
        case 'archive':
          await o.archive(id);
          break;
        case 'restore':
          await o.restore(id);
          break;
        case 'accept': {
          // Enqueues only: `spectask run` works through the queue (rebase, tests, fast-forward).
          const r = await o.accept(id);
          if (!args.options.has('json'))
            io.out.write(`queued for integration (place ${r.queued ?? '?'}); \`spectask run\` integrates it\n`);
          break;
        }
        case 'request-changes': {
          const comment = optionValue(args, 'comment');
          if (!comment) throw new UsageError(`--comment is required: ${usage}`);
          const t = o.task(id)!;
          if (t.status === 'implementation_review') await o.requestImplementationChanges(id, comment);
          else {
            const document = (optionValue(args, 'document') ?? 'requirements.md') as
              'requirements.md' | 'design.md' | 'tasks.md';
            if (!['requirements.md', 'design.md', 'tasks.md'].includes(document))
              throw new UsageError('--document must be requirements.md, design.md or tasks.md');
            const line = Number(optionValue(args, 'line') ?? 1) || 1;
            // Without --quote the commented line is quoted from the document: the agent then sees what is meant.
            const quote = optionValue(args, 'quote') ?? (await quotedLine(path.join(t.path, document), line));
            await o.requestSpecChanges(id, [{ document, line, quote, comment }]);
          }
          break;
        }
      }
      const t = o.task(id)!;
      if (args.options.has('json')) io.out.write(`${JSON.stringify({ id: t.id, status: t.status })}\n`);
      else io.out.write(`SpecTask ${t.number} "${t.title}" is now ${t.status.replace(/_/g, ' ')}\n`);
      return 0;
    });
  };
}

/** `spectask queue [--json]`: the integration queue in order, with each SpecTask's place and reason. */
export async function queueCommand(args: ParsedArgs, io: RunIO): Promise<number> {
  allowOnly(args, [...COMMON, ...ORCHESTRATOR_OPTIONS]);
  expectPositionals(args, 0, 'spectask queue [--json]');
  return withOrchestrator(args, io, true, async ({ orchestrator: o }) => {
    await o.load();
    const cards = new Map(o.fleetSnapshot().cards.map((c) => [c.taskId, c]));
    const reasons = o.integrationQueueReasons();
    const integrating = o.taskViews().filter((t) => t.status === 'integrating');
    const rows = [...integrating.map((t) => t.id), ...o.integrationQueue()].map((id) => {
      const c = cards.get(id)!;
      return {
        id,
        number: c.number,
        title: c.title,
        status: o.task(id)!.status,
        position: c.queuePosition ?? null,
        reason: reasons.get(id) ?? null,
        lastSetback: c.integrationReason ?? null,
      };
    });
    if (args.options.has('json')) io.out.write(`${JSON.stringify({ queue: rows }, null, 2)}\n`);
    else if (!rows.length) io.out.write('the integration queue is empty\n');
    else
      for (const r of rows)
        io.out.write(
          `${r.position ?? '→'}  #${r.number}  ${r.title}  — ${r.status === 'integrating' ? 'integrating' : (r.reason ?? 'queued')}${r.lastSetback ? ` (last time: ${r.lastSetback})` : ''}\n`,
        );
    return 0;
  });
}

/**
 * `spectask fleet [--json] [--remote <name>]`: the fleet snapshot the dashboard would show, from the files, with
 * the live view of a running `spectask run`, worker or VS Code on this machine (queue reasons, activity,
 * back-end: their status files). With --remote, the remote's claims and design-docs branch are fetched first
 * (the branch integrated without pushing, like a teammate's pull), and SpecTasks held by workers show whose.
 */
export async function fleetCommand(args: ParsedArgs, io: RunIO): Promise<number> {
  allowOnly(args, [...COMMON, ...ORCHESTRATOR_OPTIONS, 'remote']);
  expectPositionals(args, 0, 'spectask fleet [--json] [--remote <name>]');
  return withOrchestrator(args, io, true, async ({ orchestrator: o, docs }, registry) => {
    const remote = optionValue(args, 'remote');
    let runs: ReadonlyMap<string, RemoteRun> = new Map();
    if (remote) {
      const view = remoteRunsOf(docs, registry, {
        remote,
        log: (level, m) => io.err?.write(`spectask: ${level}: ${m}\n`),
      });
      try {
        await view.tick();
        runs = view.runs();
      } finally {
        view.dispose();
      }
    }
    await o.load();
    const live = await readLiveStatuses(docs.repo.commonDir);
    const s = withRemoteRuns(mergeLiveStatus(o.fleetSnapshot(), live), runs);
    io.out.write(args.options.has('json') ? `${JSON.stringify(s, null, 2)}\n` : fleetText(s));
    return 0;
  });
}

/**
 * `spectask run [--until-idle]`: the headless orchestrator. On a terminal it redraws the fleet in place;
 * otherwise it prints one line whenever a card changes. Stops on Ctrl+C (agents are stopped, their sessions
 * kept for the next run) or, with --until-idle, once nothing is left that can move without a person.
 */
export async function runCommand(args: ParsedArgs, io: RunIO): Promise<number> {
  allowOnly(args, [...COMMON, ...ORCHESTRATOR_OPTIONS]);
  expectPositionals(args, 0, 'spectask run [--until-idle] [--backend <id>] [--cap-implementation <n>] …');
  const untilIdle = args.options.has('until-idle');
  const tty = !!(io.out as NodeJS.WriteStream).isTTY;
  return withOrchestrator(args, io, false, async ({ orchestrator: o, pool, docs }) => {
    // `spectask fleet` in another process shows this run's queue reasons, activity and back-ends.
    const status = new FleetStatusPublisher(docs.repo.commonDir, () => o.fleetSnapshot(), o.onDidChange);
    const printed = new Map<string, string>();
    let drawn = 0;
    let shown = '';
    const render = () => {
      const s = o.fleetSnapshot();
      if (tty) {
        const text = fleetText(s);
        if (text === shown) return;
        shown = text;
        io.out.write(`${drawn ? `\x1b[${drawn}F\x1b[J` : ''}${text}`);
        drawn = text.split('\n').length - 1;
      } else {
        for (const c of s.cards) {
          const line = cardLine(c);
          if (printed.get(c.taskId) !== line) {
            printed.set(c.taskId, line);
            io.out.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
          }
        }
      }
    };
    // The fleet store's change is coalesced already (one per burst): the fleet is drawn from its state at once,
    // and a terminal is redrawn only when the text changed.
    const sub = o.onDidChange(render);
    const notices = o.onDidNotice(
      (n) => !tty && io.out.write(`${new Date().toISOString().slice(11, 19)} ${n.message}\n`),
    );
    await o.start();
    render();
    // A failure this run causes makes --until-idle exit non-zero (scripts and CI must see it).
    const failedSince = (views: ReturnType<typeof o.taskViews>) =>
      new Map(views.filter((t) => statusGroup(t.status) === 'failed').map((t) => [t.id, t.updatedAt]));
    const failedBefore = failedSince(o.taskViews());
    const idle = () => {
      const views = o.taskViews();
      return (
        !views.some((t) => t.agentWorking) &&
        pool.stats().running === 0 &&
        views.filter((t) => ACTIVE.has(t.status)).every((t) => t.queueReason) &&
        o.integrationIdle()
      );
    };
    const outcome = await new Promise<'idle' | 'interrupted'>((resolve) => {
      void io.interrupted?.then(() => resolve('interrupted'));
      if (!untilIdle) return;
      let quietSince = 0;
      const check = setInterval(() => {
        if (!idle()) quietSince = 0;
        else if (!quietSince) quietSince = Date.now();
        else if (Date.now() - quietSince > 1500) {
          clearInterval(check);
          resolve('idle');
        }
      }, 250);
      check.unref?.();
    });
    sub.dispose();
    notices.dispose();
    status.dispose();
    render();
    io.out.write(
      outcome === 'idle'
        ? 'nothing left to do without a person; stopping\n'
        : 'interrupted: stopping agents (their sessions are kept for the next run)\n',
    );
    if (outcome !== 'idle') return 130;
    const views = o.taskViews();
    const failed = [...failedSince(views)].filter(([id, at]) => failedBefore.get(id) !== at);
    for (const [id] of failed) {
      const t = views.find((v) => v.id === id)!;
      // The reason may quote agent output: no terminal controls reach the terminal.
      const reason = (t.error ?? 'no reason recorded').replace(
        /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
        ' ',
      );
      (io.err ?? io.out).write(`SpecTask ${t.number} failed: ${reason}\n`);
    }
    return failed.length ? 1 : 0;
  });
}
