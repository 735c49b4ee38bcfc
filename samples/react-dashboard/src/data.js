// Example data, with check times relative to `now`. Replace with a fetch from your monitoring API.
export function exampleServices(now = new Date()) {
  const ago = (seconds) => new Date(now.getTime() - seconds * 1000).toISOString();
  return [
    { id: 'api', name: 'Public API', status: 'up', latencyMs: 120, uptimePct: 99.98, lastCheck: ago(10) },
    { id: 'auth', name: 'Auth', status: 'up', latencyMs: 85, uptimePct: 99.99, lastCheck: ago(12) },
    { id: 'search', name: 'Search', status: 'degraded', latencyMs: 1450, uptimePct: 99.2, lastCheck: ago(30) },
    { id: 'billing', name: 'Billing', status: 'down', latencyMs: null, uptimePct: 97.5, lastCheck: ago(120) },
    { id: 'email', name: 'Email delivery', status: 'up', latencyMs: 340, uptimePct: 99.9, lastCheck: ago(15) },
  ];
}
