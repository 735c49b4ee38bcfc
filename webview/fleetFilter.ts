import type { FleetAgentCard, Phase } from '../src/protocol/fleet';

/** The dashboard's filter; empty fields match everything. Persisted as webview UI state. */
export interface FleetFilter {
  text: string;
  phase: Phase | '';
  backend: string;
}

export const emptyFilter = (): FleetFilter => ({ text: '', phase: '', backend: '' });

/**
 * Cards matching the filter. The text matches the number (with or without leading zeros), title,
 * agent id, back-end and last activity, case-insensitively.
 */
export function filterCards(cards: readonly FleetAgentCard[], f: FleetFilter): FleetAgentCard[] {
  const q = f.text.trim().toLowerCase();
  const qNumber = q.replace(/^#/, '').replace(/^0+(?=\d)/, '');
  return cards.filter((c) => {
    if (f.phase && c.phase !== f.phase) return false;
    if (f.backend && c.backend !== f.backend) return false;
    if (!q) return true;
    if (/^\d+$/.test(qNumber) && c.number.replace(/^0+(?=\d)/, '') === qNumber) return true;
    return [c.number, c.title, c.agentId, c.backend, c.lastActivity].some((s) => s?.toLowerCase().includes(q));
  });
}

/** The distinct back-ends among the cards, sorted, for the back-end filter. */
export const backendsOf = (cards: readonly FleetAgentCard[]): string[] =>
  [...new Set(cards.flatMap((c) => (c.backend ? [c.backend] : [])))].sort();
