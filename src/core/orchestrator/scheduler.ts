import { describeStatus, type SpecTaskStatus, type Trigger } from './statusMachine';

/** What the scheduler needs to know about one SpecTask. */
export interface SchedulableTask {
  id: string;
  /** Display number, e.g. "000007". */
  number: string;
  status: SpecTaskStatus;
  /** Lower runs first (0 = urgent); ties go to the lower number (older task). */
  priorityRank: number;
  dependsOn: readonly string[];
}

export interface SchedulerLimits {
  planning: number;
  implementation: number;
  /** Backlog tasks move to planning on their own. */
  autoStart: boolean;
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
}

const PLANNING_ACTIVE: ReadonlySet<SpecTaskStatus> = new Set(['spec_generation']);
const IMPLEMENTATION_ACTIVE: ReadonlySet<SpecTaskStatus> = new Set(['implementation']);

/**
 * Decides which queued SpecTasks start now. Pure: the orchestrator applies the decision through the
 * status machine, so a decision based on a stale view is rejected there instead of double-starting.
 * Revisions go before new planning (an agent session is already waiting for them), then priority.
 */
export function schedule(tasks: readonly SchedulableTask[], limits: SchedulerLimits): ScheduleDecision {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const start: ScheduleDecision['start'] = [];
  const queueReasons = new Map<string, string>();
  let planningFree = limits.planning - tasks.filter((t) => PLANNING_ACTIVE.has(t.status)).length;
  let implementationFree = limits.implementation - tasks.filter((t) => IMPLEMENTATION_ACTIVE.has(t.status)).length;

  const order = (a: SchedulableTask, b: SchedulableTask) =>
    a.priorityRank - b.priorityRank || a.number.localeCompare(b.number);
  const blockedBy = (t: SchedulableTask): string | undefined => {
    for (const dep of t.dependsOn) {
      const d = byId.get(dep);
      if (!d) return `depends on ${dep}, which does not exist`;
      if (d.status !== 'done') return `waiting for #${d.number}, which is ${describeStatus(d.status)}`;
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

  for (const t of tasks.filter((x) => x.status === 'queued_implementation').sort(order)) {
    const blocked = blockedBy(t);
    if (blocked) queueReasons.set(t.id, blocked);
    else if (implementationFree > 0) {
      start.push({ taskId: t.id, trigger: 'implementation_slot_free' });
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
  return { start, queueReasons };
}
