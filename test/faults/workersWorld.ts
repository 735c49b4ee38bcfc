// The faults tier's git server for the worker suites: Debian's `git daemon` (git:// over TCP, receive-pack
// enabled) serving one bare repository, seeded through the real CLI with SpecTasks ready to implement.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { formatClaimMessage, type ClaimRecord } from '../../src/core/workers/claimRecord';
import { cleanupTemp, git, GIT_ENV, makeCleanRepo, tempDir } from '../support/tempRepo';
import { itemStates, ticked } from './faultHarness';
import { strays } from './procs';

export const CLI = path.resolve('dist/cli.js');
export const AGENT = path.resolve('test/fixtures/custom-agent/agent.mjs');
/** Wraps AGENT and logs each prompt it is given (one JSON line per run). */
const RECORD_PROMPT = path.resolve('test/fixtures/custom-agent/recordPrompt.mjs');
export const DOCS = 'helix-design-docs';

export interface GitServer {
  /** The folder the daemon serves (`--base-path`). */
  base: string;
  bare: string;
  url(host?: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(port: number, host: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, host, () => (c.end(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`git daemon did not listen on ${host}:${port}`);
}

/** Starts `git daemon` on a free port serving `bare` (listening on `listen`, default 127.0.0.1). */
export async function startGitDaemon(bare: string, listen: readonly string[] = ['127.0.0.1']): Promise<GitServer> {
  const port = await freePort();
  const base = path.dirname(bare);
  const child: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--enable=receive-pack',
      `--base-path=${base}`,
      `--port=${port}`,
      ...listen.map((l) => `--listen=${l}`),
      base,
    ],
    { stdio: 'ignore', env: GIT_ENV },
  );
  await waitForPort(port, listen[0]);
  return {
    base,
    bare,
    url: (host = listen[0]) => `git://${host}:${port}/${path.basename(bare)}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A bare remote with `main` and the design-docs branch holding `tasks` SpecTasks queued for implementation,
 * each with `items` checklist items (made with the CLI in a seed clone, then pushed).
 */
export function seedRemote(tasks: number, items: number): { bare: string; rels: string[]; texts: string[] } {
  const seed = makeCleanRepo();
  const bare = path.join(tempDir('spectask-remote-'), 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
  const texts = Array.from({ length: items }, (_, i) => `T${i + 1}: step ${i + 1}`);
  const rels: string[] = [];
  const docsWt = path.join(seed, '.git-worktrees', DOCS);
  for (let n = 1; n <= tasks; n++) {
    execFileSync(process.execPath, [CLI, 'create', `Remote task ${n}`, '--prompt', 'work remotely'], { cwd: seed });
    const rel = `design/tasks/${String(n).padStart(6, '0')}_remote-task-${n}/tasks.md`;
    fs.writeFileSync(
      path.join(docsWt, rel),
      `# Implementation Tasks: Remote task ${n}\n\n${texts.map((t) => `- [ ] ${t}`).join('\n')}\n`,
    );
    git(docsWt, 'add', '--', rel);
    git(docsWt, 'commit', '-q', '-m', `checklist of SpecTask ${n}`);
    execFileSync(process.execPath, [CLI, 'skip-planning', String(n)], { cwd: seed });
    rels.push(rel);
  }
  git(seed, 'push', '-q', bare, 'main:refs/heads/main', `${DOCS}:refs/heads/${DOCS}`);
  return { bare, rels, texts };
}

/** A clone of `url` with the fixture identity. */
export function cloneOf(url: string): string {
  const dir = path.join(tempDir('spectask-worker-'), 'clone');
  git(path.dirname(dir), 'clone', '-q', url, dir);
  git(dir, 'config', 'user.name', 'Fixture');
  git(dir, 'config', 'user.email', 'fixture@example.com');
  return dir;
}

/** A file of the remote's design-docs branch (empty when absent). */
export function remoteFile(bare: string, rel: string, ref = DOCS): string {
  try {
    return execFileSync('git', ['--git-dir', bare, 'show', `${ref}:${rel}`], { env: GIT_ENV, encoding: 'utf8' });
  } catch {
    return '';
  }
}

/** The remote's sha of a ref, or ''. */
export function remoteRef(bare: string, ref: string): string {
  return execFileSync('git', ['--git-dir', bare, 'for-each-ref', '--format=%(objectname)', ref], {
    env: GIT_ENV,
    encoding: 'utf8',
  }).trim();
}

/**
 * Starts `spectask worker` in `clone` with the fixture agent (pausing `pauseMs` per item, tagged `marker`); with
 * `promptLog`, every prompt its agents are given is appended to that file (see {@link promptsIn}).
 */
export function startWorker(
  clone: string,
  opts: { marker: string; pauseMs: number; leaseS: number; untilIdle?: boolean; wrap?: string[]; promptLog?: string },
): ChildProcess & { output: () => string } {
  const agent = opts.promptLog ? [RECORD_PROMPT, opts.promptLog, AGENT] : [AGENT];
  const cmd = JSON.stringify([process.execPath, ...agent, '{prompt}', String(opts.pauseMs), opts.marker]);
  const argv = [
    CLI,
    'worker',
    '--lease',
    String(opts.leaseS),
    '--custom-command',
    cmd,
    '--backend',
    'custom',
    '--no-sandbox',
    '--max-retries',
    '0',
    ...(opts.untilIdle ? ['--until-idle'] : []),
  ];
  const [bin, ...args] = opts.wrap ? [...opts.wrap, process.execPath, ...argv] : [process.execPath, ...argv];
  const child = spawn(bin, args, { cwd: clone, env: { ...GIT_ENV, SPECTASK_SANDBOX: 'off' } }) as ChildProcess & {
    output: () => string;
  };
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  child.output = () => out;
  return child;
}

/**
 * Starts `spectask run --push --until-idle` in `clone`: a local orchestrator on the same remote, which claims what
 * it starts (spectask.pushToRemote's claims), with the fixture agent logging its prompts to `promptLog`.
 */
export function startLocalRun(
  clone: string,
  opts: { marker: string; pauseMs: number; promptLog: string; capImplementation: number },
): ChildProcess & { output: () => string } {
  const cmd = JSON.stringify([
    process.execPath,
    RECORD_PROMPT,
    opts.promptLog,
    AGENT,
    '{prompt}',
    String(opts.pauseMs),
    opts.marker,
  ]);
  const argv = [
    CLI,
    'run',
    '--push',
    '--until-idle',
    '--custom-command',
    cmd,
    '--backend',
    'custom',
    '--no-sandbox',
    '--max-retries',
    '0',
    '--cap-implementation',
    String(opts.capImplementation),
  ];
  const child = spawn(process.execPath, argv, {
    cwd: clone,
    env: { ...GIT_ENV, SPECTASK_SANDBOX: 'off' },
  }) as ChildProcess & {
    output: () => string;
  };
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  child.output = () => out;
  return child;
}

/**
 * Another process takes the claim of SpecTask `task` over on the server itself (what a worker does once it judged
 * the lease expired, e.g. after a partition): a valid claim commit naming a worker of its own, swapped in with a
 * compare-and-swap. Returns the new claim's sha.
 */
export function stealClaim(bare: string, task = '000001'): string {
  const claim = `refs/spectask/claims/${task}`;
  const gitIn = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', bare, ...args], { env: GIT_ENV, encoding: 'utf8', input }).trim();
  const emptyTree = gitIn(['hash-object', '-t', 'tree', '-w', '--stdin'], '');
  const record: ClaimRecord = {
    v: 1,
    task,
    worker: { id: `thief-${randomUUID()}`, host: 'thief-box', pid: 1, startedAt: new Date().toISOString() },
    leaseMs: 3_600_000,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    seq: 0,
    nonce: randomBytes(8).toString('hex'),
  };
  const sha = gitIn(['commit-tree', emptyTree, '-m', formatClaimMessage(record)]);
  for (;;) {
    const old = remoteRef(bare, claim);
    try {
      gitIn(['update-ref', claim, sha, old]); // fails when the holder renewed in between: read again
      return sha;
    } catch {
      /* renewed meanwhile */
    }
  }
}

/** Item commits on the remote's task branch (not on main), by subject. */
export function remoteItemCommits(bare: string, branch: string): Map<string, number> {
  const out = execFileSync('git', ['--git-dir', bare, 'log', '--format=%s', `main..${branch}`], {
    env: GIT_ENV,
    encoding: 'utf8',
  });
  const counts = new Map<string, number>();
  for (const s of out.split('\n').filter(Boolean)) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

/** The fixture agents tagged `marker` still alive (the worker's own command line names the marker too). */
export function agentsOf(marker: string): number[] {
  return strays(marker)
    .filter((p) => p.cmdline.includes(AGENT) && !p.cmdline.includes(CLI))
    .map((p) => p.pid);
}

/** The prompts the agents of a worker started with `promptLog` were given, in order. */
export function promptsIn(promptLog: string): string[] {
  if (!fs.existsSync(promptLog)) return [];
  return fs
    .readFileSync(promptLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
}

/** Waits until `check()` holds, failing with `what` after `ms` (a bound on a hang, never a speed assertion). */
export async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The items ticked done in the remote's checklist `rel` (on the design-docs branch). */
export function remoteTicked(bare: string, rel: string): Set<string> {
  return ticked(remoteFile(bare, rel));
}

/** Waits until `who` pushed `n` ticks of the checklist `rel` (and, with `claim`, that claim is on the remote). */
export function untilPushedTicks(bare: string, rel: string, who: string, n = 1, claim?: string): Promise<void> {
  const what = `${n === 1 ? 'a pushed tick' : `${n} pushed ticks`} of ${who}`;
  return until(what, 120_000, () => (!claim || !!remoteRef(bare, claim)) && remoteTicked(bare, rel).size >= n);
}

/** A claimant process crashes: SIGKILLed, and the agents it leaves behind (tagged `marker`) too. */
export async function crash(child: ChildProcess, marker: string): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  for (const pid of agentsOf(marker)) process.kill(pid, 'SIGKILL');
}

/** Waits until `claimant` says it lost its claim on SpecTask 000001 and its agents are gone; a timeout goes to `v`. */
export async function untilLostAndStopped(claimant: { output(): string }, marker: string, v: string[]): Promise<void> {
  await until('the claimant to say it lost the claim', 60_000, () =>
    /lost the claim on SpecTask 000001/.test(claimant.output()),
  ).catch((e) => v.push(`${(e as Error).message}: ${claimant.output().slice(-2000)}`));
  await until("the claimant's agent to stop", 60_000, () => agentsOf(marker).length === 0).catch((e) =>
    v.push((e as Error).message),
  );
}

/** A claimant process of the suites: `spectask worker` or `spectask run --push`, with its output so far. */
export type ClaimantProcess = ChildProcess & { output: () => string };

/**
 * A claimant (`who`) crashes mid-task in its clone and is started again there (`start`: the first time with a slow
 * agent, then `restarted` with a quick one, both logging prompts to `promptLog`). Returns what the restart failed to
 * do: take its predecessor's claim back at once (its 60 s lease is far from over), resume with the resume prompt,
 * finish every item and release the claim.
 */
export async function crashAndRestart(
  world: WorkersWorld,
  who: string,
  start: (clone: string, o: { pauseMs: number; promptLog: string; restarted: boolean }) => ClaimantProcess,
): Promise<string[]> {
  const claim = 'refs/spectask/claims/000001';
  const { bare, rels, texts, server } = await world.serve(1, 8);
  const rel = rels[0];
  const clone = cloneOf(server.url());
  const promptLog = path.join(tempDir('spectask-prompts-'), `${who}.jsonl`);
  const first = world.own(start(clone, { pauseMs: 700, promptLog, restarted: false }));
  await untilPushedTicks(bare, rel, `the first ${who}`, 1, claim);
  await crash(first, world.marker);
  const [claimBefore, promptsBefore] = [remoteRef(bare, claim), promptsIn(promptLog).length];
  const second = world.own(start(clone, { pauseMs: 50, promptLog, restarted: true }));
  const [code] = (await once(second, 'exit')) as [number];
  if (process.env.WORKERS_DEBUG) console.log(first.output(), '\n----\n', second.output());
  const v: string[] = [];
  const out = second.output();
  if (!claimBefore) v.push(`the first ${who}'s claim was not on the remote when it was killed`);
  if (code !== 0) v.push(`the restarted ${who} exited ${code}: ${out.slice(-2000)}`);
  if (!/took back this clone's claim/.test(out))
    v.push(`the restarted ${who} did not take its claim back: ${out.slice(-2000)}`);
  const resumed = promptsIn(promptLog).slice(promptsBefore)[0] ?? '';
  if (!resumed.includes('your previous run was interrupted'))
    v.push(`the restarted ${who}'s agent did not get the resume prompt: ${resumed.slice(0, 300)}`);
  const final = itemStates(remoteFile(bare, rel));
  for (const t of texts) if (final.get(t) !== 'x') v.push(`item "${t}" not done on the remote`);
  const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
  if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
  if (remoteRef(bare, claim)) v.push('the claim was not released');
  return v;
}

/**
 * After a takeover that ran the task to its end: every tick pushed before the fault (`before`) kept, every item done
 * on the remote, and exactly one commit per item on the remote's task branch.
 */
export function finishedAfterTakeover(
  bare: string,
  rel: string,
  texts: readonly string[],
  before: Set<string>,
  fault: string,
): string[] {
  const v: string[] = [];
  const final = itemStates(remoteFile(bare, rel));
  for (const t of before) if (final.get(t) !== 'x') v.push(`tick "${t}" pushed before the ${fault} was lost`);
  for (const t of texts) if (final.get(t) !== 'x') v.push(`item "${t}" not done on the remote`);
  const commits = remoteItemCommits(bare, 'spectask/000001-remote-task-1');
  for (const t of texts) {
    const n = [...commits].filter(([s]) => s.includes(t)).reduce((sum, [, c]) => sum + c, 0);
    if (n !== 1) v.push(`item "${t}" has ${n} commits on the remote's task branch`);
  }
  return v;
}

/** A seeded remote served by `git daemon` (see {@link WorkersWorld.serve}). */
export interface ServedRemote {
  bare: string;
  /** `tasks.md` of each SpecTask, relative to the design-docs branch. */
  rels: string[];
  /** The checklist items of every SpecTask. */
  texts: string[];
  server: GitServer;
}

/** What every worker fault suite sets up: its git daemon, its processes and its agents, all gone after the suite. */
export interface WorkersWorld {
  /** Tags the fixture agents of this suite (see {@link agentsOf}). */
  readonly marker: string;
  /** Another marker, for a second set of agents told apart from the first (killed after the suite too). */
  extraMarker(): string;
  /**
   * Seeds a remote with `tasks` SpecTasks of `items` items (seedRemote) and serves it; `prepare` runs on the bare
   * repository before the daemon starts (a hook), `listen` are the daemon's addresses (default 127.0.0.1).
   */
  serve(
    tasks: number,
    items: number,
    opts?: { prepare?: (bare: string) => void; listen?: readonly string[] },
  ): Promise<ServedRemote>;
  /** Serves an existing bare repository (seeded by the suite itself). */
  serveBare(bare: string): Promise<GitServer>;
  /** A process of the suite: SIGKILLed after it if still alive. */
  own<T extends ChildProcess>(child: T): T;
  /** Runs after the suite, before the temp folders go (e.g. removing a network namespace). */
  onCleanup(fn: () => void): void;
}

/**
 * The worker suites' shared setup: call inside `describe`. Registers an `after` that SIGKILLs the suite's processes
 * and agents (of its marker and any `extraMarker()`), stops its daemons and removes its temp folders.
 */
export function useWorkersWorld(): WorkersWorld {
  const children: ChildProcess[] = [];
  const servers: GitServer[] = [];
  const cleanups: (() => void)[] = [];
  const markers = [`spectask-fault-marker-${randomUUID()}`];
  after(async () => {
    // Waited for: a worker still exiting (or a git command of its, which outlives it) writes into its clone while
    // the clone is removed ("ENOTEMPTY: directory not empty, rmdir …/clone/.git" in CI).
    const exits = children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const exited = once(c, 'exit');
        c.kill('SIGKILL');
        return exited;
      });
    await Promise.all(exits);
    for (const m of markers) for (const pid of agentsOf(m)) process.kill(pid, 'SIGKILL');
    for (const s of servers) await s.stop();
    for (const fn of cleanups) fn();
    cleanupTemp();
  });
  const serveBare = async (bare: string, listen?: readonly string[]) => {
    const server = await startGitDaemon(bare, listen);
    servers.push(server);
    return server;
  };
  return {
    marker: markers[0],
    extraMarker: () => {
      const m = `spectask-fault-marker-${randomUUID()}`;
      markers.push(m);
      return m;
    },
    async serve(tasks, items, opts = {}) {
      const seeded = seedRemote(tasks, items);
      opts.prepare?.(seeded.bare);
      return { ...seeded, server: await serveBare(seeded.bare, opts.listen) };
    },
    serveBare: (bare) => serveBare(bare),
    own: (child) => (children.push(child), child),
    onCleanup: (fn) => void cleanups.push(fn),
  };
}
