import { Component } from 'preact';
import type { FleetChecklistItem } from '../src/protocol/fleet';
import { InlineText } from './InlineText';
import type { HostApi } from './vscodeApi';

/** Where an item sits relative to the current one; decides its emphasis. */
export type ItemPlace = 'before' | 'current' | 'after';

interface Props {
  item: FleetChecklistItem;
  place: ItemPlace;
  host: HostApi;
}

const STATE_WORDS = { todo: 'to do', doing: 'in progress', done: 'done' } as const;

// Still icons only: any endless animation, even one spinner, keeps the compositor drawing every frame — a
// tenth of a core for an idle dashboard with software rendering (VS Code stopped its blinking cursor's CSS
// animation for the same reason). The elapsed times counting up say the fleet is alive.
function icon(item: FleetChecklistItem, place: ItemPlace): string {
  if (place === 'current') return item.state === 'doing' ? 'codicon-play-circle' : 'codicon-arrow-right';
  if (item.state === 'done') return 'codicon-check';
  if (item.state === 'doing') return 'codicon-circle-filled';
  return 'codicon-circle-large-outline';
}

/**
 * One checklist item on a card: done items before the current one faded to 40 %, the current item of a live run
 * highlighted — filled with a play mark while in progress (`[~]`, two pulses when it becomes so), outlined with an
 * arrow while it is only next (`[ ]`) — upcoming items at 60 %; text clamped to two lines.
 */
function TaskListItemView({ item, place, host }: Props) {
  return (
    <li
      class={`task-item ${place} ${item.state}`}
      data-index={item.index}
      aria-current={place === 'current' ? 'step' : undefined}
    >
      <span class={`task-icon codicon ${icon(item, place)}`} aria-hidden="true" />
      <span class="task-text">
        <span class="visually-hidden">
          {place === 'current'
            ? `Current item, ${item.state === 'doing' ? 'in progress' : 'next'}`
            : STATE_WORDS[item.state]}
          :{' '}
        </span>
        <InlineText text={item.text} host={host} />
      </span>
    </li>
  );
}

/**
 * Snapshots rebuild every object, so a row compares by content: when the window slides by one, only the rows
 * whose state or place changed render again (and parse their markdown again).
 */
export class TaskListItem extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    const a = this.props;
    return !(
      a.place === next.place &&
      a.host === next.host &&
      a.item.index === next.item.index &&
      a.item.state === next.item.state &&
      a.item.text === next.item.text
    );
  }

  override render() {
    return <TaskListItemView {...this.props} />;
  }
}
