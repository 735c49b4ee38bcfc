import type { FleetAgentCard, Phase } from '../src/protocol/fleet';

/** Cards needing a person float to the top, then failures, then working agents, then the rest. */
const RANK: Readonly<Record<Phase, number>> = {
  spec_review: 0,
  implementation_review: 0,
  failed: 1,
  stopped: 3,
  implementing: 2,
  integration: 2,
  planning: 2,
  queued: 3,
  backlog: 4,
  done: 5,
  archived: 6,
};

/** The order cards appear in the grid: by urgency (RANK), then by SpecTask number. */
export function orderCards(cards: readonly FleetAgentCard[]): FleetAgentCard[] {
  return [...cards].sort(
    (a, b) =>
      RANK[a.phase] - RANK[b.phase] ||
      a.number.localeCompare(b.number, undefined, { numeric: true }) ||
      a.taskId.localeCompare(b.taskId),
  );
}
