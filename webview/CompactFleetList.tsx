import { Component, createRef } from 'preact';
import { PHASE_LABELS, type FleetAgentCard } from '../src/protocol/fleet';
import { TASK_ACTION_LABELS } from '../src/protocol/messages';
import { CARD_KEYS_HINT_ID, sameCard } from './AgentTaskCard';
import { statusLine } from './BoardCard';
import { ButtonGlyph } from './ButtonGlyph';
import { ACTION_ICONS, cardActions } from './cardActionSet';
import { gridTarget } from './cardNavigation';
import { syncTabStops } from './tabStops';
import { useRovingFocus } from './useRovingFocus';
import type { HostApi } from './vscodeApi';

interface RowProps {
  card: FleetAgentCard;
  host: HostApi;
  active: boolean;
}

/** One SpecTask in two short lines: number, title and progress; phase, what matters now, and its main action. */
function CompactRowView({ card, host, active, el }: RowProps & { el: preact.Ref<HTMLElement> }) {
  const { done, total } = card.progress;
  const titleId = `compact-title-${card.taskId}`;
  const line = statusLine(card);
  const { primary } = cardActions(card);
  const name = `SpecTask ${card.number}`;
  return (
    <li class="compact-cell">
      <article
        ref={el}
        class={`card compact-card phase-${card.phase}`}
        data-task-id={card.taskId}
        aria-labelledby={titleId}
        aria-describedby={CARD_KEYS_HINT_ID}
        tabIndex={active ? 0 : -1}
      >
        <div class="compact-head">
          <span class="compact-title" id={titleId} title={card.title}>
            <span class="card-number">#{card.number}</span> {card.title}
          </span>
          <span class="progress-count" aria-label={`${done} of ${total} items done`}>
            {done}/{total}
          </span>
        </div>
        <div class="compact-sub">
          <span class={`phase-chip phase-${card.phase}`}>{PHASE_LABELS[card.phase]}</span>
          <span class={`compact-line ${line?.cls ?? ''}`} title={line?.text}>
            {line?.text}
          </span>
          {primary && (
            <vscode-button
              class="action-icon"
              data-action={primary}
              secondary
              iconOnly
              title={TASK_ACTION_LABELS[primary]}
              aria-label={`${TASK_ACTION_LABELS[primary]} ${name}`}
              onClick={() => host.postMessage({ type: 'task/action', taskId: card.taskId, action: primary })}
            >
              <ButtonGlyph name={ACTION_ICONS[primary]} />
            </vscode-button>
          )}
        </div>
      </article>
    </li>
  );
}

class CompactRow extends Component<RowProps> {
  private readonly el = createRef<HTMLElement>();

  override componentDidMount(): void {
    syncTabStops(this.el.current, () => this.props.active);
  }

  override componentDidUpdate(): void {
    syncTabStops(this.el.current, () => this.props.active);
  }

  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return !(p.host === next.host && p.active === next.active && sameCard(p.card, next.card));
  }

  override render() {
    return <CompactRowView {...this.props} el={this.el} />;
  }
}

/**
 * The sidebar's Fleet view: a compact list, one row of two lines per SpecTask, instead of the dashboard's cards in
 * a cramped column; the whole dashboard is a click away. One tab stop, arrows between rows, Enter opens.
 */
export function CompactFleetList({ cards, host }: { cards: readonly FleetAgentCard[]; host: HostApi }) {
  const ids = cards.map((c) => c.taskId);
  const roving = useRovingFocus(cards, host, (current, key) => gridTarget(ids, 1, current, key));
  return (
    <ul class="compact-list" aria-label="SpecTasks" onKeyDown={roving.onKeyDown} onFocusIn={roving.onFocusIn}>
      {cards.map((c) => (
        <CompactRow key={c.taskId} card={c} host={host} active={c.taskId === roving.activeId} />
      ))}
    </ul>
  );
}
