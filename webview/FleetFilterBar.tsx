import { PHASE_LABELS, PHASES, type Phase } from '../src/protocol/fleet';
import type { FleetFilter } from './fleetFilter';
import { backendLabelOf } from './backendLabel';

interface Props {
  filter: FleetFilter;
  /** Back-end ids among the cards. */
  backends: string[];
  /** Each back-end's one label by id, as the host sends it (the registry lives in core); the id without. */
  backendLabels?: Readonly<Record<string, string>>;
  onChange(filter: FleetFilter): void;
}

const valueOf = (e: Event): string => (e.target as HTMLInputElement).value;

/** Text, phase and back-end filter of the dashboard. */
export function FleetFilterBar({ filter, backends, backendLabels, onChange }: Props) {
  return (
    <div class="filter-bar" role="search" aria-label="Filter agents">
      <vscode-textfield
        class="filter-text"
        type="search"
        placeholder="Filter by number, title, agent…"
        label="Filter by number, title, agent or activity"
        value={filter.text}
        onInput={(e: Event) => onChange({ ...filter, text: valueOf(e) })}
      >
        <span slot="content-before" class="codicon codicon-filter" aria-hidden="true" />
      </vscode-textfield>
      <vscode-single-select
        class="filter-phase"
        label="Phase"
        value={filter.phase}
        onChange={(e: Event) => onChange({ ...filter, phase: valueOf(e) as Phase | '' })}
      >
        <vscode-option value="" selected={filter.phase === ''}>
          All phases
        </vscode-option>
        {PHASES.map((p) => (
          <vscode-option key={p} value={p} selected={filter.phase === p}>
            {PHASE_LABELS[p]}
          </vscode-option>
        ))}
      </vscode-single-select>
      <vscode-single-select
        class="filter-backend"
        label="Back-end"
        value={filter.backend}
        onChange={(e: Event) => onChange({ ...filter, backend: valueOf(e) })}
      >
        <vscode-option value="" selected={filter.backend === ''}>
          All back-ends
        </vscode-option>
        {backends.map((b) => (
          <vscode-option key={b} value={b} selected={filter.backend === b}>
            {backendLabelOf(backendLabels, b) ?? b}
          </vscode-option>
        ))}
      </vscode-single-select>
    </div>
  );
}
