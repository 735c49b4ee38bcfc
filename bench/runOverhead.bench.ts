// Orchestration overhead per run (issue 24): what the orchestrator adds around an agent's own work, through a
// real orchestrator, against the same agent command started by hand in the same worktree:
// - "start implementation" (skipPlanning) → the agent process's first output, against spawn → first output;
// - the agent's last tick → `implementation_review`, against the last tick → the process's exit.
// Two agents: a fixture agent (test/fixtures/agents/timed-agent.mjs: ticks a 3-item tasks.md, no model, through the
// custom-command back-end; it stamps its start and last tick on the clock every process of the machine shares), and
// the real `claude` CLI against the fake Anthropic server (runOverheadClaude.ts). With and without the agent
// sandbox (bubblewrap, where it works): the sandbox's share is the difference between the orchestrated rows, and
// for claude also between the by-hand runs in and out of the sandbox.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentHost } from '../src/core/agents/agentHost';
import { CustomCommandBackend } from '../src/core/agents/customCommandBackend';
import { LocalAgentHost } from '../src/core/agents/localAgentHost';
import { SandboxedAgentHost } from '../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox } from '../src/core/agents/sandbox/sandboxProbe';
import { GitQueueRegistry } from '../src/core/git/gitQueue';
import { openOrchestrator } from '../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../src/core/orchestrator/settings';
import { cleanupTemp, makeCleanRepo } from '../test/support/tempRepo';
import { percentile, report, type Figure } from './benchKit';
import { CHECKLIST, claudeMissing, measureClaude, reviewedAt, type Sample } from './runOverheadClaude';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const AGENT = path.resolve(__dirname, '../../test/fixtures/agents/timed-agent.mjs');
/** Relative: the agent writes it in its cwd (the code worktree), which the sandbox leaves writable. */
const TIMES = '.timed-agent.jsonl';
const wall = () => performance.timeOrigin + performance.now();
const CLAUDE_RUNS = Number(process.env.BENCH_CLAUDE_RUNS ?? 4);
/** The CLI's HOME: outside /tmp, which the sandbox makes private. */
const CLAUDE_HOMES = path.resolve('test-results', 'bench-run-overhead-homes');

interface Times {
  start: number;
  lastTick: number;
}
const lastTimes = (file: string): Times => JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').at(-1)!);

async function measure(host: AgentHost): Promise<Sample[]> {
  const repo = makeCleanRepo();
  const settings: OrchestratorSettings = {
    ...DEFAULT_SETTINGS,
    planning: { backend: 'custom' },
    implementation: { backend: 'custom' },
    reconcileIntervalMs: 0,
    maxNudges: 0,
    maxRetries: 0,
    // The command started by hand runs at normal priority: so does the orchestrated one, or a loaded machine
    // would measure the `lower` priority's wait for a core rather than the orchestration.
    agentCpuPriority: 'normal',
  };
  const backend = new CustomCommandBackend(
    'timed agent',
    { command: process.execPath, args: [AGENT, '{prompt}', TIMES] },
    { host },
  );
  const registry = new GitQueueRegistry();
  const opened = await openOrchestrator(repo, {
    registry,
    backends: [backend],
    host,
    settings: () => settings,
    log: (level, m) => level !== 'info' && console.error(`[${level}] ${m}`),
  });
  const o = opened.orchestrator;
  await o.start();
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const title = `Overhead run ${i + 1}`;
      const id = await o.create({ title });
      const task = o.task(id)!;
      fs.writeFileSync(path.join(task.path, 'tasks.md'), CHECKLIST(title));
      const reviewed = reviewedAt(o, id, title);
      const t0 = wall();
      await o.skipPlanning(id);
      const review = await reviewed;
      const wt = o.worktreeOf(id)!.path;
      const run = lastTimes(path.join(wt, TIMES));
      // By hand: the same command in the same worktree, on a fresh copy of the checklist.
      const copy = path.join(wt, '.by-hand-tasks.md');
      fs.writeFileSync(copy, CHECKLIST(title));
      const h0 = wall();
      const p = spawn(process.execPath, [AGENT, `Work through the checklist in ${copy}`, TIMES], {
        cwd: wt,
        stdio: 'ignore',
      });
      const exited = await new Promise<number>((resolve) => p.on('exit', () => resolve(wall())));
      const hand = lastTimes(path.join(wt, TIMES));
      if (i === 0) continue; // warm-up: the first run pays for the caches
      samples.push({
        start: run.start - t0,
        end: review - run.lastTick,
        startByHand: hand.start - h0,
        endByHand: exited - hand.lastTick,
      });
    }
  } finally {
    opened.dispose();
    await registry.forRepo(opened.docs.repo.root).whenIdle();
    registry.dispose();
  }
  return samples;
}

function figures(samples: Sample[], agent: string, where: string, byHand = 'by hand'): Figure[] {
  const pick = (k: keyof Sample) => samples.map((s) => s[k]);
  return [50, 95].flatMap((p) => [
    {
      metric: `start implementation → agent's first output p${p}, ${agent}${where}`,
      value: percentile(pick('start'), p),
      unit: 'ms',
      reference: {
        label: `the same command started ${byHand}, spawn → first output, p${p}`,
        value: percentile(pick('startByHand'), p),
        unit: 'ms',
      },
    },
    {
      metric: `agent's last tick → implementation_review p${p}, ${agent}${where}`,
      value: percentile(pick('end'), p),
      unit: 'ms',
      reference: {
        label: `${byHand}, last tick → the process's exit, p${p}`,
        value: percentile(pick('endByHand'), p),
        unit: 'ms',
      },
    },
  ]);
}

async function main(): Promise<void> {
  try {
    const sandbox = await probeSandbox();
    const bwrap = sandbox.available ? `, in bubblewrap ${sandbox.version}` : '';
    const out = figures(await measure(new LocalAgentHost()), 'fixture agent', ', no sandbox');
    if (sandbox.available) out.push(...figures(await measure(new SandboxedAgentHost()), 'fixture agent', bwrap));
    else console.log(`runOverhead.bench: no sandboxed figures: ${sandbox.reason}`);
    const missing = claudeMissing();
    if (missing) console.log(`runOverhead.bench: skipped the real claude rows: ${missing}`);
    else {
      const home = (name: string) => {
        fs.mkdirSync(CLAUDE_HOMES, { recursive: true });
        return fs.mkdtempSync(path.join(CLAUDE_HOMES, name));
      };
      out.push(
        ...figures(
          await measureClaude(new LocalAgentHost(), undefined, home('plain-'), CLAUDE_RUNS),
          'real claude, fake model',
          ', no sandbox',
        ),
      );
      if (sandbox.available) {
        const h = home('sandboxed-');
        const sandboxed = () => new SandboxedAgentHost({ userHome: h });
        out.push(
          ...figures(
            await measureClaude(sandboxed(), sandboxed(), h, CLAUDE_RUNS),
            'real claude, fake model',
            bwrap,
            'by hand in the same sandbox',
          ),
        );
      }
    }
    report('runOverhead', out);
  } finally {
    cleanupTemp();
    fs.rmSync(CLAUDE_HOMES, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
