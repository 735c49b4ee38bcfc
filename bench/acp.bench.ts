// The ACP back-end's latency (issue 20), with a scripted ACP agent (test/fixtures/agents/acp-asking-agent.mjs, the
// SDK's agent side) as a real child process:
// - start → the agent's first event: AcpBackend.start() until the run emits the agent's first message, against the
//   same agent started by hand (spawn, initialize, session/new, session/prompt written raw) until that message's
//   line arrives on its stdout — the back-end's share is the difference.
// - permission request → card: from the moment the agent sends `session/request_permission` until the question is
//   on the task's card in the orchestrator's fleet snapshot (a real orchestrator over a temporary repository),
//   against the same request reaching the back-end's asker without an orchestrator (the protocol's own cost).
// Both clocks are `performance.timeOrigin + performance.now()`, which every process of the machine shares. Every
// agent runs at normal CPU priority, like the one started by hand.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AcpBackend } from '../src/core/agents/acp/acpBackend';
import type { StartRequest } from '../src/core/agents/agentBackend';
import { openOrchestratorHarness } from '../test/support/orchestratorHarness';
import { cleanupTemp, makeCleanRepo } from '../test/support/tempRepo';
import { now, percentile, report, type Figure } from './benchKit';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ASKS = Number(process.env.BENCH_ASKS ?? 40);
const AGENT = path.resolve(__dirname, '../../test/fixtures/agents/acp-asking-agent.mjs');
const wall = () => performance.timeOrigin + performance.now();

const backendFor = (env: Record<string, string>) =>
  new AcpBackend(
    { name: 'asking', label: 'Asking', command: process.execPath, args: [AGENT], installHint: '', env },
    { graceMs: 1000 },
  );

const requestFor = (dir: string, askPerson?: StartRequest['askPerson']): StartRequest => ({
  taskId: '000001',
  worktree: dir,
  prompt: 'Fetch the page.',
  permissions: { mode: 'edit' },
  askPerson,
  // The process started by hand runs at normal priority: so does this one, or a loaded machine would measure
  // the `lower` priority's wait for a core rather than the back-end.
  cpuPriority: 'normal',
});

/** AcpBackend.start() → the run's first `text` event (the agent's first message). */
async function viaBackend(dir: string): Promise<number> {
  const t0 = now();
  const run = backendFor({ ACP_ASKS: '0' }).start(requestFor(dir));
  let first = 0;
  const sub = run.onEvent((e) => {
    if (e.t === 'text' && !first) first = now();
  });
  await run.finished;
  sub.dispose();
  if (!first) throw new Error('the run emitted no text');
  return first - t0;
}

/** The same agent by hand: the four protocol lines written raw, until the first agent_message_chunk line. */
function byHand(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const p = spawn(process.execPath, [AGENT], { cwd: dir, env: { ...process.env, ACP_ASKS: '0' } });
    const send = (id: number, method: string, params: unknown) =>
      p.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    let buf = '';
    let done = false;
    p.stdout.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const msg = JSON.parse(line) as { id?: number; result?: { sessionId?: string }; method?: string };
        if (msg.id === 1) send(2, 'session/new', { cwd: dir, mcpServers: [] });
        else if (msg.id === 2)
          send(3, 'session/prompt', { sessionId: msg.result?.sessionId, prompt: [{ type: 'text', text: 'go' }] });
        else if (msg.method === 'session/update' && !done) {
          done = true;
          resolve(now() - t0);
          p.stdin.end();
        }
      }
    });
    p.on('error', reject);
    send(1, 'initialize', { protocolVersion: 1, clientCapabilities: {} });
  });
}

/** The times from each `asking` line of the agent's log to when `seen` (a request id → wall time) saw it. */
function askDelays(log: string, seen: number[]): number[] {
  const asked = fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { asking?: string; at?: number })
    .filter((l) => l.asking)
    .map((l) => l.at!);
  return asked.slice(0, seen.length).map((at, i) => seen[i]! - at);
}

/** Request → the back-end's asker, no orchestrator: answered at once, ASKS times in one turn. */
async function requestToAsker(dir: string): Promise<number[]> {
  const log = path.join(dir, 'asker.log');
  const seen: number[] = [];
  const run = backendFor({ ACP_ASKS: String(ASKS), ACP_SCRIPT_LOG: log }).start(
    requestFor(dir, async () => {
      seen.push(wall());
      return { outcome: 'allow' };
    }),
  );
  await run.finished;
  return askDelays(log, seen);
}

/** Request → the question on the task's card, through a real orchestrator; answered at once from the card. */
async function requestToCard(base: string): Promise<number[]> {
  const log = path.join(base, 'card.log');
  const h = await openOrchestratorHarness(makeCleanRepo(), {
    backends: [backendFor({ ACP_ASKS: String(ASKS), ACP_SCRIPT_LOG: log })],
    settings: {
      planning: { backend: 'acp' },
      implementation: { backend: 'acp' },
      permissionTimeoutMs: 0,
      agentCpuPriority: 'normal',
    },
  });
  try {
    const o = h.orchestrator;
    const seen: number[] = [];
    let last: string | undefined;
    let id = '';
    const all = new Promise<void>((resolve) => {
      const sub = o.onDidChange(() => {
        const r = o.fleetSnapshot().cards.find((c) => c.taskId === id)?.permissionRequest;
        if (!r || r.requestId === last) return;
        seen.push(wall());
        last = r.requestId;
        o.permissions.answer(id, r.requestId, 'allow_once');
        if (seen.length === ASKS) {
          sub.dispose();
          resolve();
        }
      });
    });
    id = await o.create({ title: 'Fetch the page', backend: 'acp' }, { startPlanning: true });
    await all;
    return askDelays(log, seen);
  } finally {
    await h.dispose();
  }
}

async function main(): Promise<void> {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-acp-')));
  try {
    const figures: Figure[] = [];
    // Warm-up: the SDK's first load, the file cache.
    await viaBackend(base);
    await byHand(base);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      a.push(await viaBackend(base));
      b.push(await byHand(base));
    }
    for (const p of [50, 95])
      figures.push({
        metric: `ACP start → the agent's first event p${p} (scripted agent, AcpBackend)`,
        value: percentile(a, p),
        unit: 'ms',
        reference: { label: `the same agent started and prompted by hand, p${p}`, value: percentile(b, p), unit: 'ms' },
      });
    const bare = await requestToAsker(base);
    const card = await requestToCard(base);
    for (const p of [50, 95])
      figures.push({
        metric: `ACP permission request → card p${p} (real orchestrator, ${ASKS} requests)`,
        value: percentile(card, p),
        unit: 'ms',
        reference: {
          label: `request → the back-end's asker, no orchestrator, p${p}`,
          value: percentile(bare, p),
          unit: 'ms',
        },
      });
    report('acp', figures);
  } finally {
    cleanupTemp();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
