// The dashboard's posts at fleet scale (issue 24): what one agent's tick costs the host and the page with complete
// snapshots (before) and with per-card deltas (now), on a loaded orchestrator. Used by scale.bench.ts per size.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenedOrchestrator } from '../src/core/orchestrator/openOrchestrator';
import { diffFleetSnapshot, postedSnapshotOf } from '../src/protocol/fleetDelta';
import { parseHostMessage, PROTOCOL_VERSION, type HostToWebview } from '../src/protocol/messages';
import { now, percentile, type Figure } from './benchKit';

export interface SnapshotDeltaResult {
  tasks: number;
  ticks: number;
  /** Bytes of the message posted for one tick: the complete snapshot, and the delta. */
  fullBytes: number;
  deltaBytes: number;
  /** Host: build the snapshot and serialize the message (p50, ms); with the delta also the diff. */
  fullHostP50: number;
  deltaHostP50: number;
  /** Page: parse the message and check it at the boundary (parseHostMessage), p50 ms. */
  fullPageP50: number;
  deltaPageP50: number;
  /** Cards in the delta of one tick (1 when only the ticked card is posted). */
  deltaCards: number;
}

/**
 * Ticks one item of up to `ticks` SpecTasks (the last ones; agents use the first 41) on disk, one after the other;
 * after each, the watcher has read it and the store holds it, and both kinds of post are built from the same state.
 */
export async function measureSnapshotDelta(
  opened: OpenedOrchestrator,
  tasks: number,
  ticks = 40,
): Promise<SnapshotDeltaResult> {
  const o = opened.orchestrator;
  const folders = o
    .taskViews()
    .filter((t) => Number(t.number) > 41) // the agents work on the first 1 + 8 + 32
    .slice(-ticks);
  let posted = postedSnapshotOf(o.fleetSnapshot());
  let rev = 1;
  const r = { full: [] as number[], delta: [] as number[], fullPage: [] as number[], deltaPage: [] as number[] };
  let fullBytes = 0;
  let deltaBytes = 0;
  let deltaCards = 0;
  for (const t of folders) {
    const file = path.join(t.path, 'tasks.md');
    const doneBefore = doneOf(o, t.id);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('- [ ]', '- [x]'));
    for (const t0 = now(); doneOf(o, t.id) === doneBefore;) {
      if (now() - t0 > 10_000) throw new Error(`the tick of ${t.number} never reached the store`);
      await new Promise((res) => setTimeout(res, 5));
    }
    // Before: the complete snapshot, serialized as postMessage does.
    let t0 = now();
    const full = JSON.stringify({
      type: 'fleet/snapshot',
      protocol: PROTOCOL_VERSION,
      rev: ++rev,
      snapshot: o.fleetSnapshot(),
    });
    r.full.push(now() - t0);
    // Now: the same state as a delta against what the page holds.
    t0 = now();
    const d = diffFleetSnapshot(posted, o.fleetSnapshot());
    const message: HostToWebview = {
      type: 'fleet/delta',
      protocol: PROTOCOL_VERSION,
      rev: rev,
      baseRev: rev - 1,
      delta: d.delta,
    };
    const delta = JSON.stringify(message);
    r.delta.push(now() - t0);
    posted = d.posted;
    // The page's side of each: parse, then the boundary check.
    t0 = now();
    if (!parseHostMessage(JSON.parse(full))) throw new Error('the complete snapshot was refused');
    r.fullPage.push(now() - t0);
    t0 = now();
    if (!parseHostMessage(JSON.parse(delta))) throw new Error('the delta was refused');
    r.deltaPage.push(now() - t0);
    fullBytes = Buffer.byteLength(full);
    deltaBytes = Math.max(deltaBytes, Buffer.byteLength(delta));
    deltaCards = Math.max(deltaCards, d.delta.cards.length);
  }
  return {
    tasks,
    ticks: folders.length,
    fullBytes,
    deltaBytes,
    fullHostP50: percentile(r.full, 50),
    deltaHostP50: percentile(r.delta, 50),
    fullPageP50: percentile(r.fullPage, 50),
    deltaPageP50: percentile(r.deltaPage, 50),
    deltaCards,
  };
}

const doneOf = (o: OpenedOrchestrator['orchestrator'], id: string) =>
  o.fleetSnapshot().cards.find((c) => c.taskId === id)?.progress.done;

/** The figures of one size: each delta figure beside the complete snapshot's as its reference. */
export function snapshotDeltaFigures(d: SnapshotDeltaResult): Figure[] {
  const at = `${d.tasks} SpecTasks, one tick`;
  return [
    {
      metric: `bytes posted per tick at ${d.tasks} SpecTasks: delta (largest of ${d.ticks}; ${d.deltaCards} card${d.deltaCards === 1 ? '' : 's'})`,
      value: d.deltaBytes / 1024,
      unit: 'KiB',
      reference: { label: 'the complete snapshot', value: d.fullBytes / 1024, unit: 'KiB' },
    },
    {
      metric: `host: build + diff + serialize the delta p50 (${at})`,
      value: d.deltaHostP50,
      unit: 'ms',
      reference: { label: 'build + serialize the complete snapshot', value: d.fullHostP50, unit: 'ms' },
    },
    {
      metric: `page: parse + boundary check of the delta p50 (${at})`,
      value: d.deltaPageP50,
      unit: 'ms',
      reference: { label: 'of the complete snapshot', value: d.fullPageP50, unit: 'ms' },
    },
  ];
}
