// Realistic fleet snapshots for the webview tests and the benchmark, built through the same pure window
// builder the host uses.
import {
  countByPhase,
  PHASES,
  type FleetAgentCard,
  type FleetSnapshot,
  type ItemState,
  type Phase,
} from '../../../src/protocol/fleet';
import { cardWindow } from '../../../src/core/orchestrator/fleetView';

/** A checklist item as the parser yields it, in document order. */
export type Entry = { text: string; state: ItemState };

const STEPS = [
  'Add the `password_reset_tokens` table and migration',
  'Create `ResetTokenRepository` with create/consume/expire',
  'Add **POST /auth/reset-request** that emails a one-time link',
  'Rate-limit reset requests per account and per IP',
  'Add **POST /auth/reset** that checks the token and sets the password',
  'Invalidate all sessions after a reset',
  'Write the email template (plain text and HTML)',
  'Unit tests for token expiry and reuse',
  'Integration test: request → email → reset → login',
  'Document the flow in `docs/auth.md`',
];
const TITLES = [
  'Add password reset',
  'Rate-limit the public API',
  'Migrate sessions to Redis',
  'Dark mode for the settings page',
  'Export invoices as CSV',
  'Fix flaky upload retries',
  'Audit log for admin actions',
  'Search by tag in the inbox',
];
const BACKENDS = ['claude-code', 'codex', 'gemini', 'openai-compatible'];
const ACTIVITY = [
  'Edit src/auth/reset.ts',
  'Run npm test',
  'Read src/db/schema.ts',
  'Write test/auth/reset.test.ts',
  'Grep "session" in src/',
];

/** A checklist of `total` items with the first `done` done and, if `doing`, the next one in progress. */
export function checklist(total: number, done: number, doing = true): Entry[] {
  return Array.from({ length: total }, (_, i) => ({
    text: STEPS[i % STEPS.length] + (i >= STEPS.length ? ` (part ${Math.floor(i / STEPS.length) + 1})` : ''),
    state: i < done ? 'done' : i === done && doing ? 'doing' : 'todo',
  }));
}

/** "Now" for the fixtures: the real clock, since the page computes elapsed times from its own. */
export const FIXED_NOW = Date.now();

/** Card number `i` of a fleet, in a phase that cycles so every phase and back-end appears. */
export function makeCard(i: number, over: Partial<FleetAgentCard> & { items?: Entry[] } = {}): FleetAgentCard {
  const phase: Phase =
    over.phase ??
    (
      [
        'implementing',
        'planning',
        'implementing',
        'spec_review',
        'failed',
        'queued',
        'implementation_review',
        'done',
      ] as Phase[]
    )[i % 8];
  const total = 6 + (i % 5);
  const done = phase === 'done' ? total : phase === 'queued' ? 0 : Math.min(total - 1, 1 + ((i * 3) % total));
  const items = over.items ?? checklist(total, done, phase === 'implementing' || phase === 'planning');
  const w = cardWindow(items, 2);
  const working = phase === 'implementing' || phase === 'planning';
  const { items: _drop, ...rest } = over;
  return {
    taskId: `task-${i}`,
    number: String(41 + i).padStart(6, '0'),
    title: TITLES[i % TITLES.length],
    phase,
    backend: BACKENDS[i % BACKENDS.length],
    agentId: phase === 'queued' ? undefined : `ag-${(0x3f2a + i * 7919).toString(16)}`,
    progress: w.progress,
    window: w.items,
    currentIndex: w.currentIndex,
    runLive: working,
    lastActivity: working ? ACTIVITY[i % ACTIVITY.length] : undefined,
    startedAt: working ? FIXED_NOW - (3 + i) * 61_000 : undefined,
    updatedAt: FIXED_NOW - (i % 7) * 4000,
    tokens: working || phase === 'done' ? 1200 + i * 8311 : undefined,
    costUsd: working || phase === 'done' ? 0.004 + i * 0.031 : undefined,
    queueReason: phase === 'queued' ? 'implementation slots full (5/5)' : undefined,
    lastError:
      phase === 'failed' ? 'Agent exited with code 1: rate limited by the provider after 3 retries' : undefined,
    hasWorktree: phase !== 'planning' && phase !== 'queued' && phase !== 'spec_review',
    ...rest,
  };
}

export function makeSnapshot(n: number, generatedAt = FIXED_NOW): FleetSnapshot {
  const cards = Array.from({ length: n }, (_, i) => makeCard(i));
  return { generatedAt, cards, counts: countByPhase(cards) };
}

export function snapshotOf(cards: FleetAgentCard[], generatedAt = FIXED_NOW): FleetSnapshot {
  return { generatedAt, cards, counts: countByPhase(cards) };
}

export { PHASES };
