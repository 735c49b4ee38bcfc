// The agent sandbox's cost: how long an agent process takes to start and exit through the sandboxed host
// (bubblewrap around it, with a real run's policy: worktree, SpecTask folder and state writable, git dirs
// read-only, home hidden) against the plain local host, measured in the same run, interleaved. Two programs:
// `true` (the sandbox's fixed cost alone) and `node -e 0` (a Node start, like the agent CLIs). Linux with a
// working bwrap only; elsewhere it reports nothing and says why.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentHost, AgentInvocation } from '../src/core/agents/agentHost';
import { LocalAgentHost } from '../src/core/agents/localAgentHost';
import { SandboxedAgentHost } from '../src/core/agents/sandbox/sandboxedAgentHost';
import { probeSandbox } from '../src/core/agents/sandbox/sandboxProbe';
import { now, percentile, report, type Figure } from './benchKit';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();

async function startToExit(host: AgentHost, inv: AgentInvocation): Promise<number> {
  const t0 = now();
  const p = host.launch(inv);
  p.stdout.resume();
  p.stderr.resume();
  const exit = await p.closed;
  if (exit.code !== 0) throw new Error(`${inv.command} exited ${exit.code ?? exit.error?.message}`);
  return now() - t0;
}

async function main(): Promise<void> {
  const status = await probeSandbox();
  if (!status.available) {
    console.log(`sandbox.bench: skipped: ${status.reason}`);
    report('sandbox', []);
    return;
  }
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-')));
  try {
    const repo = path.join(base, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '--allow-empty', '-m', 'init');
    const worktree = path.join(repo, '.git-worktrees', '000001_bench');
    git(repo, 'worktree', 'add', '-q', '-b', 'spectask/000001-bench', worktree);
    const spec = path.join(base, 'spec');
    fs.mkdirSync(spec);
    const inv = (command: string, args: string[]): AgentInvocation => ({
      command,
      args,
      cwd: worktree,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.homedir() },
      stdin: 'ignore',
      sandbox: {
        writable: [worktree, spec],
        stateDirs: [path.join(repo, '.git', 'spectask', 'agents', '000001', 'claude-cli')],
        backend: 'claude-cli',
      },
    });
    const plain = new LocalAgentHost();
    const sandboxed = new SandboxedAgentHost();
    const figures: Figure[] = [];
    for (const [label, command, args] of [
      ['`true`', 'true', []],
      ['`node -e 0`', process.execPath, ['-e', '0']],
    ] as const) {
      // Warm-up: the probe runs once, at the first sandboxed start; caches settle.
      await startToExit(sandboxed, inv(command, [...args]));
      await startToExit(plain, inv(command, [...args]));
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(await startToExit(plain, inv(command, [...args])));
        b.push(await startToExit(sandboxed, inv(command, [...args])));
      }
      for (const p of [50, 95])
        figures.push({
          metric: `agent start→exit p${p}, ${label} in bubblewrap ${status.version}`,
          value: percentile(b, p),
          unit: 'ms',
          reference: { label: `the same without the sandbox, p${p}`, value: percentile(a, p), unit: 'ms' },
        });
    }
    report('sandbox', figures);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
