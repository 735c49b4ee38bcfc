// Remote tick → local dashboard (issue 23): a worker pushes a tick (the ticked tasks.md in ONE atomic push with its
// claim's renewal, as `spectask worker` does) to a bare remote; a laptop's orchestrator with RemoteRuns (the
// product's intervals: 2 s while a worker holds something) fetches the claims, pulls the design-docs branch without
// pushing, and its store announces the tick to the surfaces. Measured from the end of the worker's push to (1) the
// laptop's store change carrying the tick and (2) the dashboard's snapshot posted to the webview with the tick on
// the card and the card marked with its worker: the host's SnapshotScheduler (its coalescing window), the
// snapshot built the way the extension builds it (the store's snapshot with the remote runs marked) and serialized
// as postMessage does. The webview's frame adds the tick → card DOM figure of bench/dashboard.bench.ts. Ticks come
// at random moments (300–1,700 ms apart), so they land at every phase of the polling interval. Reference in the
// same run: a local tick (tasks.md written in the design-docs worktree) → the same store change, the watcher's
// path. The remote is reached through git's file transport; a network adds its round trip to every fetch. Ratios
// matter; the machine may be busy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TASKS_DIR, taskFolderName } from '../src/core/docs/designDocsLayout';
import { GitQueueRegistry } from '../src/core/git/gitQueue';
import { openOrchestrator, type OpenedOrchestrator } from '../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS } from '../src/core/orchestrator/settings';
import { remoteRunsOf, withRemoteRuns, REMOTE_VIEW_ACTIVE_MS, type RemoteRuns } from '../src/core/workers/remoteRuns';
import type { FleetSnapshot } from '../src/protocol/fleet';
import { SnapshotScheduler } from '../src/vscode/fleet/snapshotScheduler';
import { makeRemoteViewWorld } from '../test/support/remoteViewWorld';
import { cleanupTemp } from '../test/support/tempRepo';
import { now, percentile, report } from './benchKit';

const TICKS = Number(process.env.BENCH_REMOTE_TICKS ?? 30);

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function open(folder: string, registry: GitQueueRegistry): Promise<OpenedOrchestrator> {
  const opened = await openOrchestrator(folder, {
    registry,
    backends: [],
    settings: () => DEFAULT_SETTINGS,
    createBranch: false,
    mayRunAgents: () => 'a viewer: the worker runs the agents',
  });
  await opened.orchestrator.start();
  return opened;
}

/** Resolves when the store shows `done` ticked items for the first card. */
function storeShows(o: OpenedOrchestrator, done: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (o.orchestrator.fleetSnapshot().cards[0]?.progress.done ?? 0) >= done;
    if (check()) return resolve();
    const sub = o.orchestrator.onDidChange(() => {
      if (!check()) return;
      sub.dispose();
      resolve();
    });
  });
}

/**
 * The dashboard's side of the host: a SnapshotScheduler (the extension's coalescing) fed by the store's and the
 * remote runs' changes, building the snapshot as createExtension does and serializing it as postMessage does.
 * `posted(done)` resolves when a snapshot went out whose first card shows `done` ticked items and its worker.
 */
function dashboardOf(o: OpenedOrchestrator, view: RemoteRuns) {
  let last: FleetSnapshot | undefined;
  const waiters: { done: number; resolve: () => void }[] = [];
  const shows = (s: FleetSnapshot | undefined, done: number) =>
    !!s?.cards[0]?.worker && (s.cards[0].progress.done ?? 0) >= done;
  const scheduler = new SnapshotScheduler(
    () => withRemoteRuns(o.orchestrator.fleetSnapshot(), view.runs()),
    (m) => {
      last = JSON.parse(JSON.stringify(m)).snapshot as FleetSnapshot; // the structured clone of postMessage
      for (const w of waiters.splice(0))
        if (shows(last, w.done)) w.resolve();
        else waiters.push(w);
    },
    () => true,
  );
  const subs = [o.orchestrator.onDidChange(() => scheduler.onChange()), view.onDidChange(() => scheduler.onChange())];
  scheduler.onReady();
  return {
    posted: (done: number) =>
      new Promise<void>((resolve) => (shows(last, done) ? resolve() : waiters.push({ done, resolve }))),
    dispose: () => {
      scheduler.dispose();
      for (const d of subs) d.dispose();
    },
  };
}

async function main(): Promise<void> {
  const registry = new GitQueueRegistry();
  const next = rng(23);
  try {
    // Reference: local ticks → store.
    const local = makeRemoteViewWorld(1, TICKS);
    const mine = await open(local.clone(), registry);
    const file = path.join(mine.docs.location.worktreePath, TASKS_DIR, taskFolderName(1, 'task-1'), 'tasks.md');
    const localLat: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      await sleep(100 + next() * 200);
      const text = fs.readFileSync(file, 'utf8').replace('- [ ]', '- [x]');
      const shown = storeShows(mine, i + 1);
      const t0 = now();
      fs.writeFileSync(file, text);
      await shown;
      localLat.push(now() - t0);
    }
    mine.dispose();

    // Remote ticks → the laptop's store, through RemoteRuns on its own timer.
    const world = makeRemoteViewWorld(1, TICKS);
    const laptop = await open(world.clone(), registry);
    const view = remoteRunsOf(laptop.docs, registry, {});
    const held = await world.claim(1);
    const rounds: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = now();
      await view.tick(); // the first sees the claim: the fast interval from now on
      rounds.push(now() - t0);
    }
    const dashboard = dashboardOf(laptop, view);
    view.start();
    const remoteLat: number[] = [];
    const postedLat: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      await sleep(300 + next() * 1400);
      await world.tick(held, 1, i);
      const t0 = now();
      const stored = storeShows(laptop, i + 1).then(() => remoteLat.push(now() - t0));
      const posted = dashboard.posted(i + 1).then(() => postedLat.push(now() - t0));
      await Promise.all([stored, posted]);
    }
    dashboard.dispose();
    view.dispose();
    laptop.dispose();
    const ref = { label: 'local tick → store p95', value: percentile(localLat, 95), unit: 'ms' };
    report('remoteView', [
      {
        metric: `remote tick → local store p95 (${TICKS} ticks, polling every ${REMOTE_VIEW_ACTIVE_MS} ms)`,
        value: percentile(remoteLat, 95),
        unit: 'ms',
        reference: ref,
        target: '≤ 2000 ms',
      },
      {
        metric: 'remote tick → snapshot posted to the dashboard webview p95 (card ticked, on its worker)',
        value: percentile(postedLat, 95),
        unit: 'ms',
        reference: ref,
        target: '≤ 2000 ms',
      },
      {
        metric: 'remote tick → snapshot posted p50',
        value: percentile(postedLat, 50),
        unit: 'ms',
        reference: { ...ref, label: 'local tick → store p50', value: percentile(localLat, 50) },
      },
      {
        metric: 'remote tick → local store p50',
        value: percentile(remoteLat, 50),
        unit: 'ms',
        reference: { ...ref, label: 'local tick → store p50', value: percentile(localLat, 50) },
      },
      {
        metric: 'one round (fetch the claims, pull the design-docs branch) p50',
        value: percentile(rounds, 50),
        unit: 'ms',
      },
    ]);
  } finally {
    registry.dispose();
    cleanupTemp();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
