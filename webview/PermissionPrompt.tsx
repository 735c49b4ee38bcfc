import './PermissionPrompt.css';
import type { FleetAgentCard } from '../src/protocol/fleet';
import { PERMISSION_ANSWER_LABELS, PERMISSION_ANSWERS, type PermissionAnswer } from '../src/protocol/messages';
import type { HostApi } from './vscodeApi';

/**
 * "Waiting for you": the tool call a card's agent waits on (title, then the command, the diff or the files),
 * with Allow once / Allow always / Reject. Buttons, so Tab and Enter or Space answer without a mouse. The
 * request is the agent's text: rendered as text, never as markup.
 */
export function PermissionPrompt({ card, host }: { card: FleetAgentCard; host: HostApi }) {
  const p = card.permissionRequest;
  if (!p) return null;
  const name = `SpecTask ${card.number}`;
  const answer = (a: PermissionAnswer) =>
    host.postMessage({ type: 'permission/answer', taskId: card.taskId, requestId: p.requestId, answer: a });
  const detail = p.command && p.command !== p.title ? p.command : (p.diff ?? p.paths?.join(', '));
  return (
    <section class="card-permission" aria-label={`The agent of ${name} waits for you`}>
      <p class="permission-title" title={p.title}>
        <span class="codicon codicon-bell" aria-hidden="true" /> <span class="permission-label">Waiting for you:</span>{' '}
        {p.title}
      </p>
      {detail && detail !== p.title && (
        <code class="permission-detail" title={detail}>
          {detail}
        </code>
      )}
      <div class="permission-answers" role="group" aria-label={`Answer the agent of ${name}`}>
        {PERMISSION_ANSWERS.map((a) => (
          <vscode-button
            key={a}
            data-answer={a}
            secondary={a !== 'allow_once'}
            aria-label={`${PERMISSION_ANSWER_LABELS[a]}: ${p.title} (${name})`}
            onClick={() => answer(a)}
          >
            {PERMISSION_ANSWER_LABELS[a]}
          </vscode-button>
        ))}
      </div>
      {p.more !== undefined && p.more > 0 && <p class="permission-more">{p.more} more waiting after this one</p>}
    </section>
  );
}
