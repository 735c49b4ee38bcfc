import { Component, createRef } from 'preact';
import { PHASE_LABELS, type FleetAgentCard } from '../src/protocol/fleet';
import { CardActions } from './CardActions';
import { CARD_KEYS_HINT_ID, sameCard } from './AgentTaskCard';
import { mayMove } from './motionBudget';
import { prefersReducedMotion } from './reducedMotion';
import { syncTabStops } from './tabStops';
import type { HostApi } from './vscodeApi';

interface Props {
  card: FleetAgentCard;
  host: HostApi;
  backendLabel?: string;
  active: boolean;
  /** Its place in the column (the Board draws only what is in view, so the position is given). */
  top: number;
  onDragStart(taskId: string): void;
  onDragEnd(): void;
}

/** The one line a Board card has room for: what is wrong, why it waits, what its agent does, or where it landed. */
export function statusLine(c: FleetAgentCard): { cls: string; icon: string; text: string } | undefined {
  if (c.lastError) return { cls: 'card-error', icon: 'error', text: c.lastError };
  if (c.integrationReason) return { cls: 'card-integration', icon: 'git-merge', text: c.integrationReason };
  if (c.queueReason) return { cls: 'card-queue', icon: 'watch', text: c.queueReason };
  if (c.runLive && c.lastActivity) return { cls: 'card-activity', icon: 'pulse', text: c.lastActivity };
  if (c.phase === 'done' && c.landedCommit) return { cls: 'card-landed', icon: 'git-commit', text: c.landedCommit };
  if (c.phase === 'done' && c.pullRequestUrl)
    return { cls: 'card-landed', icon: 'git-pull-request', text: c.pullRequestUrl };
  return undefined;
}

function BoardCardView({
  card,
  host,
  backendLabel,
  active,
  top,
  onDragStart,
  onDragEnd,
  el,
}: Props & { el: preact.Ref<HTMLElement> }) {
  const { done, total } = card.progress;
  const titleId = `board-title-${card.taskId}`;
  const line = statusLine(card);
  return (
    <li class="board-cell" style={{ transform: `translateY(${top}px)` }}>
      <article
        ref={el}
        class={`card board-card phase-${card.phase}${card.runLive ? ' live' : ''}`}
        data-task-id={card.taskId}
        data-done={done}
        aria-labelledby={titleId}
        aria-describedby={CARD_KEYS_HINT_ID}
        tabIndex={active ? 0 : -1}
        draggable
        onDragStart={(e) => {
          e.dataTransfer?.setData('text/plain', `#${card.number}`);
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
          onDragStart(card.taskId);
        }}
        onDragEnd={onDragEnd}
      >
        <header class="card-head">
          <h3 class="card-title board-title" id={titleId} title={card.title}>
            <span class="card-number">#{card.number}</span> {card.title}
          </h3>
          <span class={`phase-chip phase-${card.phase}`}>{PHASE_LABELS[card.phase]}</span>
        </header>
        <div class="card-progress">
          <div
            class="progress-track"
            role="progressbar"
            aria-label={`Progress of SpecTask ${card.number}`}
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
            aria-valuetext={`${done} of ${total} items done`}
          >
            <div class="progress-fill" style={{ transform: `scaleX(${total > 0 ? done / total : 0})` }} />
          </div>
          <span class="progress-count">
            {done}/{total}
          </span>
        </div>
        {line && (
          <p class={`board-line ${line.cls}`} title={line.text}>
            <span class={`codicon codicon-${line.icon}`} aria-hidden="true" /> {line.text}
          </p>
        )}
        <footer class="card-foot">
          <span class="card-backend board-backend">{backendLabel ?? card.backend ?? ''}</span>
          <CardActions card={card} host={host} />
        </footer>
      </article>
    </li>
  );
}

/** A compact card of fixed height for the Board; renders again only when what it shows changed. */
export class BoardCard extends Component<Props> {
  private readonly el = createRef<HTMLElement>();

  override componentDidMount(): void {
    syncTabStops(this.el.current, () => this.props.active);
  }

  override componentDidUpdate(previous: Props): void {
    syncTabStops(this.el.current, () => this.props.active);
    // A bar easing forward is motion like the grid's: counted, so that while the fleet ticks faster than a
    // person can follow the page goes calm and bars jump. Each easing bar is a composited animation (its own
    // layer, and the layers its neighbours then need): 50 live cards at 20 snapshots a second kept the Board's
    // frames at two.
    if (previous.card.progress.done !== this.props.card.progress.done && !prefersReducedMotion()) mayMove();
  }

  override shouldComponentUpdate(next: Props): boolean {
    const p = this.props;
    return !(
      p.host === next.host &&
      p.backendLabel === next.backendLabel &&
      p.active === next.active &&
      p.top === next.top &&
      sameCard(p.card, next.card)
    );
  }

  override render() {
    return <BoardCardView {...this.props} el={this.el} />;
  }
}
