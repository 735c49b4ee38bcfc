import { isWorkingPhase, PHASE_LABELS, PHASES, type FleetSnapshot } from '../src/protocol/fleet';

/** "N agents working" and the number of SpecTasks in each phase that has any. */
export function FleetHeader({ snapshot }: { snapshot: FleetSnapshot }) {
  const working = snapshot.cards.filter((c) => isWorkingPhase(c.phase)).length;
  const phases = PHASES.filter((p) => snapshot.counts[p] > 0);
  return (
    <header class="fleet-header">
      <h1 id="fleet-title" aria-live="polite">
        {working} {working === 1 ? 'agent' : 'agents'} working
      </h1>
      {phases.length > 0 && (
        <ul class="phase-counts" aria-label="SpecTasks per phase">
          {phases.map((p) => (
            <li key={p} class={`phase-count phase-${p}`}>
              <span class="phase-count-label">{PHASE_LABELS[p]}</span>{' '}
              <vscode-badge variant="counter">{snapshot.counts[p]}</vscode-badge>
            </li>
          ))}
        </ul>
      )}
    </header>
  );
}
