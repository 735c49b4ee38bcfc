import type { SpecTaskRecord, SpecTaskTransition } from '../../docs/specTaskSchema';

/** The triggers whose note says why an integration did not reach the base. */
const SETBACKS: ReadonlySet<string> = new Set(['integration_bounced', 'integration_blocked']);
/** After these the last setback is history: merged, reopened, archived, restored. */
const CLEARS: ReadonlySet<string> = new Set(['integration_succeeded', 'reopen', 'archive', 'restore']);

/**
 * Why the SpecTask's last integration did not reach its base ("conflicts with #000002 in src/app.js",
 * "tests failed: 2 failing"), read from its history (so every surface and `spectask show --json` agree, and
 * it survives a restart); undefined once it was merged or when it never bounced.
 */
export function integrationReasonOf(record: Pick<SpecTaskRecord, 'history'> | undefined): string | undefined {
  const history = record?.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (CLEARS.has(h.trigger)) return undefined;
    if (SETBACKS.has(h.trigger)) return h.note || h.trigger.replace(/_/g, ' ');
  }
  return undefined;
}

/** How many times in a row the queue sent the task back (since a person last accepted it). */
export function bouncesInARow(history: readonly SpecTaskTransition[]): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i]!.trigger;
    if (t === 'integration_bounced') n++;
    else if (t === 'accept' && history[i]!.note !== REQUEUED_NOTE) break;
  }
  return n;
}

/** The note of the queue's own `accept` after a bounced task's agent finished (tells it from a person's). */
export const REQUEUED_NOTE = 're-entered the integration queue after its agent finished';

/**
 * True when the task sits in implementation review because the agent finished work the queue sent back: the
 * run that ended began with `integration_bounced`. Such a task re-enters the queue by itself.
 */
export function returnedFromQueue(history: readonly SpecTaskTransition[]): boolean {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.to === 'implementation') return h.trigger === 'integration_bounced';
  }
  return false;
}

/** A queued task's place: "1 of 3", and who goes before it. */
export interface QueuePlace {
  position: number;
  of: number;
  ahead?: string;
}

/**
 * The queue's order: a task interrupted mid-integration first (it was already under way), then by when it
 * was queued, then by number.
 */
export function queueOrder<T extends { number: string; status: string; record?: Pick<SpecTaskRecord, 'history'> }>(
  tasks: readonly T[],
): T[] {
  const key = (t: T) => {
    const last = [...(t.record?.history ?? [])].reverse().find((h) => h.to === 'queued_integration');
    return { interrupted: last?.trigger === 'integration_interrupted' ? 0 : 1, at: last?.at ?? '' };
  };
  return tasks
    .filter((t) => t.status === 'queued_integration')
    .map((t) => ({ t, k: key(t) }))
    .sort(
      (a, b) =>
        a.k.interrupted - b.k.interrupted || a.k.at.localeCompare(b.k.at) || a.t.number.localeCompare(b.t.number),
    )
    .map((x) => x.t);
}

/**
 * The pull request the queue opened or updated for the task, with the checks gh reported then ("pull request
 * https://… opened (tests passed; checks: 2 passing)"), from its last integration; undefined after a reopen.
 */
export function pullRequestOf(record: Pick<SpecTaskRecord, 'history'> | undefined): string | undefined {
  const history = record?.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.trigger === 'reopen') return undefined;
    if (h.trigger === 'integration_succeeded') return h.note?.startsWith('pull request ') ? h.note : undefined;
  }
  return undefined;
}
