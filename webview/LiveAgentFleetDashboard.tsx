import { useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { CARD_KEYS_HINT_ID } from './AgentTaskCard';
import { AgentsGrid } from './AgentsGrid';
import { CompactFleetList } from './CompactFleetList';
import { FleetBoard } from './FleetBoard';
import { LayoutToggle, type Layout } from './LayoutToggle';
import { orderCards } from './cardOrder';
import { EmptyState } from './EmptyState';
import { FleetFilterBar } from './FleetFilterBar';
import { backendsOf, emptyFilter, filterCards, type FleetFilter } from './fleetFilter';
import { FleetHeader } from './FleetHeader';
import { renderCommitted } from './renderBudget';
import { useFleetSnapshot } from './useFleetSnapshot';
import { useNow } from './useNow';
import type { HostApi } from './vscodeApi';

/** UI state the webview keeps across reloads (house rule 7: only UI state, never data). */
interface PersistedUi {
  filter?: FleetFilter;
  layout?: Layout;
}

/**
 * The fleet dashboard: header with "N agents working" and counts per phase, a filter, and a responsive
 * grid of agent cards (cards waiting on a person first) or the Board; an empty state when there is nothing yet.
 * `compact` (the sidebar view): a two-line row per SpecTask and a link to the whole dashboard.
 */
export function LiveAgentFleetDashboard({ host, compact = false }: { host: HostApi; compact?: boolean }) {
  const { rev, snapshot, received } = useFleetSnapshot(host);
  const now = useNow();
  const [filter, setFilterState] = useState<FleetFilter>(() => ({
    ...emptyFilter(),
    ...host.getState<PersistedUi>()?.filter,
  }));
  const [layout, setLayoutState] = useState<Layout>(() => host.getState<PersistedUi>()?.layout ?? 'agents');
  const persist = (ui: PersistedUi) => host.setState<PersistedUi>({ ...host.getState<PersistedUi>(), ...ui });
  const setFilter = (f: FleetFilter) => {
    setFilterState(f);
    persist({ filter: f });
  };
  const setLayout = (l: Layout) => {
    setLayoutState(l);
    persist({ layout: l });
  };
  const ordered = useMemo(() => orderCards(snapshot.cards), [snapshot]);
  const shown = useMemo(() => filterCards(ordered, filter), [ordered, filter]);
  const backends = useMemo(() => backendsOf(snapshot.cards), [snapshot]);
  const filtered = shown.length !== ordered.length;
  useLayoutEffect(() => renderCommitted(), [rev]);

  return (
    <main class="fleet" aria-labelledby="fleet-title" data-rev={rev} aria-busy={!received}>
      <FleetHeader snapshot={snapshot} />
      {received && snapshot.cards.length === 0 ? (
        <EmptyState host={host} />
      ) : compact ? (
        <>
          <p id={CARD_KEYS_HINT_ID} class="visually-hidden">
            Arrow keys move between SpecTasks, Enter opens one, Tab reaches its action.
          </p>
          <button
            type="button"
            class="link-button compact-open"
            onClick={() => host.postMessage({ type: 'command/run', command: 'spectask.fleet.open' })}
          >
            Open Fleet Dashboard
          </button>
          <CompactFleetList cards={ordered} host={host} />
        </>
      ) : (
        <>
          <LayoutToggle layout={layout} onChange={setLayout} />
          <FleetFilterBar
            filter={filter}
            backends={backends}
            backendLabels={snapshot.backendLabels}
            onChange={setFilter}
          />
          {filtered && (
            <p class="filter-summary" role="status">
              Showing {shown.length} of {ordered.length}.{' '}
              <button type="button" class="link-button" onClick={() => setFilter(emptyFilter())}>
                Clear filter
              </button>
            </p>
          )}
          <p id={CARD_KEYS_HINT_ID} class="visually-hidden">
            Arrow keys move between cards, Enter opens one, Tab reaches its actions.
            {layout === 'board' &&
              ' Control and an arrow key move it to the next column, Control and Delete archive it.'}
          </p>
          {layout === 'board' ? (
            <FleetBoard cards={shown} host={host} backendLabels={snapshot.backendLabels} />
          ) : (
            <AgentsGrid cards={shown} now={now} host={host} backendLabels={snapshot.backendLabels} />
          )}
        </>
      )}
    </main>
  );
}
