import * as assert from 'node:assert/strict';
import { countByPhase, emptyFleetSnapshot, type FleetAgentCard } from '../../../src/protocol/fleet';
import type { HostToWebview } from '../../../src/protocol/messages';
import {
  SNAPSHOT_COALESCE_MS,
  SNAPSHOT_MAX_WINDOW_MS,
  SnapshotScheduler,
} from '../../../src/vscode/fleet/snapshotScheduler';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Schedulers made by the tests: disposed after each one (a failed test must not leave its timers running). */
const made: SnapshotScheduler[] = [];

function setup(visible = { v: true }, coalesceMs = 10) {
  const posts: HostToWebview[] = [];
  let builds = 0;
  const s = new SnapshotScheduler(
    () => ({ ...emptyFleetSnapshot(), generatedAt: ++builds }),
    (m) => posts.push(m),
    () => visible.v,
    coalesceMs,
  );
  made.push(s);
  return { s, posts, visible };
}

describe('SnapshotScheduler', () => {
  afterEach(() => {
    for (const s of made.splice(0)) s.dispose();
  });

  it('sends nothing before the ready handshake, then a complete snapshot at once', async () => {
    const { s, posts } = setup();
    s.onChange();
    s.onVisible();
    await tick(30);
    assert.equal(posts.length, 0);
    s.onReady();
    assert.equal(posts.length, 1);
    assert.equal(posts[0].rev, 1);
  });

  it('coalesces a burst of changes into one snapshot with a newer rev', async () => {
    const { s, posts } = setup();
    s.onReady();
    for (let i = 0; i < 50; i++) s.onChange();
    await tick(40);
    assert.deepEqual(
      posts.map((p) => p.rev),
      [1, 2],
    );
  });

  it('sends the first change after a quiet window on the next turn, not a window later', async () => {
    const { s, posts } = setup(undefined, 60);
    s.onReady();
    await tick(80); // the window after the ready snapshot has passed
    s.onChange();
    s.onChange(); // same turn: the same snapshot
    assert.equal(posts.length, 1, 'posted synchronously, before the rest of this turn could change more');
    await tick(5); // a 5 ms timer fires after the scheduler's 0 ms one, however loaded the machine is
    assert.deepEqual(
      posts.map((p) => p.rev),
      [1, 2],
    );
  });

  it('sends at most one snapshot per window while changes keep coming', async () => {
    const { s, posts } = setup(undefined, 60);
    s.onReady();
    s.onChange(); // within the window of the ready snapshot: waits for its end
    await tick(5);
    assert.equal(posts.length, 1);
    await tick(80);
    assert.deepEqual(
      posts.map((p) => p.rev),
      [1, 2],
    );
  });

  it('skips hidden webviews and catches up when they become visible', async () => {
    const { s, posts, visible } = setup();
    s.onReady();
    visible.v = false;
    s.onChange();
    await tick(30);
    assert.equal(posts.length, 1);
    visible.v = true;
    s.onVisible();
    assert.deepEqual(
      posts.map((p) => p.rev),
      [1, 2],
    );
  });

  it('stops after dispose', async () => {
    const { s, posts } = setup();
    s.onReady();
    s.onChange();
    s.dispose();
    await tick(30);
    assert.equal(posts.length, 1);
  });

  it('widens its window after a costly snapshot so snapshots take at most a tenth of the loop, and narrows it again', async () => {
    // A clock the test moves: each build "costs" what the test says, without burning real time.
    let clock = 0;
    let cost = 0;
    const posts: HostToWebview[] = [];
    const s = new SnapshotScheduler(
      () => {
        clock += cost;
        return emptyFleetSnapshot();
      },
      (m) => posts.push(m),
      () => true,
      30,
      () => clock,
    );
    made.push(s);
    cost = 2;
    s.onReady();
    assert.equal(s.windowMs, 30, 'a cheap snapshot keeps the shortest window');
    cost = 20;
    s.onVisible();
    assert.equal(s.windowMs, 200, 'a 20 ms snapshot is followed by 200 ms');
    // The next change waits for the wide window (the clock has not moved: 200 ms remain), not for 30 ms.
    s.onChange();
    await tick(60);
    assert.equal(posts.length, 2, 'posted within the wide window');
    cost = 500;
    s.onVisible();
    assert.equal(s.windowMs, SNAPSHOT_MAX_WINDOW_MS, 'never longer than the cap');
    cost = 1;
    s.onVisible();
    assert.equal(s.windowMs, 30, 'back to the shortest window once snapshots are cheap again');
  });
  it('holds a change back at most one display frame while agents keep ticking (the webview draws one a frame)', () => {
    // Issue 24: a 30 ms window added up to 30 ms to a tick's way to the card whenever another tick had just gone out.
    const s = new SnapshotScheduler(
      emptyFleetSnapshot,
      () => undefined,
      () => true,
    );
    made.push(s);
    assert.equal(s.windowMs, SNAPSHOT_COALESCE_MS);
    assert.ok(SNAPSHOT_COALESCE_MS <= 1000 / 60, `window ${SNAPSHOT_COALESCE_MS} ms`);
  });
});

describe('SnapshotScheduler with a page that takes deltas (issue 24)', () => {
  const card = (id: string, done: number): FleetAgentCard => ({
    taskId: id,
    number: id,
    title: id,
    phase: 'implementing',
    progress: { done, total: 3 },
    window: [],
  });
  const live: SnapshotScheduler[] = [];
  afterEach(() => {
    for (const s of live.splice(0)) s.dispose();
  });

  function setupDeltas() {
    const cards = new Map([
      ['a', card('a', 0)],
      ['b', card('b', 0)],
    ]);
    const posts: HostToWebview[] = [];
    const s = new SnapshotScheduler(
      () => ({ generatedAt: 0, cards: [...cards.values()], counts: countByPhase([...cards.values()]) }),
      (m) => posts.push(JSON.parse(JSON.stringify(m))),
      () => true,
      1,
    );
    live.push(s);
    return { s, posts, cards };
  }

  it('posts the complete snapshot on ready, then only the cards that changed, based on the rev before', async () => {
    const { s, posts, cards } = setupDeltas();
    s.onReady(true);
    cards.set('b', card('b', 1));
    s.onChange();
    await tick(20);
    assert.deepEqual(
      posts.map((p) => p.type),
      ['fleet/snapshot', 'fleet/delta'],
    );
    const d = posts[1];
    assert.ok(d.type === 'fleet/delta');
    assert.equal(d.baseRev, 1);
    assert.equal(d.rev, 2);
    assert.deepEqual(d.delta.cards, [card('b', 1)]);
    assert.deepEqual(d.delta.removed, []);
  });

  it('posts nothing for a change no card shows, and a complete snapshot when the page asks', async () => {
    const { s, posts } = setupDeltas();
    s.onReady(true);
    s.onChange();
    await tick(20);
    assert.equal(posts.length, 1);
    s.onResync();
    assert.deepEqual(
      posts.map((p) => [p.type, p.rev]),
      [
        ['fleet/snapshot', 1],
        ['fleet/snapshot', 2],
      ],
    );
  });

  it('keeps posting complete snapshots to a page that did not say it takes deltas', async () => {
    const { s, posts, cards } = setupDeltas();
    s.onReady();
    cards.set('a', card('a', 2));
    s.onChange();
    await tick(20);
    assert.deepEqual(
      posts.map((p) => p.type),
      ['fleet/snapshot', 'fleet/snapshot'],
    );
  });
});
