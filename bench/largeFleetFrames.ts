// The dashboard benchmark's large fleet (issue 22): 200 SpecTasks over every Board column, 50 of them live and
// ticking, 20 snapshots a second — in the Board layout and in the Agents grid (both draw only the cards in view).
import { countByPhase, type FleetSnapshot } from '../src/protocol/fleet';
import { PROTOCOL_VERSION } from '../src/protocol/messages';
import { fleetPhaseOf } from '../src/core/orchestrator/fleetView';
import { boardColumnOf, boardMovesOf } from '../src/core/orchestrator/fleetCardFacts';
import type { SpecTaskStatus } from '../src/core/orchestrator/statusMachine';
import type { DashboardPage } from '../test/webview/support/harness';
import { percentile, type Figure } from './benchKit';
import { FIXED_NOW, makeCard } from '../test/webview/support/fleetFixtures';

// page.evaluate callbacks run in the page; the root tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

/** SpecTasks spread over every Board column, the first `live` of them agents at work whose items tick. */
function fleetOf(n: number, live: number, tick: number): FleetSnapshot {
  const still: SpecTaskStatus[] = ['backlog', 'spec_review', 'implementation_review', 'queued_integration', 'done'];
  const cards = Array.from({ length: n }, (_, i) => {
    const status: SpecTaskStatus = i < live ? 'implementation' : still[i % still.length];
    const total = 30;
    const doneN = i < live ? (tick + i) % total : 3;
    const items = Array.from({ length: total }, (_, k) => ({
      text: `Step ${k + 1}: edit \`src/m${i}/f${k}.ts\``,
      state: (k < doneN ? 'done' : k === doneN ? 'doing' : 'todo') as 'done' | 'doing' | 'todo',
    }));
    return makeCard(i, {
      phase: fleetPhaseOf(status),
      column: boardColumnOf(status),
      moves: boardMovesOf(status),
      runLive: i < live,
      items,
      lastActivity: i < live ? `Edit src/m${i}/f${doneN}.ts (update ${tick})` : undefined,
      updatedAt: i < live ? Date.now() : FIXED_NOW,
    });
  });
  return { generatedAt: Date.now(), cards, counts: countByPhase(cards) };
}

/**
 * 200 SpecTasks, 50 of them live, 20 snapshots a second for 6 s, in the given layout: the frame times, and how
 * many cards the page drew (the Board draws only those in view).
 */
export async function largeFleetFrames(
  page: DashboardPage,
  layout: 'Agents' | 'Board',
  recordFrames: (page: DashboardPage, during: () => Promise<void>) => Promise<number[]>,
): Promise<{ busy: number[]; drawn: number }> {
  let rev = 5000;
  let tick = 0;
  await page.send({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++rev, snapshot: fleetOf(200, 50, tick) });
  await page.page.waitForFunction(() => document.querySelectorAll('article.card').length > 0);
  if (layout === 'Board') {
    await page.page.getByRole('button', { name: 'Board' }).click();
    await page.page.locator('.board').waitFor();
  }
  await new Promise((r) => setTimeout(r, 1000));
  const drawn = await page.page.evaluate(() => document.querySelectorAll('article.card').length);
  const busy = await recordFrames(page, async () => {
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      const t = Date.now();
      const snapshot = fleetOf(200, 50, ++tick);
      await page.send({ type: 'fleet/snapshot', protocol: PROTOCOL_VERSION, rev: ++rev, snapshot });
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - t))));
    }
  });
  return { busy, drawn };
}

type Frames = { busy: number[]; drawn: number };

/** The figures: the Board's frame times beside the same fleet in the Agents grid, and how many cards each drew. */
export function largeFleetFigures(grid200: Frames, board200: Frames): Figure[] {
  return [
    {
      metric: 'frame time p50, Board (200 SpecTasks, 50 live, 20 snapshots/s)',
      value: percentile(board200.busy, 50),
      unit: 'ms',
      reference: {
        label: 'same fleet in the Agents grid',
        value: percentile(grid200.busy, 50),
        unit: 'ms',
      },
    },
    {
      metric: 'frame time p95, Board (200 SpecTasks, 50 live, 20 snapshots/s)',
      value: percentile(board200.busy, 95),
      unit: 'ms',
      reference: { label: 'same fleet in the Agents grid', value: percentile(grid200.busy, 95), unit: 'ms' },
      target: '≤ 33 ms',
    },
    {
      metric: 'frame time p95, Agents grid (200 SpecTasks, 50 live, 20 snapshots/s)',
      value: percentile(grid200.busy, 95),
      unit: 'ms',
      reference: { label: 'same fleet on the Board', value: percentile(board200.busy, 95), unit: 'ms' },
      target: '≤ 33 ms',
    },
    {
      metric: 'cards drawn, Board (200 SpecTasks, 1280×900)',
      value: board200.drawn,
      unit: 'cards',
      reference: { label: 'Agents grid', value: grid200.drawn, unit: 'cards' },
    },
  ];
}
