import { countByPhase, emptyFleetSnapshot, type FleetSnapshot } from '../../protocol/fleet';

/** One dashboard snapshot from every repository's (the dashboard's and the public surfaces' fleet). */
export function mergeFleetSnapshots(list: readonly FleetSnapshot[]): FleetSnapshot {
  if (list.length === 1) return list[0]!;
  if (!list.length) return emptyFleetSnapshot();
  const cards = list.flatMap((s) => s.cards);
  const counts = { ...countByPhase([]) } as Record<keyof FleetSnapshot['counts'], number>;
  for (const s of list) for (const [k, v] of Object.entries(s.counts)) counts[k as keyof typeof counts] += v;
  return { generatedAt: Math.max(...list.map((s) => s.generatedAt)), cards, counts };
}
