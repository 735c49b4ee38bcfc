import { useEffect, useRef, useState } from 'preact/hooks';
import { BOARD_COLUMN_LABELS, type BoardColumn as Column, type FleetAgentCard } from '../src/protocol/fleet';
import { backendLabelOf } from './backendLabel';
import { BoardCard } from './BoardCard';
import { BOARD_ROW_PX, visibleRange } from './boardWindow';
import type { HostApi } from './vscodeApi';

interface Props {
  column: Column;
  cards: readonly FleetAgentCard[];
  host: HostApi;
  backendLabels?: Readonly<Record<string, string>>;
  activeId: string | undefined;
  /** Whether the card being dragged could land here (undefined while nothing is dragged). */
  dropOk: boolean | undefined;
  onDragStart(taskId: string): void;
  onDragEnd(): void;
  onDrop(column: Column): void;
  /** The dragged card is over this column, where it may not go: the Board says why, before the drop. */
  onRefusedOver(column: Column): void;
}

/**
 * One Board column: its name and count, and its cards in a scroller of its own that draws only the cards in view
 * (every card has the same height, so where each sits is known without measuring): 200 SpecTasks cost what the
 * few dozen on screen cost.
 */
export function BoardColumn(p: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    const el = scroller.current!;
    let frame = 0;
    const read = () => {
      frame = 0;
      setView((v) =>
        v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight },
      );
    };
    const later = () => (frame ||= requestAnimationFrame(read));
    read();
    el.addEventListener('scroll', later, { passive: true });
    const resize = new ResizeObserver(later);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', later);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
  const { from, to } = visibleRange(p.cards.length, view.top, view.height);
  const drawn = p.cards.slice(from, to).map((card, i) => ({ card, index: from + i }));
  const active = p.cards.findIndex((c) => c.taskId === p.activeId);
  if (active >= 0 && (active < from || active >= to)) drawn.push({ card: p.cards[active], index: active });
  const label = BOARD_COLUMN_LABELS[p.column];
  return (
    <section
      class="board-column"
      data-column={p.column}
      data-drop={p.dropOk === undefined ? undefined : p.dropOk ? 'ok' : 'no'}
      aria-label={`${label}: ${p.cards.length}`}
      onDragOver={(e) => {
        if (p.dropOk) return e.preventDefault(); // a legal move: accept the drop
        // Refused: the pointer says so, and the Board says why while the card is still held.
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
        if (p.dropOk === false) p.onRefusedOver(p.column);
      }}
      onDrop={(e) => {
        e.preventDefault();
        p.onDrop(p.column);
      }}
    >
      <h2 class="board-column-head">
        {label} <vscode-badge variant="counter">{p.cards.length}</vscode-badge>
      </h2>
      <div class="board-scroll" ref={scroller}>
        <ul class="board-list" aria-label={label} style={{ height: `${p.cards.length * BOARD_ROW_PX}px` }}>
          {drawn.map(({ card, index }) => (
            <BoardCard
              key={card.taskId}
              card={card}
              host={p.host}
              backendLabel={backendLabelOf(p.backendLabels, card.backend)}
              active={card.taskId === p.activeId}
              top={index * BOARD_ROW_PX}
              onDragStart={p.onDragStart}
              onDragEnd={p.onDragEnd}
            />
          ))}
        </ul>
      </div>
    </section>
  );
}
