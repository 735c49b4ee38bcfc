// Pure (no `vscode`): the activity-bar badge's count and words, unit-tested.
import { WAITING_FOR_PERSON_STATUSES } from '../../core/orchestrator/statusMachine';

/** The badge for these statuses: the number waiting for a person, or `undefined` (no badge) when none does. */
export function waitingBadge(statuses: readonly string[]): { value: number; tooltip: string } | undefined {
  const value = statuses.filter((s) => (WAITING_FOR_PERSON_STATUSES as ReadonlySet<string>).has(s)).length;
  if (!value) return undefined;
  return { value, tooltip: value === 1 ? '1 SpecTask waits for you' : `${value} SpecTasks wait for you` };
}
