import { ButtonGlyph } from './ButtonGlyph';
import type { HostApi } from './vscodeApi';

/** What the dashboard shows with no SpecTasks: what it is for and how to get a card here. */
export function EmptyState({ host }: { host: HostApi }) {
  return (
    <section class="fleet-empty" aria-labelledby="fleet-empty-title">
      <h2 id="fleet-empty-title">No agents are working yet</h2>
      <p>
        Each SpecTask's agent gets a card here while it plans and implements, showing the checklist item it is on,
        updated the moment it ticks a box.
      </p>
      <ol>
        <li>Open a git repository as the workspace folder.</li>
        <li>Create a SpecTask in the SpecTasks view and start planning.</li>
        <li>Review and approve its documents; implementation agents then work through the checklist.</li>
      </ol>
      <vscode-button
        secondary
        onClick={() => host.postMessage({ type: 'command/run', command: 'spectask.tasks.refresh' })}
      >
        <ButtonGlyph name="refresh" label />
        Refresh SpecTasks
      </vscode-button>
    </section>
  );
}
