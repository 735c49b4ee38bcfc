import * as fs from 'node:fs/promises';
import * as os from 'node:os';

/**
 * The CPU priority of agent processes and the commands they run. `lower` (the default) lets the editor win
 * the CPU whenever it wants it while many agents build and test at once; `normal` gives agents the editor's
 * own priority. Either way an idle CPU is used in full: priority only decides who waits when it is busy.
 */
export type AgentCpuPriority = 'lower' | 'normal';

export const AGENT_CPU_PRIORITIES: readonly AgentCpuPriority[] = ['lower', 'normal'];

/** The niceness of a `lower` agent: Unix nice 10, which Windows maps to BELOW_NORMAL. */
export const LOWER_NICENESS = 10;

/**
 * Gives a process just spawned for an agent (the agent, or a command of the own tool loop) the chosen
 * priority; `undefined` means the default, `lower`. Call it at once after the spawn, before the process has
 * started much: what it starts later inherits the priority. Fire and forget.
 */
export function applyAgentCpuPriority(pid: number | undefined, priority: AgentCpuPriority = 'lower'): void {
  if (pid !== undefined && priority === 'lower') void lowerProcessPriority(pid);
}

/** What {@link lowerProcessPriority} managed to change (for tests and the log). */
export interface PriorityOutcome {
  /** Threads of the process reniced (its main thread at least, when it was still alive). */
  threads: number;
  /** Linux: the process's session group (autogroup) was reniced, so everything in that session is. */
  autogroup: boolean;
}

/**
 * Lowers the CPU priority of a process the orchestrator just started in its own session (agents and their
 * tool commands are spawned detached, for signalling).
 *
 * Why more than a plain `setpriority`: on Linux, with the scheduler's autogroups (on by default in most
 * distributions), every session is a scheduling group of its own, weighted like the whole editor's session,
 * and a nice value only counts inside its group. So 32 agents in 32 sessions would share the CPU 32:1 with
 * all of VS Code, whatever their nice values. Renicing the session's autogroup makes the agent's whole group
 * (it and every command it starts) yield to the editor. On Linux a nice value also belongs to one thread, so
 * each thread the agent has by now is reniced too; threads and children it creates later inherit it. Elsewhere
 * (macOS, Windows) the priority is per process and inherited by children.
 *
 * Never throws: a process that already exited, a system without /proc or autogroups, or a refusal leaves the
 * agent at normal priority, which costs responsiveness, never correctness.
 */
export async function lowerProcessPriority(pid: number): Promise<PriorityOutcome> {
  const outcome: PriorityOutcome = { threads: 0, autogroup: false };
  if (setNice(pid)) outcome.threads++;
  if (process.platform !== 'linux') return outcome;
  // Only a session of its own: were the process still in ours (not detached), its group would be the editor's.
  const [theirs, ours] = await Promise.all([autogroupOf(pid), autogroupOf('self')]);
  if (theirs === undefined || theirs === ours) return withThreads(pid, outcome);
  // The group first: from then on the agent's whole session waits for the editor, children included.
  outcome.autogroup = await fs.writeFile(`/proc/${pid}/autogroup`, String(LOWER_NICENESS)).then(
    () => true,
    () => false,
  );
  return withThreads(pid, outcome);
}

/** The autogroup's name in `/proc/<pid>/autogroup` ("/autogroup-42 nice 0"); undefined without autogroups. */
async function autogroupOf(pid: number | 'self'): Promise<string | undefined> {
  const text = await fs.readFile(`/proc/${pid}/autogroup`, 'utf8').catch(() => undefined);
  return text ? /^(\S+)/.exec(text)?.[1] : undefined;
}

async function withThreads(pid: number, outcome: PriorityOutcome, depth = 0): Promise<PriorityOutcome> {
  const threads = await fs.readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const tid of threads) {
    if (Number(tid) !== pid && setNice(Number(tid))) outcome.threads++;
    // A process the agent started before this ran (a shell that forked its command first, on a loaded machine)
    // inherited the normal priority: it and its threads are lowered too, a few levels down.
    if (depth >= MAX_CHILD_DEPTH) continue;
    const children = await fs.readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const child of children
      .split(' ')
      .map(Number)
      .filter((c) => Number.isInteger(c) && c > 0)) {
      if (setNice(child)) outcome.threads++;
      await withThreads(child, outcome, depth + 1);
    }
  }
  return outcome;
}

/** How far down the process tree {@link withThreads} follows children already started. */
const MAX_CHILD_DEPTH = 3;

function setNice(pid: number): boolean {
  try {
    // Never raise: a process someone already reniced lower keeps its own value.
    if (os.getPriority(pid) >= LOWER_NICENESS) return false;
    os.setPriority(pid, LOWER_NICENESS);
    return true;
  } catch {
    return false;
  }
}
