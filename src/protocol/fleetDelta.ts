import type { FleetAgentCard, FleetSnapshot, PhaseCounts } from './fleet';

/**
 * What changed between two complete snapshots, card by card (issue 24): at 1,000 SpecTasks a snapshot is over half
 * a megabyte, and one agent's tick changes one card of it. Applied to the snapshot it was computed against (its
 * base), it gives exactly the newer snapshot ({@link applyFleetDelta}); the webview asks for a complete snapshot
 * when it does not hold that base.
 */
export interface FleetDelta {
  generatedAt: number;
  /** The counts are small and change with most phase moves: always whole. */
  counts: PhaseCounts;
  /** Present when the back-ends' labels changed (or were dropped: then `null`). */
  backendLabels?: Readonly<Record<string, string>> | null;
  /** Cards that are new or differ from the base's, whole. */
  cards: FleetAgentCard[];
  /** Task ids of the base's cards that are gone. */
  removed: string[];
  /**
   * Every card's task id in the newer snapshot's order, when that order is not the one applying gives (the base's
   * order without the removed cards, new cards after them in their order).
   */
  order?: string[];
}

/**
 * The host's memory of the snapshot a webview holds: its cards by task id (snapshots are built anew and never
 * changed afterwards, so keeping them is safe), their order, labels and counts.
 */
export interface PostedSnapshot {
  cards: ReadonlyMap<string, FleetAgentCard>;
  order: readonly string[];
  backendLabels: Readonly<Record<string, string>> | undefined;
  counts: PhaseCounts;
}

/** Remembers `s` as what a webview holds now (after a complete snapshot was posted). */
export function postedSnapshotOf(s: FleetSnapshot): PostedSnapshot {
  return {
    cards: new Map(s.cards.map((c) => [c.taskId, c])),
    order: s.cards.map((c) => c.taskId),
    backendLabels: s.backendLabels,
    counts: s.counts,
  };
}

/** The delta from what a webview holds (`base`) to `next`, and what it holds after applying it. */
export function diffFleetSnapshot(
  base: PostedSnapshot,
  next: FleetSnapshot,
): { delta: FleetDelta; posted: PostedSnapshot } {
  const posted = postedSnapshotOf(next);
  const cards: FleetAgentCard[] = [];
  for (const c of next.cards) if (!sameJson(base.cards.get(c.taskId), c)) cards.push(c);
  const removed = base.order.filter((id) => !posted.cards.has(id));
  // The order applying gives: the base's survivors in place, then the new cards.
  const applied = base.order.filter((id) => posted.cards.has(id));
  for (const id of posted.order) if (!base.cards.has(id)) applied.push(id);
  const delta: FleetDelta = { generatedAt: next.generatedAt, counts: next.counts, cards, removed };
  if (!sameOrder(applied, posted.order)) delta.order = [...posted.order];
  if (!sameJson(base.backendLabels, posted.backendLabels)) delta.backendLabels = next.backendLabels ?? null;
  return { delta, posted };
}

/** Whether applying `delta` changes no card, order, label or count (only the time it was built). */
export function isEmptyDelta(delta: FleetDelta, base: PostedSnapshot, posted: PostedSnapshot): boolean {
  return (
    !delta.cards.length &&
    !delta.removed.length &&
    !delta.order &&
    delta.backendLabels === undefined &&
    sameJson(base.counts, posted.counts)
  );
}

/** The snapshot `delta` makes of `base`; cards that did not change are the base's own objects. */
export function applyFleetDelta(base: FleetSnapshot, delta: FleetDelta): FleetSnapshot {
  const changed = new Map(delta.cards.map((c) => [c.taskId, c]));
  const removed = new Set(delta.removed);
  const cards: FleetAgentCard[] = [];
  const kept = new Set<string>();
  for (const c of base.cards) {
    if (removed.has(c.taskId)) continue;
    cards.push(changed.get(c.taskId) ?? c);
    kept.add(c.taskId);
  }
  for (const c of delta.cards) if (!kept.has(c.taskId)) cards.push(c);
  const next: FleetSnapshot = { generatedAt: delta.generatedAt, cards, counts: delta.counts };
  const labels = delta.backendLabels === undefined ? base.backendLabels : (delta.backendLabels ?? undefined);
  if (labels !== undefined) next.backendLabels = labels;
  if (delta.order) {
    const byId = new Map(cards.map((c) => [c.taskId, c]));
    next.cards = delta.order.flatMap((id) => byId.get(id) ?? []);
  }
  return next;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * Whether two values serialize to the same JSON (a missing field and an undefined one alike), compared in place:
 * at 1,000 cards, serializing each card to compare it cost more than building the snapshot.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}
