/** The dashboard's two layouts: a card per agent in a grid, or a Kanban Board of every SpecTask by step. */
export type Layout = 'agents' | 'board';

const LAYOUTS: readonly { id: Layout; label: string; icon: string }[] = [
  { id: 'agents', label: 'Agents', icon: 'hubot' },
  { id: 'board', label: 'Board', icon: 'project' },
];

/** Two toggle buttons (aria-pressed), remembered as webview UI state by the dashboard. */
export function LayoutToggle({ layout, onChange }: { layout: Layout; onChange(l: Layout): void }) {
  return (
    <div class="layout-toggle" role="group" aria-label="Layout">
      {LAYOUTS.map((l) => (
        <button
          key={l.id}
          type="button"
          class="layout-button"
          aria-pressed={layout === l.id}
          onClick={() => onChange(l.id)}
        >
          <span class={`codicon codicon-${l.icon}`} aria-hidden="true" /> {l.label}
        </button>
      ))}
    </div>
  );
}
