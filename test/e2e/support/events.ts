import type { AgentRun } from '../../../src/core/agents/agentBackend';
import type { AgentEvent } from '../../../src/core/agents/agentEvents';

/** All events of a run, after it finished. */
export async function collect(run: AgentRun): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of run.events) out.push(e);
  return out;
}

/** Resolves with the first event matching `pred`. */
export function firstEvent(run: AgentRun, pred: (e: AgentEvent) => boolean): Promise<AgentEvent | undefined> {
  return (async () => {
    for await (const e of run.events) if (pred(e)) return e;
    return undefined;
  })();
}

/** The event types in order, collapsing repeats, for readable assertion messages. */
export function shape(events: readonly AgentEvent[]): string {
  return events
    .map((e) => e.t)
    .filter((t, i, a) => t !== a[i - 1])
    .join(' ');
}
