import { useMemo, useRef, useState } from 'preact/hooks';
import {
  BOARD_COLUMNS,
  BOARD_MOVE_LABELS,
  type BoardColumn as Column,
  type FleetAgentCard,
} from '../src/protocol/fleet';
import { BoardColumn } from './BoardColumn';
import { columnOf, groupByColumn, moveTo, refusal } from './boardModel';
import { boardTarget } from './cardNavigation';
import { useRovingFocus } from './useRovingFocus';
import type { HostApi } from './vscodeApi';

/** Whether the dragged card may land in `column` (its own column: only a failed card, which is then retried). */
function dropOk(card: FleetAgentCard | undefined, column: Column): boolean | undefined {
  if (!card) return undefined;
  if (column === columnOf(card) && card.phase !== 'failed') return undefined; // where it is: neither yes nor no
  return moveTo(card, column) !== undefined;
}

/**
 * The Board layout: a column per step (Backlog · Planning · Spec review · Implementing · Code review ·
 * Integrating · Done). Moving a card — Ctrl+→ / Ctrl+← to the next or previous column, Ctrl+Delete to archive, or
 * a drag — performs the transition the status table allows (Start, Approve, Accept, Retry, Archive) through the
 * same intents as the buttons, and any other move is refused with the reason, in a live region.
 */
export function FleetBoard(props: {
  cards: readonly FleetAgentCard[];
  host: HostApi;
  backendLabels?: Readonly<Record<string, string>>;
}) {
  const { cards, host, backendLabels } = props;
  const columns = useMemo(() => groupByColumn(cards), [cards]);
  const inColumnOrder = useMemo(() => BOARD_COLUMNS.flatMap((c) => columns[c]), [columns]);
  const ids = useMemo(() => BOARD_COLUMNS.map((c) => columns[c].map((x) => x.taskId)), [columns]);
  const [notice, setNotice] = useState<{ text: string; refused: boolean }>({ text: '', refused: false });
  const [dragged, setDragged] = useState<string | undefined>(undefined);
  const draggedRef = useRef<string | undefined>(undefined);

  const perform = (card: FleetAgentCard, to: Column | 'archived'): void => {
    const move = moveTo(card, to);
    if (!move) return setNotice({ text: refusal(card, to), refused: true });
    host.postMessage({ type: 'task/move', taskId: card.taskId, move });
    setNotice({ text: `${BOARD_MOVE_LABELS[move]}: #${card.number} ${card.title}`, refused: false });
  };

  const roving = useRovingFocus(
    inColumnOrder,
    host,
    (current, key) => boardTarget(ids, current, key),
    (e, card) => {
      if (!e.ctrlKey && !e.metaKey) return false;
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const to = BOARD_COLUMNS[BOARD_COLUMNS.indexOf(columnOf(card)) + (e.key === 'ArrowRight' ? 1 : -1)];
        if (to) perform(card, to);
        else
          setNotice({
            text: `#${card.number} is already in the ${e.key === 'ArrowRight' ? 'last' : 'first'} column.`,
            refused: true,
          });
        return true;
      }
      if (e.key === 'Delete' || e.key === 'Backspace') {
        perform(card, 'archived');
        return true;
      }
      return false;
    },
  );

  const draggedCard = dragged === undefined ? undefined : cards.find((c) => c.taskId === dragged);
  const onDragStart = (id: string) => {
    draggedRef.current = id;
    setDragged(id);
  };
  const onDragEnd = () => {
    draggedRef.current = undefined;
    setDragged(undefined);
  };
  const onDrop = (to: Column | 'archived') => {
    const card = cards.find((c) => c.taskId === draggedRef.current);
    onDragEnd();
    if (card && (to === 'archived' || to !== columnOf(card) || card.phase === 'failed')) perform(card, to);
  };

  return (
    <div class="board-wrap">
      <div class="board-bar">
        <p class={`board-notice${notice.refused ? ' refused' : ''}`} role="status" aria-live="polite">
          {notice.text}
        </p>
        <div
          class="board-archive"
          data-drop={draggedCard ? (moveTo(draggedCard, 'archived') ? 'ok' : 'no') : undefined}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            onDrop('archived');
          }}
        >
          <span class="codicon codicon-archive" aria-hidden="true" /> Drop here to archive (Ctrl+Delete)
        </div>
      </div>
      <div class="board" onKeyDown={roving.onKeyDown} onFocusIn={roving.onFocusIn} aria-label="Board">
        {BOARD_COLUMNS.map((c) => (
          <BoardColumn
            key={c}
            column={c}
            cards={columns[c]}
            host={host}
            backendLabels={backendLabels}
            activeId={roving.activeId}
            dropOk={dropOk(draggedCard, c)}
            onDragStart={onDragStart}
            onDragEnd={onDragEnd}
            onDrop={onDrop}
            onRefusedOver={(to) => {
              if (!draggedCard) return;
              const text = refusal(draggedCard, to);
              if (notice.text !== text) setNotice({ text, refused: true });
            }}
          />
        ))}
      </div>
    </div>
  );
}
