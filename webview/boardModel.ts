import {
  BOARD_COLUMN_LABELS,
  BOARD_COLUMNS,
  BOARD_MOVE_LABELS,
  isBoardColumn,
  type BoardColumn,
  type BoardMove,
  type FleetAgentCard,
} from '../src/protocol/fleet';

/** Where a card sits on the Board: the host's column (from the status table), else its phase's column. */
export const columnOf = (card: FleetAgentCard): BoardColumn =>
  card.column ?? (isBoardColumn(card.phase) ? card.phase : 'backlog');

/** The Board's cards per column, in the order given (the dashboard's order). */
export function groupByColumn(cards: readonly FleetAgentCard[]): Record<BoardColumn, FleetAgentCard[]> {
  const out = Object.fromEntries(BOARD_COLUMNS.map((c) => [c, [] as FleetAgentCard[]])) as Record<
    BoardColumn,
    FleetAgentCard[]
  >;
  for (const c of cards) out[columnOf(c)].push(c);
  return out;
}

/**
 * The move that takes `card` to `to`, if the status table allows one: a move whose card lands there, or Retry
 * when a failed card is dropped on (or moved forward from) its own column — it starts again where it failed.
 */
export function moveTo(card: FleetAgentCard, to: BoardColumn | 'archived'): BoardMove | undefined {
  const moves = card.moves ?? [];
  const direct = moves.find((m) => m.to === to && (m.move !== 'retry' || card.phase === 'failed'));
  if (direct) return direct.move;
  const next = BOARD_COLUMNS[BOARD_COLUMNS.indexOf(columnOf(card)) + 1];
  if (card.phase === 'failed' && (to === columnOf(card) || to === next))
    return moves.find((m) => m.move === 'retry')?.move;
  return undefined;
}

const where = (to: BoardColumn | 'archived') => (to === 'archived' ? 'the archive' : BOARD_COLUMN_LABELS[to]);

/** Why `card` cannot go to `to`, naming what it can do instead (from its moves, i.e. the status table). */
export function refusal(card: FleetAgentCard, to: BoardColumn | 'archived'): string {
  const from = BOARD_COLUMN_LABELS[columnOf(card)];
  const options = (card.moves ?? []).map((m) => `${BOARD_MOVE_LABELS[m.move]} (to ${where(m.to)})`);
  return (
    `#${card.number} cannot move from ${from} to ${where(to)}.` +
    (options.length
      ? ` From here you can: ${options.join(', ')}.`
      : ' Nothing moves it by hand from here: its agent or the integration queue moves it on.')
  );
}
