import type { FleetChecklistItem } from '../src/protocol/fleet';
import { InlineText } from './InlineText';
import type { HostApi } from './vscodeApi';

/** Where an item sits relative to the current one; decides its emphasis. */
export type ItemPlace = 'before' | 'current' | 'after';

const STATE_WORDS = { todo: 'to do', doing: 'in progress', done: 'done' } as const;

function icon(item: FleetChecklistItem, place: ItemPlace): string {
  if (place === 'current') return 'codicon-loading codicon-modifier-spin';
  if (item.state === 'done') return 'codicon-check';
  if (item.state === 'doing') return 'codicon-circle-filled';
  return 'codicon-circle-large-outline';
}

/**
 * One checklist item on a card: done items before the current one faded to 40 %, the current item
 * highlighted with a spinner and a gentle pulse, upcoming items at 60 %; text clamped to two lines.
 */
export function TaskListItem({ item, place, host }: { item: FleetChecklistItem; place: ItemPlace; host: HostApi }) {
  return (
    <li class={`task-item ${place} ${item.state}`} data-index={item.index} aria-current={place === 'current' ? 'step' : undefined}>
      <span class={`task-icon codicon ${icon(item, place)}`} aria-hidden="true" />
      <span class="task-text">
        <span class="visually-hidden">{place === 'current' ? 'Current item, ' : ''}{STATE_WORDS[item.state]}: </span>
        <InlineText text={item.text} host={host} />
      </span>
    </li>
  );
}
