import type { FleetAgentCard } from '../src/protocol/fleet';
import { AgentTaskCard } from './AgentTaskCard';
import { backendLabelOf } from './backendLabel';
import { gridTarget } from './cardNavigation';
import { useRovingFocus } from './useRovingFocus';
import type { HostApi } from './vscodeApi';

/** How many cards a row of the grid holds now (its CSS decides: one in a sidebar, more in a panel). */
function perRow(list: HTMLElement | null): number {
  if (!list) return 1;
  return Math.max(1, getComputedStyle(list).gridTemplateColumns.split(' ').filter(Boolean).length);
}

/** The Agents layout: a responsive grid of cards, cards waiting on a person first, one tab stop for the grid. */
export function AgentsGrid(props: {
  cards: readonly FleetAgentCard[];
  now: number;
  host: HostApi;
  backendLabels?: Readonly<Record<string, string>>;
}) {
  const { cards, now, host, backendLabels } = props;
  const ids = cards.map((c) => c.taskId);
  const roving = useRovingFocus(cards, host, (current, key) =>
    gridTarget(ids, perRow(document.querySelector('.fleet-grid')), current, key),
  );
  return (
    <ul class="fleet-grid" aria-label="Agents" onKeyDown={roving.onKeyDown} onFocusIn={roving.onFocusIn}>
      {cards.map((c) => (
        <li key={c.taskId} class="fleet-cell">
          <AgentTaskCard
            card={c}
            now={now}
            host={host}
            backendLabel={backendLabelOf(backendLabels, c.backend)}
            active={c.taskId === roving.activeId}
          />
        </li>
      ))}
    </ul>
  );
}
