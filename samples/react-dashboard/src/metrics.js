// Pure dashboard logic: no React, no DOM, easy to test.
// A service is { id, name, status: 'up' | 'degraded' | 'down', latencyMs, uptimePct, lastCheck (ISO 8601) }.

export const STATUSES = ['up', 'degraded', 'down'];

const SEVERITY = { down: 0, degraded: 1, up: 2 };

/** Counts services per status and computes the average uptime (null when there are no services). */
export function summarize(services) {
  const counts = { up: 0, degraded: 0, down: 0 };
  for (const s of services) {
    if (!(s.status in counts)) throw new Error(`unknown status '${s.status}' for service ${s.id}`);
    counts[s.status]++;
  }
  const avgUptimePct = services.length === 0 ? null : services.reduce((sum, s) => sum + s.uptimePct, 0) / services.length;
  return { total: services.length, ...counts, avgUptimePct };
}

/** The worst status present: any service down → 'down', any degraded → 'degraded', otherwise 'up'. */
export function overallStatus(services) {
  if (services.some((s) => s.status === 'down')) return 'down';
  if (services.some((s) => s.status === 'degraded')) return 'degraded';
  return 'up';
}

/** Worst first, then slowest first, then by name; returns a new array. */
export function sortBySeverity(services) {
  return [...services].sort(
    (a, b) => SEVERITY[a.status] - SEVERITY[b.status] || b.latencyMs - a.latencyMs || a.name.localeCompare(b.name),
  );
}

/** 'all' keeps everything; otherwise keeps services with that status. */
export function filterByStatus(services, filter) {
  if (filter === 'all') return services;
  if (!STATUSES.includes(filter)) throw new Error(`unknown filter '${filter}'`);
  return services.filter((s) => s.status === filter);
}

/** 950 → '950 ms', 1234 → '1.2 s', 1450 → '1.5 s'; null/undefined (no response) → '—'. */
export function formatLatency(ms) {
  if (ms === null || ms === undefined) return '—';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${(Math.round(ms / 100) / 10).toFixed(1)} s`; // round half up: 1450 → '1.5 s' (toFixed alone gives '1.4')
}

/** 99.9512 → '99.95%'; null → '—'. */
export function formatUptime(pct) {
  if (pct === null || pct === undefined) return '—';
  return `${pct.toFixed(2)}%`;
}

/** How long ago an ISO time was, relative to now: 'just now', '5 min ago', '3 h ago', '2 d ago'. */
export function timeAgo(iso, now = new Date()) {
  const seconds = Math.floor((now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}
