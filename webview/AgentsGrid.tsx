import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { FleetAgentCard } from '../src/protocol/fleet';
import { AgentTaskCard } from './AgentTaskCard';
import { backendLabelOf } from './backendLabel';
import { gridTarget, isNavKey } from './cardNavigation';
import { useGridWindow } from './useGridWindow';
import { useRovingFocus } from './useRovingFocus';
import type { HostApi } from './vscodeApi';

/** What the person does that ends keeping the focused card in view: they move the page themselves. */
const OWN_SCROLL_EVENTS = ['wheel', 'touchstart', 'pointerdown'] as const;

/**
 * The Agents layout: a responsive grid of cards, cards waiting on a person first, one tab stop for the grid.
 * It draws only the rows in view and the active card's row (useGridWindow): 200 SpecTasks cost what the few
 * dozen on screen cost. Arrows reach every card: a card not drawn yet is drawn once it is the active one, and
 * scrolled into view.
 */
export function AgentsGrid(props: {
  cards: readonly FleetAgentCard[];
  now: number;
  host: HostApi;
  backendLabels?: Readonly<Record<string, string>>;
}) {
  const { cards, now, host, backendLabels } = props;
  const list = useRef<HTMLUListElement>(null);
  const ids = cards.map((c) => c.taskId);
  const perRowNow = useRef(1);
  const roving = useRovingFocus(cards, host, (current, key) => gridTarget(ids, perRowNow.current, current, key));
  const active = ids.indexOf(roving.activeId ?? '');
  const { segments, perRow } = useGridWindow(list, cards.length, active >= 0 ? active : undefined);
  perRowNow.current = perRow;
  // A card the arrows reached far away is scrolled to where the rows above it were only estimated; as they are
  // drawn and measured it may move. Keep it in view from the key until the person scrolls, clicks or types
  // something else: a time window was too short on a loaded machine, where the rows were still being measured.
  const revealing = useRef(false);
  useEffect(() => {
    const stop = () => (revealing.current = false);
    const stopOnOtherKey = (e: KeyboardEvent) => {
      if (!isNavKey(e.key)) revealing.current = false;
    };
    for (const type of OWN_SCROLL_EVENTS) window.addEventListener(type, stop, { capture: true, passive: true });
    window.addEventListener('keydown', stopOnOtherKey, { capture: true });
    return () => {
      for (const type of OWN_SCROLL_EVENTS) window.removeEventListener(type, stop, { capture: true });
      window.removeEventListener('keydown', stopOnOtherKey, { capture: true });
    };
  }, []);
  useLayoutEffect(() => {
    if (!revealing.current) return;
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || el.dataset.taskId !== roving.activeId || !list.current?.contains(el)) return;
    const r = el.getBoundingClientRect();
    // Card heights are fractional: a card scrolled to the edge may end a fraction of a pixel past it.
    if (r.top < -1 || r.bottom > window.innerHeight + 1) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
  const onKeyDown = (e: KeyboardEvent) => {
    roving.onKeyDown(e);
    if (e.defaultPrevented && isNavKey(e.key)) revealing.current = true;
  };
  return (
    <ul ref={list} class="fleet-grid" aria-label="Agents" onKeyDown={onKeyDown} onFocusIn={roving.onFocusIn}>
      {/* One flat list: a card that moves between runs of rows keeps its element (and the focus). */}
      {segments.flatMap((s, n) =>
        s.kind === 'spacer'
          ? [<li key={`spacer-${n}`} class="fleet-spacer" aria-hidden="true" style={{ height: `${s.height}px` }} />]
          : cards.slice(s.from, s.to).map((c, i) => (
              <li
                key={c.taskId}
                class="fleet-cell"
                data-row={Math.floor((s.from + i) / perRow)}
                aria-posinset={s.from + i + 1}
                aria-setsize={cards.length}
              >
                <AgentTaskCard
                  card={c}
                  now={now}
                  host={host}
                  backendLabel={backendLabelOf(backendLabels, c.backend)}
                  active={c.taskId === roving.activeId}
                />
              </li>
            )),
      )}
    </ul>
  );
}
