import type { FleetAgentCard } from '../src/protocol/fleet';
import { TASK_ACTION_LABELS, type TaskAction } from '../src/protocol/messages';
import { ButtonGlyph } from './ButtonGlyph';
import { ACTION_ICONS, cardActions } from './cardActionSet';
import type { HostApi } from './vscodeApi';

/** A card's buttons: the phase's primary action with its label, the others as labelled icon buttons. */
export function CardActions({ card, host }: { card: FleetAgentCard; host: HostApi }) {
  const { primary, secondary } = cardActions(card);
  const run = (action: TaskAction) => host.postMessage({ type: 'task/action', taskId: card.taskId, action });
  const name = `SpecTask ${card.number}`;
  return (
    <div class="card-actions" role="group" aria-label={`Actions for ${name}`}>
      {primary && (
        <vscode-button
          class="action-primary"
          data-action={primary}
          aria-label={`${TASK_ACTION_LABELS[primary]} ${name}`}
          onClick={() => run(primary)}
        >
          <ButtonGlyph name={ACTION_ICONS[primary]} label />
          {TASK_ACTION_LABELS[primary]}
        </vscode-button>
      )}
      {secondary.map((a) => (
        <vscode-button
          key={a}
          class="action-icon"
          data-action={a}
          secondary
          iconOnly
          title={TASK_ACTION_LABELS[a]}
          aria-label={`${TASK_ACTION_LABELS[a]} of ${name}`}
          onClick={() => run(a)}
        >
          <ButtonGlyph name={ACTION_ICONS[a]} />
        </vscode-button>
      ))}
      {/* A worker's run takes messages on its own machine, not through this window. */}
      {card.runLive && !card.worker && (
        <vscode-button
          class="action-icon"
          data-action="messageAgent"
          secondary
          iconOnly
          title="Message the agent…"
          aria-label={`Message the agent of ${name}…`}
          onClick={() => host.postMessage({ type: 'agent/message', taskId: card.taskId })}
        >
          <ButtonGlyph name="comment" />
        </vscode-button>
      )}
    </div>
  );
}
