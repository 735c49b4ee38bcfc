import type { UsageTotals } from '../agents/agentEvents';
import type { AgentInfo } from '../agents/agentPool';
import type { WaitingPermission } from '../agents/personPermission';
import type { ChecklistItem } from '../checklist/checklistTypes';
import type { SpecTaskRecord } from '../docs/specTaskSchema';
import type { RunView, TaskView } from '../orchestrator/fleetView';

/** A SpecTask as last read: what the views show, its record, and where its folder is. */
export type TaskEntry = TaskView & {
  record?: SpecTaskRecord;
  folder: string;
  path: string;
  /** Whether the task's code worktree was on disk when last looked at (`hasWorktree` also needs its branch). */
  worktreePresent?: boolean;
};

/**
 * Everything a surface shows about one workspace's fleet (DESIGN.md §3: core events → one store → subscribers).
 * Immutable: a change makes a new state with the next `rev`; what did not change is shared with the previous one.
 */
export interface FleetState {
  /** Increases by one with every change; equal revs are equal states. */
  readonly rev: number;
  readonly tasks: ReadonlyMap<string, TaskEntry>;
  /** The last run of each task as its card shows it (kept after the run ended). */
  readonly runs: ReadonlyMap<string, RunView>;
  /** Tasks an agent works on in this process now. */
  readonly working: ReadonlySet<string>;
  /** Why a task waits instead of running. */
  readonly queueReasons: ReadonlyMap<string, string>;
  readonly agents: ReadonlyMap<string, AgentInfo>;
}

/** What happened: a reading of the files, something an agent did, or the result of a user's intent. */
export type FleetEvent =
  /**
   * A SpecTask read from its folder (after a watcher event, a reconcile, or an intent's write). With
   * `documentsChanged` (the watcher saw its documents change) it is taken even when what the views show is the
   * same: the new entry then tells the surfaces that read the documents themselves (the review) to look again.
   */
  | { type: 'taskRead'; task: TaskEntry; documentsChanged?: boolean }
  /** A listing's readings at once (the load, the reconcile tick): one new task map, not one per task. */
  | { type: 'tasksRead'; tasks: readonly TaskEntry[] }
  /** A SpecTask's folder could not be read any more. */
  | { type: 'taskGone'; id: string }
  /** A full listing: tasks not in it are gone. */
  | { type: 'tasksListed'; ids: ReadonlySet<string> }
  /** This process wrote a task's `spectask.json` (an intent's result): the view takes it without reading it back. */
  | { type: 'recordWritten'; record: SpecTaskRecord }
  /** The watcher parsed a task's checklist (an agent's tick). */
  | { type: 'checklistRead'; id: string; items: readonly ChecklistItem[]; at: number }
  | { type: 'agentChanged'; agent: AgentInfo }
  | { type: 'runStarted'; id: string; startedAt: number; restartReason?: string }
  | { type: 'runActivity'; id: string; activity: string; at: number }
  /** The live run's usage so far (its agent's running `usage` event); the run's result replaces it. */
  | { type: 'runUsage'; id: string; usage: UsageTotals }
  | { type: 'runEnded'; id: string }
  /** The task's code worktree was made or removed by this process. */
  | { type: 'worktreePresence'; id: string; present: boolean }
  /** The task's run waits for a person to answer a tool call it may not make alone ("waiting for you"). */
  | { type: 'permissionAsked'; id: string; request: WaitingPermission }
  /** The question was answered (or timed out, or its run stopped). */
  | { type: 'permissionSettled'; id: string; requestId: string }
  /** The scheduler's reasons for every waiting task (replaces the previous ones). */
  | { type: 'queueReasons'; reasons: ReadonlyMap<string, string> }
  | { type: 'queueReason'; id: string; reason: string };

export const EMPTY_FLEET: FleetState = {
  rev: 0,
  tasks: new Map(),
  runs: new Map(),
  working: new Set(),
  queueReasons: new Map(),
  agents: new Map(),
};

/**
 * The pure reducer: the state after an event. An event that changes nothing returns the very same state (so no
 * notification and no new rev): a re-reading of unchanged files, the echo of a write, a scheduler pass that
 * decided the same.
 */
export function reduceFleet(state: FleetState, event: FleetEvent): FleetState {
  const next = apply(state, event);
  return next === state ? state : { ...next, rev: state.rev + 1 };
}

function apply(s: FleetState, e: FleetEvent): FleetState {
  switch (e.type) {
    case 'taskRead': {
      const prev = s.tasks.get(e.task.id);
      return prev && !e.documentsChanged && sameTask(prev, e.task)
        ? s
        : { ...s, tasks: withEntry(s.tasks, e.task.id, e.task) };
    }
    case 'tasksRead': {
      let tasks: Map<string, TaskEntry> | undefined;
      for (const t of e.tasks) {
        const prev = (tasks ?? s.tasks).get(t.id);
        if (prev && sameTask(prev, t)) continue;
        (tasks ??= new Map(s.tasks)).set(t.id, t);
      }
      return tasks ? { ...s, tasks } : s;
    }
    case 'taskGone':
      return s.tasks.has(e.id) ? { ...s, tasks: without(s.tasks, e.id) } : s;
    case 'tasksListed': {
      const gone = [...s.tasks.keys()].filter((id) => !e.ids.has(id));
      if (!gone.length) return s;
      const tasks = new Map(s.tasks);
      for (const id of gone) tasks.delete(id);
      return { ...s, tasks };
    }
    case 'recordWritten': {
      const prev = s.tasks.get(e.record.id);
      if (!prev?.record) return s;
      const task = withRecord(prev, e.record);
      return sameTask(prev, task) ? s : { ...s, tasks: withEntry(s.tasks, task.id, task) };
    }
    case 'worktreePresence': {
      const prev = s.tasks.get(e.id);
      if (!prev || prev.worktreePresent === e.present) return s;
      const task = { ...prev, worktreePresent: e.present, hasWorktree: e.present && !!prev.record?.branch };
      return { ...s, tasks: withEntry(s.tasks, e.id, task) };
    }
    case 'checklistRead': {
      const prev = s.tasks.get(e.id);
      if (!prev || prev.items === e.items) return s;
      return { ...s, tasks: withEntry(s.tasks, e.id, { ...prev, items: e.items, updatedAt: e.at }) };
    }
    case 'agentChanged':
      return s.agents.get(e.agent.taskId) === e.agent
        ? s
        : { ...s, agents: withEntry(s.agents, e.agent.taskId, e.agent) };
    case 'runStarted': {
      const previous = s.runs.get(e.id);
      const view: RunView = {
        startedAt: e.startedAt,
        restartReason: e.restartReason,
        lastActivity: previous?.lastActivity,
        lastActivityAt: previous?.lastActivityAt,
      };
      return { ...s, runs: withEntry(s.runs, e.id, view), working: new Set(s.working).add(e.id) };
    }
    case 'runActivity': {
      const view = s.runs.get(e.id);
      if (!view || !s.working.has(e.id)) return s;
      return { ...s, runs: withEntry(s.runs, e.id, { ...view, lastActivity: e.activity, lastActivityAt: e.at }) };
    }
    case 'runUsage': {
      const view = s.runs.get(e.id);
      if (!view || !s.working.has(e.id) || sameUsage(view.usage, e.usage)) return s;
      return { ...s, runs: withEntry(s.runs, e.id, { ...view, usage: e.usage }) };
    }
    case 'runEnded': {
      if (!s.working.has(e.id)) return s;
      const working = new Set(s.working);
      working.delete(e.id);
      // Its card keeps when it started and what it did last, but the reason it started, what it waited on and
      // its running usage (the agent's totals now hold the result's) were about it alone.
      const view = s.runs.get(e.id);
      if (view?.restartReason === undefined && view?.waiting === undefined && view?.usage === undefined)
        return { ...s, working };
      const { restartReason: _, waiting: _w, usage: _u, ...rest } = view;
      return { ...s, working, runs: withEntry(s.runs, e.id, rest) };
    }
    case 'permissionAsked': {
      const view = s.runs.get(e.id);
      if (!view || !s.working.has(e.id) || view.waiting?.some((w) => w.requestId === e.request.requestId)) return s;
      const waiting = [...(view.waiting ?? []), e.request];
      return { ...s, runs: withEntry(s.runs, e.id, { ...view, waiting }) };
    }
    case 'permissionSettled': {
      const view = s.runs.get(e.id);
      if (!view?.waiting?.some((w) => w.requestId === e.requestId)) return s;
      const waiting = view.waiting.filter((w) => w.requestId !== e.requestId);
      const { waiting: _, ...rest } = view;
      return { ...s, runs: withEntry(s.runs, e.id, waiting.length ? { ...rest, waiting } : rest) };
    }
    case 'queueReasons':
      return sameMap(s.queueReasons, e.reasons) ? s : { ...s, queueReasons: new Map(e.reasons) };
    case 'queueReason':
      return s.queueReasons.get(e.id) === e.reason
        ? s
        : { ...s, queueReasons: withEntry(s.queueReasons, e.id, e.reason) };
  }
}

/** The entry after its `spectask.json` was written: everything the record decides, the rest as it was. */
export function withRecord(prev: TaskEntry, record: SpecTaskRecord): TaskEntry {
  return {
    ...prev,
    number: record.id,
    title: record.title ?? prev.title,
    status: record.status,
    backend: record.backend,
    error: record.error,
    // The record names the branch; whether its worktree is on disk is a fact of this machine, not the branch's.
    hasWorktree: !!record.branch && !!prev.worktreePresent,
    updatedAt: Math.max(prev.updatedAt, Date.parse(record.updatedAt) || 0),
    record,
  };
}

/**
 * Whether two readings of a task show the same thing. The time of the reading is not compared: a legacy folder
 * (no record) is stamped with the time it was read, which is no change.
 */
function sameTask(a: TaskEntry, b: TaskEntry): boolean {
  return (
    a.id === b.id &&
    a.number === b.number &&
    a.title === b.title &&
    a.status === b.status &&
    a.backend === b.backend &&
    a.error === b.error &&
    a.hasWorktree === b.hasWorktree &&
    a.worktreePresent === b.worktreePresent &&
    a.folder === b.folder &&
    a.path === b.path &&
    (a.items === b.items || JSON.stringify(a.items) === JSON.stringify(b.items)) &&
    (a.record === b.record || JSON.stringify(a.record) === JSON.stringify(b.record))
  );
}

function sameUsage(a: UsageTotals | undefined, b: UsageTotals): boolean {
  return (
    a !== undefined &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cacheReadTokens === b.cacheReadTokens &&
    a.costUsd === b.costUsd
  );
}

function sameMap<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function withEntry<V>(m: ReadonlyMap<string, V>, key: string, value: V): Map<string, V> {
  return new Map(m).set(key, value);
}

function without<V>(m: ReadonlyMap<string, V>, key: string): Map<string, V> {
  const copy = new Map(m);
  copy.delete(key);
  return copy;
}
