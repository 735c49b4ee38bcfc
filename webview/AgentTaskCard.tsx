import { Component, createRef, type Ref } from 'preact';
import { PHASE_LABELS, type FleetAgentCard } from '../src/protocol/fleet';
import { CardActions } from './CardActions';
import { PermissionPrompt } from './PermissionPrompt';
import { isOnScreen, trackOnScreen } from './onScreen';
import { underPressure } from './renderBudget';
import { formatAgo, formatCost, formatDuration, formatTokens } from './format';
import { syncTabStops } from './tabStops';
import { TaskList } from './TaskList';
import type { HostApi } from './vscodeApi';

interface Props {
  card: FleetAgentCard;
  /** The clock (ms), ticking once a second for elapsed and "last update" times. */
  now: number;
  host: HostApi;
  /** The back-end's label (from the host's back-end registry), shown instead of its id when known. */
  backendLabel?: string;
  /** Whether this card is its list's one tab stop (roving focus): only then are it and its controls tabbable. */
  active?: boolean;
  /** Whether a mouse may drag it (the Board). */
  draggable?: boolean;
}

/** The hidden hint every card points at (aria-describedby), rendered once by the dashboard. */
export const CARD_KEYS_HINT_ID = 'fleet-card-keys';

/**
 * One SpecTask's agent: number and title, back-end and agent id, phase chip, progress, the checklist
 * window, what the agent did last and why its run started again, elapsed time and last update, usage, why
 * it waits or what failed, and its actions. Every string from agents or documents is rendered as text.
 */
function AgentTaskCardView({
  card,
  now,
  host,
  backendLabel,
  active,
  draggable,
  articleRef,
}: Props & { articleRef?: Ref<HTMLElement> }) {
  const { done, total } = card.progress;
  const fraction = total > 0 ? done / total : 0;
  const titleId = `card-title-${card.taskId}`;
  const usage = [
    card.tokens !== undefined ? formatTokens(card.tokens) : '',
    card.costUsd !== undefined ? formatCost(card.costUsd) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <article
      ref={articleRef}
      class={`card phase-${card.phase}`}
      data-task-id={card.taskId}
      data-done={done}
      aria-labelledby={titleId}
      aria-describedby={CARD_KEYS_HINT_ID}
      tabIndex={active ? 0 : -1}
      draggable={draggable}
    >
      <header class="card-head">
        <h2 class="card-title" id={titleId} title={card.title}>
          <span class="card-number">#{card.number}</span> {card.title}
        </h2>
        <span class={`phase-chip phase-${card.phase}`}>{card.stage ?? PHASE_LABELS[card.phase]}</span>
      </header>
      {(card.backend || card.agentId) && (
        <div class="card-agent">
          <span class="codicon codicon-hubot" aria-hidden="true" />
          <span class="card-backend" title={card.backend}>
            {backendLabel ?? card.backend ?? 'agent'}
          </span>
          {card.agentId && (
            <span class="card-agent-id" title={card.agentId}>
              {card.agentId}
            </span>
          )}
        </div>
      )}
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
          {/* scaleX, not width: it animates on the compositor, without a layout per frame */}
          <div class="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
        </div>
        <span class="progress-count">
          {done}/{total}
        </span>
      </div>
      {card.window.length > 0 && (
        <TaskList
          items={card.window}
          currentIndex={card.currentIndex}
          live={card.runLive === true}
          host={host}
          label={`Checklist of SpecTask ${card.number}`}
        />
      )}
      {card.worker && <p class="card-worker">on worker {card.worker.name}</p>}
      {card.runLive && card.lastActivity && (
        <p class="card-activity" title={card.lastActivity}>
          <span class="codicon codicon-pulse" aria-hidden="true" /> {card.lastActivity}
        </p>
      )}
      <PermissionPrompt card={card} host={host} />
      {card.restartReason && (
        // Quiet, like the activity line; the hidden words tell a screen reader what the line is, which the
        // icon and the tooltip (not read by every screen reader) would otherwise carry alone.
        <p class="card-restart" title={`Why the agent's run started again: ${card.restartReason}`}>
          <span class="codicon codicon-debug-restart" aria-hidden="true" />{' '}
          <span class="visually-hidden">Run restarted: </span>
          {card.restartReason}
        </p>
      )}
      {card.queueReason && (
        <p class="card-queue">
          <span class="codicon codicon-watch" aria-hidden="true" /> {card.queueReason}
        </p>
      )}
      {card.integrationReason && (
        <p class="card-integration" title={`Why it did not reach its base branch: ${card.integrationReason}`}>
          <span class="codicon codicon-git-merge" aria-hidden="true" />{' '}
          <span class="visually-hidden">Not integrated: </span>
          {card.integrationReason}
        </p>
      )}
      {card.pullRequest && !card.pullRequestUrl && (
        <p class="card-pull-request" title={card.pullRequest}>
          <span class="codicon codicon-git-pull-request" aria-hidden="true" /> {card.pullRequest}
        </p>
      )}
      {card.filePrediction && (
        <p class="card-file-prediction" title={`Predicted files against the branch's diff: ${card.filePrediction}`}>
          <span class="codicon codicon-files" aria-hidden="true" /> {card.filePrediction}
        </p>
      )}
      <CardLanding card={card} host={host} />
      {card.lastError && (
        <p class="card-error" role="status">
          <span class="codicon codicon-error" aria-hidden="true" /> {card.lastError}
        </p>
      )}
      <footer class="card-foot">
        <span class="card-times">
          <RunTime card={card} now={now} />
          {card.updatedAt !== undefined && <span class="card-updated">updated {formatAgo(card.updatedAt, now)}</span>}
          {usage && <span class="card-usage">{usage}</span>}
        </span>
        <CardActions card={card} host={host} />
      </footer>
    </article>
  );
}

/** The run's time: counting while it is live, "took 1m 03s" once it ended, nothing when unknown. */
function RunTime({ card, now }: { card: FleetAgentCard; now: number }) {
  if (card.startedAt === undefined) return null;
  if (card.runLive)
    return (
      <span class="card-elapsed" title="Time since the agent started">
        {formatDuration(now - card.startedAt)}
      </span>
    );
  if (card.endedAt === undefined) return null;
  return (
    <span class="card-elapsed card-took" title="How long the agent's last run took">
      took {formatDuration(card.endedAt - card.startedAt)}
    </span>
  );
}

/** Where a Done SpecTask landed: the commit its base branch now points at, or its pull request (opened by the host). */
function CardLanding({ card, host }: { card: FleetAgentCard; host: HostApi }) {
  if (card.phase !== 'done') return null;
  if (card.pullRequestUrl) {
    const href = card.pullRequestUrl;
    return (
      <p class="card-landed">
        <span class="codicon codicon-git-pull-request" aria-hidden="true" />{' '}
        <a
          href={href}
          title={href}
          onClick={(e) => {
            e.preventDefault(); // the host opens it; the webview never navigates
            host.postMessage({ type: 'link/open', href });
          }}
        >
          Pull request
        </a>
      </p>
    );
  }
  if (!card.landedCommit) return null;
  return (
    <p class="card-landed" title={`Its base branch was fast-forwarded to ${card.landedCommit}`}>
      <span class="codicon codicon-git-commit" aria-hidden="true" /> Merged as <code>{card.landedCommit}</code>
    </p>
  );
}

const sameItems = (a: FleetAgentCard['window'], b: FleetAgentCard['window']) =>
  a.length === b.length && a.every((x, i) => x.index === b[i].index && x.state === b[i].state && x.text === b[i].text);

const sameMoves = (a: FleetAgentCard['moves'], b: FleetAgentCard['moves']) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((m, i) => m.move === b[i].move && m.to === b[i].to));

/** True when two cards render identically (snapshots rebuild every object, so identity says nothing). */
export function sameCard(a: FleetAgentCard, b: FleetAgentCard): boolean {
  for (const k of Object.keys(a) as (keyof FleetAgentCard)[])
    if (k !== 'window' && k !== 'progress' && k !== 'moves' && a[k] !== b[k]) return false;
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  return (
    a.progress.done === b.progress.done &&
    a.progress.total === b.progress.total &&
    sameItems(a.window, b.window) &&
    sameMoves(a.moves, b.moves)
  );
}

const dependsOnClock = (c: FleetAgentCard) => (c.runLive && c.startedAt !== undefined) || c.updatedAt !== undefined;

/** How stale an off-screen card may get while the page is under pressure. */
const OFF_SCREEN_REFRESH_MS = 1000;

/**
 * The card, re-rendered only when its content changed, or the clock moved and it shows times. With 50
 * cards and 20 snapshots a second, unchanged cards must cost nothing, and while renders go over budget
 * cards scrolled out of view catch up at most once a second (at once when they scroll back in).
 */
export class AgentTaskCard extends Component<Props> {
  private readonly article = createRef<HTMLElement>();
  private lastRender = 0;
  private catchUp: ReturnType<typeof setTimeout> | undefined;
  private untrack: (() => void) | undefined;

  override componentDidMount(): void {
    this.untrack = trackOnScreen(this.article.current!, () => this.refresh());
    this.syncTabStops();
  }

  override componentDidUpdate(): void {
    this.syncTabStops();
  }

  private syncTabStops(): void {
    syncTabStops(this.article.current, () => !!this.props.active);
  }

  override shouldComponentUpdate(next: Props): boolean {
    const p = this.props;
    const same =
      p.host === next.host &&
      p.backendLabel === next.backendLabel &&
      p.active === next.active &&
      p.draggable === next.draggable &&
      sameCard(p.card, next.card) &&
      (p.now === next.now || !dependsOnClock(next.card));
    if (same) return false;
    const el = this.article.current;
    if (el && underPressure() && !isOnScreen(el) && performance.now() - this.lastRender < OFF_SCREEN_REFRESH_MS) {
      // props now hold the newest card; render them when the card is shown or the refresh is due.
      this.catchUp ??= setTimeout(() => this.refresh(), OFF_SCREEN_REFRESH_MS);
      return false;
    }
    return true;
  }

  override render() {
    this.lastRender = performance.now();
    clearTimeout(this.catchUp);
    this.catchUp = undefined;
    return <AgentTaskCardView {...this.props} articleRef={this.article} />;
  }

  private refresh(): void {
    this.catchUp = undefined;
    this.forceUpdate();
  }
}
