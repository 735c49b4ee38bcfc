import { useState } from 'react';
import { STATUSES, filterByStatus, formatLatency, formatUptime, overallStatus, sortBySeverity, summarize, timeAgo } from './metrics.js';

const LABELS = { up: 'Operational', degraded: 'Degraded', down: 'Down' };

export function StatusBadge({ status }) {
  return <span className={`badge ${status}`}>{LABELS[status]}</span>;
}

function SummaryCards({ summary }) {
  const cards = [
    ['Services', summary.total],
    ['Up', summary.up],
    ['Degraded', summary.degraded],
    ['Down', summary.down],
    ['Avg uptime', formatUptime(summary.avgUptimePct)],
  ];
  return (
    <section className="cards" aria-label="summary">
      {cards.map(([label, value]) => (
        <div className="card" key={label}>
          <div className="value">{value}</div>
          <div className="label">{label}</div>
        </div>
      ))}
    </section>
  );
}

export function ServiceTable({ services, now }) {
  if (services.length === 0) return <p className="empty">No services match this filter.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Service</th>
          <th>Status</th>
          <th>Latency</th>
          <th>Uptime</th>
          <th>Last check</th>
        </tr>
      </thead>
      <tbody>
        {sortBySeverity(services).map((s) => (
          <tr key={s.id} data-service={s.id}>
            <td>{s.name}</td>
            <td>
              <StatusBadge status={s.status} />
            </td>
            <td>{formatLatency(s.latencyMs)}</td>
            <td>{formatUptime(s.uptimePct)}</td>
            <td>{timeAgo(s.lastCheck, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The whole dashboard. `now` is injectable so renders are deterministic in tests. */
export function App({ services, initialFilter = 'all', now = new Date() }) {
  const [filter, setFilter] = useState(initialFilter);
  return (
    <main>
      <h1>
        Service status <StatusBadge status={overallStatus(services)} />
      </h1>
      <SummaryCards summary={summarize(services)} />
      <div className="filters" role="group" aria-label="filter by status">
        {['all', ...STATUSES].map((f) => (
          <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f === 'all' ? 'All' : LABELS[f]}
          </button>
        ))}
      </div>
      <ServiceTable services={filterByStatus(services, filter)} now={now} />
    </main>
  );
}
