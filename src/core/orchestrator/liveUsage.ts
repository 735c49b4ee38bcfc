import type { UsageTotals } from '../agents/agentEvents';
import type { PoolRunEvent } from '../agents/agentPool';
import type { Event, IDisposable } from '../lifecycle';
import type { FleetEvent } from '../store/fleetState';

/**
 * Puts a live run's usage in the store as its agent reports it (Claude Code per message, Codex per turn, ACP's
 * `usage_update`, the tool loop per model call), so a card's tokens and cost move while the agent works instead
 * of jumping at its end (issue 22 item 7). The run's result replaces it: the pool adds the result to the
 * agent's totals, and the store drops the running figure when the run ends.
 */
export function followLiveUsage(
  onDidRunEvent: Event<PoolRunEvent>,
  fleet: { dispatch(event: FleetEvent): void },
): IDisposable {
  return onDidRunEvent(({ taskId, event }) => {
    if (event.t !== 'usage') return;
    // Only the counters: the event's raw line and context window are not the card's.
    const usage: UsageTotals = {};
    if (event.inputTokens !== undefined) usage.inputTokens = event.inputTokens;
    if (event.outputTokens !== undefined) usage.outputTokens = event.outputTokens;
    if (event.cacheReadTokens !== undefined) usage.cacheReadTokens = event.cacheReadTokens;
    if (event.costUsd !== undefined) usage.costUsd = event.costUsd;
    fleet.dispatch({ type: 'runUsage', id: taskId, usage });
  });
}
