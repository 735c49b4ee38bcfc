// What one extension host saw of the SpecTasks, their agents and the user's checkout, written to a file
// that outlives it, and the checks the next extension host makes against it after Reload Window
// (test/integration/reload.test.ts). Reads git and /proc directly, never the orchestrator's own view, so
// the checks do not trust what they check.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { isProcessAlive, parseProcStat } from '../../src/core/agents/processTree';
import { transition, isSpecTaskStatus, type Trigger } from '../../src/core/orchestrator/statusMachine';
import { itemStates, ticked } from '../faults/faultHarness';
import { listProcs } from '../faults/procs';

export interface HistoryEntry {
  from?: string;
  to: string;
  trigger: string;
}
export interface ProcSeen {
  pid: number;
  startTime: string;
  cmdline: string;
}

/** One SpecTask as the design-docs branch and the worktree showed it. */
export interface TaskSeen {
  id: string;
  title: string;
  status: string;
  /** The folder relative to the design-docs worktree, e.g. design/tasks/000001_plan-me. */
  rel: string;
  history: HistoryEntry[];
  /** Items `[x]` in tasks.md at the branch head. */
  committedTicks: string[];
  /** Items `[x]` in tasks.md on disk (an agent's tick the orchestrator may not have committed yet). */
  diskTicks: string[];
}

export interface HostSeen {
  hostPid: number;
  /** Date.now() just before the reload was requested. */
  at: number;
  tasks: TaskSeen[];
  /** Every live process of the test agent (the marker is in its command line). */
  agents: ProcSeen[];
  /** Runs the ledger had started and not ended. */
  openRuns: string[];
}

export interface LedgerLine {
  kind: string;
  runId: string;
  taskId?: string;
  phase?: string;
  pid?: number;
  outcome?: string;
  at: number;
}

// The checks run inside the extension host under test, polling: git runs asynchronously so the host's
// event loop (and with it the orchestrator being checked) never waits on the checks.
const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', ['-C', cwd, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 })).stdout;
const tryGit = (cwd: string, ...args: string[]) => git(cwd, ...args).catch(() => undefined);

export const ledgerFile = (repoRoot: string) =>
  path.join(
    path.resolve(
      repoRoot,
      execFileSync('git', ['-C', repoRoot, 'rev-parse', '--git-common-dir'], { encoding: 'utf8' }).trim(),
    ),
    'spectask',
    'ledger.jsonl',
  );

export function ledger(repoRoot: string): LedgerLine[] {
  const f = ledgerFile(repoRoot);
  if (!fs.existsSync(f)) return [];
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as LedgerLine];
      } catch {
        return []; // a torn last line from a killed writer
      }
    });
}

/** Run ids started and never ended. */
export function openRuns(repoRoot: string): string[] {
  const lines = ledger(repoRoot);
  const ended = new Set(lines.filter((l) => l.kind === 'run-ended').map((l) => l.runId));
  return lines.filter((l) => l.kind === 'run-started' && !ended.has(l.runId)).map((l) => l.runId);
}

export async function taskSeen(docsWt: string, taskFolder: string): Promise<TaskSeen> {
  const rel = path.relative(docsWt, taskFolder);
  const record = JSON.parse(await git(docsWt, 'show', `HEAD:${rel}/spectask.json`)) as {
    id: string;
    title: string;
    status: string;
    history: HistoryEntry[];
  };
  const head = (await tryGit(docsWt, 'show', `HEAD:${rel}/tasks.md`)) ?? '';
  const disk = fs.existsSync(path.join(taskFolder, 'tasks.md'))
    ? fs.readFileSync(path.join(taskFolder, 'tasks.md'), 'utf8')
    : '';
  return {
    id: record.id,
    title: record.title,
    status: record.status,
    rel,
    history: record.history.map((h) => ({ from: h.from, to: h.to, trigger: h.trigger })),
    committedTicks: [...ticked(head)],
    diskTicks: [...ticked(disk)],
  };
}

/** Live processes whose command line carries `marker`, with their start times (PID-reuse guard). */
export function agentProcs(marker: string): ProcSeen[] {
  const out: ProcSeen[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmdline.includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const st = parseProcStat(stat);
      if (st && !/\) Z /.test(stat))
        out.push({ pid: Number(n), startTime: st.startTime, cmdline: cmdline.slice(0, 200) }); // a zombie is dead
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export const alive = (p: ProcSeen) => isProcessAlive({ pid: p.pid, startTime: p.startTime });

/** True when `pid` is `ancestor` or one of its descendants. */
export function descendsFrom(pid: number, ancestor: number): boolean {
  const parent = new Map(listProcs().map((p) => [p.pid, p.ppid]));
  for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++)
    if (p === ancestor) return true;
  return false;
}

/**
 * Problems with a SpecTask's history after the reload: the part seen before must still be its start (nothing
 * lost or rewritten), and every step must follow the status machine from where the last one ended (a
 * transition applied twice, e.g. two "Implementation started" in a row, breaks the chain).
 */
export function historyProblems(before: HistoryEntry[], now: HistoryEntry[]): string[] {
  const problems: string[] = [];
  const key = (h: HistoryEntry) => `${h.from ?? ''}>${h.to}:${h.trigger}`;
  if (now.length < before.length || before.some((h, i) => key(h) !== key(now[i]!))) {
    problems.push(
      `the history seen before the reload is not the start of the history now:\n before ${before.map(key).join(', ')}\n now    ${now.map(key).join(', ')}`,
    );
  }
  for (let i = 1; i < now.length; i++) {
    const h = now[i]!;
    const prev = now[i - 1]!;
    if (h.from !== prev.to)
      problems.push(`step ${i} (${key(h)}) does not start where step ${i - 1} ended (${prev.to})`);
    if (!h.from || !isSpecTaskStatus(h.from)) {
      problems.push(`step ${i} (${key(h)}) has no valid from-status`);
      continue;
    }
    const t = transition(h.from, h.trigger as Trigger);
    if (!t.ok || t.to !== h.to)
      problems.push(
        `step ${i} (${key(h)}) is not a legal transition${t.ok ? ` (it leads to ${t.to})` : `: ${t.message}`}`,
      );
  }
  return problems;
}

/** Problems with the tasks.md history on the design-docs branch: a committed tick taken back in a later commit. */
export async function untickedInHistory(docsWt: string, rel: string): Promise<string[]> {
  const shas = (await git(docsWt, 'log', '--format=%H', '--reverse', '--', `${rel}/tasks.md`))
    .split('\n')
    .filter(Boolean);
  const problems: string[] = [];
  let prev = new Set<string>();
  for (const sha of shas) {
    const text = (await tryGit(docsWt, 'show', `${sha}:${rel}/tasks.md`)) ?? '';
    const states = itemStates(text);
    const now = ticked(text);
    // A planning run may rewrite the checklist (new item texts); only an item that is still there counts.
    for (const t of prev) if (states.has(t) && !now.has(t)) problems.push(`"${t}" un-ticked in ${sha.slice(0, 10)}`);
    prev = now;
  }
  return problems;
}

/** The user's own checkout: HEAD, branch, index and every file outside .git and .git-worktrees. */
export { userState } from '../support/tempRepo';
