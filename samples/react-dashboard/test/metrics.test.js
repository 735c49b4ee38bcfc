import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterByStatus, formatLatency, formatUptime, overallStatus, sortBySeverity, summarize, timeAgo } from '../src/metrics.js';

const svc = (id, status, latencyMs = 100, uptimePct = 99) => ({ id, name: id, status, latencyMs, uptimePct, lastCheck: '2024-05-01T12:00:00Z' });

describe('summarize', () => {
  it('counts services per status and averages uptime', () => {
    const s = summarize([svc('a', 'up', 1, 100), svc('b', 'down', 1, 90), svc('c', 'up', 1, 95)]);
    assert.deepEqual(s, { total: 3, up: 2, degraded: 0, down: 1, avgUptimePct: 95 });
  });

  it('has no average uptime for no services', () => {
    assert.deepEqual(summarize([]), { total: 0, up: 0, degraded: 0, down: 0, avgUptimePct: null });
  });

  it('rejects an unknown status', () => {
    assert.throws(() => summarize([svc('a', 'sleeping')]), /unknown status 'sleeping'/);
  });
});

describe('overallStatus', () => {
  it('is the worst status present', () => {
    assert.equal(overallStatus([svc('a', 'up'), svc('b', 'up')]), 'up');
    assert.equal(overallStatus([svc('a', 'up'), svc('b', 'degraded')]), 'degraded');
    assert.equal(overallStatus([svc('a', 'degraded'), svc('b', 'down'), svc('c', 'up')]), 'down');
    assert.equal(overallStatus([]), 'up');
  });
});

describe('sortBySeverity', () => {
  it('puts down first, then degraded, then up; slowest first within a status', () => {
    const input = [svc('fast', 'up', 10), svc('slow', 'up', 900), svc('deg', 'degraded'), svc('dead', 'down')];
    assert.deepEqual(sortBySeverity(input).map((s) => s.id), ['dead', 'deg', 'slow', 'fast']);
  });

  it('does not mutate its input', () => {
    const input = [svc('a', 'up'), svc('b', 'down')];
    sortBySeverity(input);
    assert.deepEqual(input.map((s) => s.id), ['a', 'b']);
  });
});

describe('filterByStatus', () => {
  const all = [svc('a', 'up'), svc('b', 'down')];
  it('keeps everything for "all" and only matching services otherwise', () => {
    assert.equal(filterByStatus(all, 'all').length, 2);
    assert.deepEqual(filterByStatus(all, 'down').map((s) => s.id), ['b']);
    assert.deepEqual(filterByStatus(all, 'degraded'), []);
  });
  it('rejects an unknown filter', () => {
    assert.throws(() => filterByStatus(all, 'broken'), /unknown filter/);
  });
});

describe('formatting', () => {
  it('formats latency in ms below a second and in seconds above', () => {
    assert.equal(formatLatency(950), '950 ms');
    assert.equal(formatLatency(1234), '1.2 s');
    assert.equal(formatLatency(1450), '1.5 s');
    assert.equal(formatLatency(999.7), '1.0 s');
    assert.equal(formatLatency(null), '—');
  });

  it('formats uptime with two decimals', () => {
    assert.equal(formatUptime(99.9512), '99.95%');
    assert.equal(formatUptime(100), '100.00%');
    assert.equal(formatUptime(null), '—');
  });

  it('describes how long ago a check was', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    assert.equal(timeAgo('2024-05-01T11:59:30Z', now), 'just now');
    assert.equal(timeAgo('2024-05-01T11:55:00Z', now), '5 min ago');
    assert.equal(timeAgo('2024-05-01T09:00:00Z', now), '3 h ago');
    assert.equal(timeAgo('2024-04-29T12:00:00Z', now), '2 d ago');
  });
});
