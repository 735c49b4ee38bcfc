import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { countByPhase, PHASES, type FleetAgentCard, type FleetSnapshot } from '../../../src/protocol/fleet';
import { applyFleetDelta, diffFleetSnapshot, postedSnapshotOf } from '../../../src/protocol/fleetDelta';
import { parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { FleetSnapshotFollower } from '../../../webview/snapshotFollower';

const card = (id: string, done: number, over: Partial<FleetAgentCard> = {}): FleetAgentCard => ({
  taskId: id,
  number: id.padStart(6, '0'),
  title: `Task ${id}`,
  phase: 'implementing',
  progress: { done, total: 30 },
  window: [{ index: done, text: `Step ${done + 1}`, state: 'doing' }],
  ...over,
});
const snap = (cards: FleetAgentCard[], labels?: Record<string, string>): FleetSnapshot => ({
  generatedAt: cards.length,
  cards,
  counts: countByPhase(cards),
  ...(labels ? { backendLabels: labels } : {}),
});

/** A snapshot of up to 8 cards drawn from 10 task ids, in any order, with any of a few field values. */
const arbSnapshot = fc
  .uniqueArray(
    fc.record({
      id: fc.integer({ min: 1, max: 10 }).map(String),
      done: fc.integer({ min: 0, max: 3 }),
      phase: fc.constantFrom(...PHASES),
      lastActivity: fc.option(fc.constantFrom('Edit a.ts', 'Read b.ts'), { nil: undefined }),
    }),
    { maxLength: 8, selector: (c) => c.id },
  )
  .chain((cs) =>
    fc.record({
      cards: fc.constant(cs.map((c) => card(c.id, c.done, { phase: c.phase, lastActivity: c.lastActivity }))),
      labels: fc.option(fc.constantFrom({ codex: 'Codex CLI' }, { codex: 'Codex' }), { nil: undefined }),
    }),
  )
  .map(({ cards, labels }) => snap(cards, labels));

describe('fleet deltas (issue 24)', () => {
  it('applied to the snapshot it was computed against, a delta gives exactly the newer snapshot', () => {
    fc.assert(
      fc.property(fc.array(arbSnapshot, { minLength: 2, maxLength: 6 }), (seq) => {
        let shown = seq[0];
        let posted = postedSnapshotOf(seq[0]);
        for (const next of seq.slice(1)) {
          const d = diffFleetSnapshot(posted, next);
          // Through JSON, as postMessage carries it.
          shown = applyFleetDelta(shown, JSON.parse(JSON.stringify(d.delta)));
          posted = d.posted;
          assert.deepEqual(JSON.parse(JSON.stringify(shown)), JSON.parse(JSON.stringify(next)));
        }
      }),
    );
  });

  it('carries only the cards that changed, and keeps the objects of the others', () => {
    const before = snap(Array.from({ length: 1000 }, (_, i) => card(String(i), 0)));
    const after = snap(before.cards.map((c, i) => (i === 500 ? card(c.taskId, 1) : card(c.taskId, 0))));
    const { delta } = diffFleetSnapshot(postedSnapshotOf(before), after);
    assert.deepEqual(
      delta.cards.map((c) => c.taskId),
      ['500'],
    );
    assert.deepEqual(delta.removed, []);
    assert.equal(delta.order, undefined);
    const applied = applyFleetDelta(before, delta);
    assert.equal(applied.cards[499], before.cards[499]);
    assert.equal(applied.cards[500].progress.done, 1);
  });

  it('is checked at the boundary like a snapshot: a delta with a malformed card or field is refused', () => {
    const { delta } = diffFleetSnapshot(postedSnapshotOf(snap([card('1', 0)])), snap([card('1', 1), card('2', 0)]));
    const msg = (d: unknown, baseRev: unknown = 1) => ({
      type: 'fleet/delta',
      protocol: PROTOCOL_VERSION,
      rev: 2,
      baseRev,
      delta: d,
    });
    assert.deepEqual(parseHostMessage(msg(delta)), msg(delta));
    const bad: unknown[] = [
      msg(delta, '1'),
      msg({ ...delta, cards: [{ ...card('1', 1), title: { toString: () => 'x' } }] }),
      msg({ ...delta, removed: [1] }),
      msg({ ...delta, order: 'a' }),
      msg({ ...delta, counts: { implementing: '1' } }),
      msg({ ...delta, backendLabels: { codex: 1 } }),
      { ...msg(delta), protocol: PROTOCOL_VERSION + 1 },
    ];
    for (const b of bad) assert.equal(parseHostMessage(b), undefined, JSON.stringify(b));
  });

  it('ready says whether the page takes deltas; resync is a message of its own; nothing else leaks through', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'webview/ready', protocol: 2, deltas: true, x: 1 }), {
      type: 'webview/ready',
      protocol: 2,
      deltas: true,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'webview/ready', protocol: 2, deltas: 'yes' }), {
      type: 'webview/ready',
      protocol: 2,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'webview/resync', protocol: 2, rev: 1 }), {
      type: 'webview/resync',
      protocol: 2,
    });
    assert.equal(parseWebviewMessage({ type: 'webview/resync' }), undefined);
  });
});

describe('the page following snapshots and deltas', () => {
  const full = (rev: number, s: FleetSnapshot) => ({ type: 'fleet/snapshot' as const, protocol: 2, rev, snapshot: s });
  const delta = (rev: number, baseRev: number, from: FleetSnapshot, to: FleetSnapshot) => ({
    type: 'fleet/delta' as const,
    protocol: 2,
    rev,
    baseRev,
    delta: diffFleetSnapshot(postedSnapshotOf(from), to).delta,
  });
  const s1 = snap([card('1', 0), card('2', 0)]);
  const s2 = snap([card('1', 1), card('2', 0)]);
  const s3 = snap([card('1', 2), card('2', 0)]);

  it('applies a delta to the snapshot of its base', () => {
    let asked = 0;
    const f = new FleetSnapshotFollower(() => asked++);
    f.take(full(1, s1));
    const next = f.take(delta(2, 1, s1, s2));
    assert.equal(next?.rev, 2);
    assert.deepEqual(next?.snapshot, s2);
    assert.equal(asked, 0);
  });

  it('asks once for a complete snapshot when a delta does not start where it is, and drops deltas until one comes', () => {
    let asked = 0;
    const f = new FleetSnapshotFollower(() => asked++);
    assert.equal(f.take(delta(2, 1, s1, s2)), undefined, 'no base yet');
    f.take(full(1, s1)); // older than the delta seen? no: nothing was taken, so rev 1 is new
    assert.equal(asked, 1);
    const f2 = new FleetSnapshotFollower(() => asked++);
    f2.take(full(1, s1));
    assert.equal(f2.take(delta(3, 2, s2, s3)), undefined, 'rev 2 was lost');
    assert.equal(f2.take(delta(4, 3, s3, s3)), undefined, 'still waiting for the complete snapshot');
    assert.equal(asked, 2, 'asked once per gap');
    assert.deepEqual(f2.take(full(5, s3))?.snapshot, s3);
    assert.equal(f2.take(delta(4, 3, s3, s3)), undefined, 'older than the complete snapshot');
    assert.equal(f2.take(delta(6, 5, s3, s1))?.snapshot.cards[0].progress.done, 0);
  });
});
