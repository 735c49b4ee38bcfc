import { PHASE_LABELS } from '../../protocol/fleet';
import { firstOverlap, type FileGlob } from './overlap/fileGlobs';
import { statusGroup, type SpecTaskStatus, type Trigger } from './statusMachine';

/** What the scheduler needs to know about one SpecTask. */
export interface SchedulableTask {
  id: string;
  /** Display number, e.g. "000007". */
  number: string;
  status: SpecTaskStatus;
  /** Lower runs first (0 = urgent); ties go to the lower number (older task). */
  priorityRank: number;
  dependsOn: readonly string[];
  /** The files its design.md says it will touch (`## Files`); undefined when it predicts none. */
  files?: readonly FileGlob[];
  /**
   * Who runs it elsewhere (its claim on the remote is another's, e.g. "worker build-7:4242", DESIGN.md §9): it takes
   * no slot here and is never started here; its card says where it runs.
   */
  elsewhere?: string;
}

/**
 * What the scheduler does when a queued implementation's predicted files overlap a running one's: nothing,
 * start it with a warning, or hold it until the other is no longer implementing (the default: two agents on
 * the same files end in a conflict the queue sends back to one of them, a whole agent run later).
 */
export type FileOverlapMode = 'off' | 'warn' | 'hold';
export const FILE_OVERLAP_MODES: readonly FileOverlapMode[] = ['off', 'warn', 'hold'];

export interface SchedulerLimits {
  planning: number;
  implementation: number;
  /** Backlog tasks move to planning on their own. */
  autoStart: boolean;
  /** Absent = 'hold'. */
  fileOverlap?: FileOverlapMode;
}

export interface ScheduleDecision {
  /** Transitions to apply now, in order. */
  start: {
    taskId: string;
    trigger: Extract<
      Trigger,
      'planning_slot_free' | 'implementation_slot_free' | 'revision_resumed' | 'start_planning'
    >;
  }[];
  /** Why each still-waiting task waits; shown on its card and in its tooltip. */
  queueReasons: Map<string, string>;
  /** Under fileOverlap 'warn': implementations started although they overlap a running one, said for the log. */
  warnings: string[];
}

/** "#000003 (implementing)": a task and the phase it is in, as every surface names phases. */
export const taskAndPhase = (t: Pick<SchedulableTask, 'number' | 'status'>): string =>
  `#${t.number} (${PHASE_LABELS[statusGroup(t.status)].toLowerCase()})`;

const PLANNING_ACTIVE: ReadonlySet<SpecTaskStatus> = new Set(['spec_generation']);
const IMPLEMENTATION_ACTIVE: ReadonlySet<SpecTaskStatus> = new Set(['implementation']);

/**
 * Decides which queued SpecTasks start now. Pure: the orchestrator applies the decision through the
 * status machine, so a decision based on a stale view is rejected there instead of double-starting.
 * Revisions go before new planning (an agent session is already waiting for them), then priority.
 */
export function schedule(all: readonly SchedulableTask[], limits: SchedulerLimits): ScheduleDecision {
  const byId = new Map(all.map((t) => [t.id, t]));
  const start: ScheduleDecision['start'] = [];
  const queueReasons = new Map<string, string>();
  // Tasks claimed elsewhere are only said to run there; their predicted files still hold overlapping ones here.
  for (const t of all) if (t.elsewhere) queueReasons.set(t.id, `running on ${t.elsewhere}`);
  const tasks = all.filter((t) => !t.elsewhere);
  let planningFree = limits.planning - tasks.filter((t) => PLANNING_ACTIVE.has(t.status)).length;
  let implementationFree = limits.implementation - tasks.filter((t) => IMPLEMENTATION_ACTIVE.has(t.status)).length;

  const order = (a: SchedulableTask, b: SchedulableTask) =>
    a.priorityRank - b.priorityRank || a.number.localeCompare(b.number);
  const blockedBy = (t: SchedulableTask): string | undefined => {
    for (const dep of t.dependsOn) {
      const d = byId.get(dep);
      if (!d) return `depends on ${dep}, which does not exist`;
      if (d.status !== 'done') return `waiting for ${taskAndPhase(d)}`;
    }
    return undefined;
  };

  const revisions = tasks.filter((t) => t.status === 'spec_revision').sort(order);
  const planning = tasks.filter((t) => t.status === 'queued_spec_generation').sort(order);
  for (const t of revisions) {
    if (planningFree > 0) {
      start.push({ taskId: t.id, trigger: 'revision_resumed' });
      planningFree--;
    } else queueReasons.set(t.id, `revision waits for a planning slot (${limits.planning} in use)`);
  }
  for (const t of planning) {
    const blocked = blockedBy(t);
    if (blocked) queueReasons.set(t.id, blocked);
    else if (planningFree > 0) {
      start.push({ taskId: t.id, trigger: 'planning_slot_free' });
      planningFree--;
    } else queueReasons.set(t.id, `waiting for a planning slot (${limits.planning} of ${limits.planning} in use)`);
  }

  const warnings: string[] = [];
  const overlapMode = limits.fileOverlap ?? 'hold';
  // Implementations running, and those this pass starts: a later one in the same pass must not overlap them.
  const implementing = all.filter((t) => IMPLEMENTATION_ACTIVE.has(t.status));
  const overlapWith = (t: SchedulableTask): string | undefined => {
    if (overlapMode === 'off' || !t.files?.length) return undefined;
    for (const other of implementing) {
      const file = other.files?.length ? firstOverlap(t.files, other.files) : undefined;
      if (file) return `${taskAndPhase(other)}: both touch ${file}`;
    }
    return undefined;
  };
  for (const t of tasks.filter((x) => x.status === 'queued_implementation').sort(order)) {
    const blocked = blockedBy(t);
    const overlap = blocked ? undefined : overlapWith(t);
    if (blocked) queueReasons.set(t.id, blocked);
    else if (overlap && overlapMode === 'hold') queueReasons.set(t.id, `waiting for ${overlap}`);
    else if (implementationFree > 0) {
      if (overlap) warnings.push(`SpecTask #${t.number} started although it overlaps ${overlap}`);
      start.push({ taskId: t.id, trigger: 'implementation_slot_free' });
      implementing.push({ ...t, status: 'implementation' });
      implementationFree--;
    } else
      queueReasons.set(
        t.id,
        `waiting for an implementation slot (${limits.implementation} of ${limits.implementation} in use)`,
      );
  }

  if (limits.autoStart) {
    // Auto-started tasks enter the planning queue now and get a slot on the next pass.
    for (const t of tasks.filter((x) => x.status === 'backlog').sort(order))
      start.push({ taskId: t.id, trigger: 'start_planning' });
  }
  return { start, queueReasons, warnings };
}
