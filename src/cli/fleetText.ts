import { isWorkingPhase, PHASE_LABELS, type FleetAgentCard, type FleetSnapshot } from '../protocol/fleet';

/** One line per card: number, phase, progress, current item, and why it waits or failed. */
export function cardLine(c: FleetAgentCard): string {
  const current = c.currentIndex !== undefined ? c.window.find((i) => i.index === c.currentIndex) : undefined;
  const parts = [
    `#${c.number}`,
    (c.stage ?? PHASE_LABELS[c.phase]).padEnd(12),
    `${c.progress.done}/${c.progress.total}`.padStart(5),
    truncate(c.title, 40),
  ];
  if (current) parts.push(`→ ${current.state === 'doing' ? '[~]' : '[ ]'} ${truncate(current.text, 50)}`);
  if (c.worker) parts.push(`on worker ${truncate(c.worker.name, 60)}`);
  if (c.lastActivity && isWorkingPhase(c.phase)) parts.push(`(${truncate(c.lastActivity, 40)})`);
  if (c.queueReason) parts.push(`— ${c.queueReason}`);
  else if (c.queuePosition !== undefined) parts.push(`— integration queue: ${c.queuePosition}`);
  if (c.integrationReason) parts.push(`— not integrated: ${truncate(c.integrationReason, 80)}`);
  if (c.lastError && c.phase === 'failed') parts.push(`— ${truncate(c.lastError, 80)}`);
  return parts.join('  ');
}

/** The whole fleet as text: a header with counts, then one line per card. */
export function fleetText(s: FleetSnapshot): string {
  const working = s.cards.filter((c) => isWorkingPhase(c.phase)).length;
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([p, n]) => `${PHASE_LABELS[p as keyof typeof PHASE_LABELS]} ${n}`)
    .join(' · ');
  return (
    [
      `${working} agent${working === 1 ? '' : 's'} working${counts ? ` — ${counts}` : ''}`,
      ...s.cards.map(cardLine),
    ].join('\n') + '\n'
  );
}

function truncate(s: string, n: number): string {
  const one = s.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
