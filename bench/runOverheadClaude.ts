// The real `claude` (the pinned CLI, test/e2e/support/agentClis.ts) against the fake Anthropic server
// (test/e2e/fakes/anthropicFake.ts, offline) for bench/runOverhead.bench.ts: through a real orchestrator, and
// by hand in the same worktree with the very command line, environment and prompt the orchestrator used (a fresh
// session id), so the difference is what orchestration adds around the same CLI.
// - "Start implementation" → the CLI's first byte on stdout, seen at the host port (a host wrapping the real
//   one); by hand: spawn → first byte on stdout.
// - The last tick → `implementation_review`; by hand: the last tick → the process's exit. The CLI writes the
//   tick itself (an Edit the fake scripts), so its time is the file's mtime (the kernel's coarse clock, a few ms).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentHost, AgentInvocation, AgentProcess } from '../src/core/agents/agentHost';
import { createClaudeBackend } from '../src/core/agents/claudeBackend';
import { GitQueueRegistry } from '../src/core/git/gitQueue';
import { openOrchestrator } from '../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../src/core/orchestrator/settings';
import { startAnthropicFake } from '../test/e2e/fakes/anthropicFake';
import type { ScriptTurn } from '../test/e2e/fakes/fakeServer';
import { agentCli } from '../test/e2e/support/agentClis';
import { makeCleanRepo } from '../test/support/tempRepo';

const wall = () => performance.timeOrigin + performance.now();

/** When the SpecTask reaches implementation_review (wall clock, ms); rejects with its error if it fails first. */
export function reviewedAt(
  o: Awaited<ReturnType<typeof openOrchestrator>>['orchestrator'],
  id: string,
  title: string,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const sub = o.onDidChange(() => {
      const s = o.task(id)?.status;
      if (s === 'implementation_review') {
        sub.dispose();
        resolve(wall());
      } else if (s?.endsWith('failed')) {
        sub.dispose();
        reject(new Error(`${title}: ${o.task(id)?.error}`));
      }
    });
  });
}
const ITEMS = ['T1', 'T2', 'T3'];
export const CHECKLIST = (title: string) =>
  `# Implementation Tasks: ${title}\n\n${ITEMS.map((id, i) => `- [ ] ${id}: step ${i + 1}`).join('\n')}\n`;

/** What one orchestrated run and its by-hand twin measured, in ms. */
export interface Sample {
  /** Orchestrated: start implementation → first output; last tick → implementation_review. */
  start: number;
  end: number;
  /** By hand, in the same worktree: spawn → first output; last tick → exit. */
  startByHand: number;
  endByHand: number;
}

/** The reason the real-claude rows cannot be measured here, or undefined when they can. */
export function claudeMissing(): string | undefined {
  try {
    agentCli('claude');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The model's script: read the checklist, tick each item with an Edit, then say it is done. */
function script(tasksFile: string): ScriptTurn[] {
  return [
    { tool: { name: 'Read', input: { file_path: tasksFile } } },
    ...ITEMS.map((id): ScriptTurn => ({
      tool: { name: 'Edit', input: { file_path: tasksFile, old_string: `- [ ] ${id}:`, new_string: `- [x] ${id}:` } },
    })),
    { text: 'Every item is done.' },
  ];
}

/** The host the orchestrator is given: the real one, plus when the CLI first wrote to stdout and what it was sent. */
class WatchingHost implements AgentHost {
  firstOutput = NaN;
  invocation: AgentInvocation | undefined;
  stdinText = '';
  constructor(private readonly inner: AgentHost) {}

  launch(inv: AgentInvocation): AgentProcess {
    const p = this.inner.launch(inv);
    this.invocation = inv;
    this.firstOutput = NaN;
    p.stdout.once('data', () => (this.firstOutput = wall()));
    const stdin = p.stdin;
    if (stdin) {
      const end = stdin.end.bind(stdin) as (...a: unknown[]) => typeof stdin;
      stdin.end = ((...a: unknown[]) => {
        if (typeof a[0] === 'string') this.stdinText = a[0];
        return end(...a);
      }) as typeof stdin.end;
    }
    return p;
  }
  isAlive: AgentHost['isAlive'] = (id) => this.inner.isAlive(id);
  killTreeOf: AgentHost['killTreeOf'] = (id) => this.inner.killTreeOf(id);
}

/** The recorded command line with a fresh session: the same CLI, flags, environment and folder. */
function byHandInvocation(inv: AgentInvocation): AgentInvocation {
  const args = [...inv.args];
  const i = args.findIndex((a) => a === '--session-id' || a === '--resume');
  if (i >= 0) args.splice(i, 2, '--session-id', randomUUID());
  return { ...inv, args };
}

/** Starts `inv` by hand (no host: a plain spawn) or through `host`; resolves spawn → first output and the exit. */
async function startByHand(
  inv: AgentInvocation,
  stdinText: string,
  host: AgentHost | undefined,
): Promise<{ firstOutput: number; exited: number }> {
  const h0 = wall();
  let firstOutput = NaN;
  if (!host) {
    const p = spawn(inv.command, [...inv.args], { cwd: inv.cwd, env: { ...inv.env }, stdio: 'pipe' });
    p.stdout.once('data', () => (firstOutput = wall() - h0));
    p.stdout.resume();
    p.stderr.resume();
    p.stdin.end(stdinText);
    const exited = await new Promise<number>((resolve) => p.on('exit', () => resolve(wall())));
    return { firstOutput, exited };
  }
  const p = host.launch(inv);
  p.stdout.once('data', () => (firstOutput = wall() - h0));
  p.stdout.resume();
  p.stderr.resume();
  p.stdin?.end(stdinText);
  await p.exited;
  return { firstOutput, exited: wall() };
}

/**
 * `runs` (+1 warm-up) implementations with the real claude through an orchestrator on `host`, each followed by
 * the same CLI started by hand in the task's worktree (`byHandHost`: undefined for a plain spawn, or the sandboxed
 * host for the sandbox's by-hand twin). `home`: a folder outside /tmp for the CLI's HOME.
 */
export async function measureClaude(
  host: AgentHost,
  byHandHost: AgentHost | undefined,
  home: string,
  runs: number,
): Promise<Sample[]> {
  const repo = makeCleanRepo();
  fs.mkdirSync(home, { recursive: true });
  const fake = await startAnthropicFake(path.join(home, 'fake'));
  const watching = new WatchingHost(host);
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'claude-cli', model: 'fake-claude' },
    implementation: { backend: 'claude-cli', model: 'fake-claude' },
    reconcileIntervalMs: 0,
    maxNudges: 0,
    maxRetries: 0,
    agentCpuPriority: 'normal', // as the one started by hand (see the fixture agent's rows)
  };
  const backend = createClaudeBackend({
    binary: agentCli('claude'),
    graceMs: 3000,
    host: watching,
    defaultEndpoint: { baseUrl: fake.url, apiKey: 'sk-ant-bench-overhead' },
    sourceEnv: { ...process.env, HOME: home },
  });
  const registry = new GitQueueRegistry();
  const opened = await openOrchestrator(repo, {
    registry,
    backends: [backend],
    host: watching,
    settings: () => settings,
    log: (level, m) => level !== 'info' && console.error(`[${level}] ${m}`),
  });
  const o = opened.orchestrator;
  await o.start();
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const title = `Claude overhead run ${i + 1}`;
      const id = await o.create({ title });
      const task = o.task(id)!;
      const tasksFile = path.join(task.path, 'tasks.md');
      fs.writeFileSync(tasksFile, CHECKLIST(title));
      fake.setScript(script(tasksFile));
      const reviewed = reviewedAt(o, id, title);
      const t0 = wall();
      await o.skipPlanning(id);
      const review = await reviewed;
      const start = watching.firstOutput - t0;
      const lastTick = fs.statSync(tasksFile).mtimeMs;
      // By hand: the same command line in the same worktree, ticking a fresh copy of the checklist.
      const wt = o.worktreeOf(id)!.path;
      const copy = path.join(wt, '.by-hand-tasks.md');
      fs.writeFileSync(copy, CHECKLIST(title));
      fake.setScript(script(copy));
      const hand = await startByHand(byHandInvocation(watching.invocation!), watching.stdinText, byHandHost);
      if (fs.readFileSync(copy, 'utf8').includes('- [ ]')) throw new Error(`${title}: the by-hand run ticked nothing`);
      const handTick = fs.statSync(copy).mtimeMs;
      fs.rmSync(copy);
      if (i === 0) continue; // warm-up: the first run pays for the caches
      samples.push({ start, end: review - lastTick, startByHand: hand.firstOutput, endByHand: hand.exited - handTick });
    }
  } finally {
    opened.dispose();
    await registry.forRepo(opened.docs.repo.root).whenIdle();
    registry.dispose();
    await fake.close();
  }
  return samples;
}
