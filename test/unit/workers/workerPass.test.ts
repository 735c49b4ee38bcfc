import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import { Worker } from '../../../src/core/workers/worker';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { ReplayBackend } from '../../support/replayBackend';
import { cleanupTemp, git, tempDir } from '../../support/tempRepo';
import { makeRemoteWorld, type RemoteWorld } from './remoteWorld';

const BRANCH = 'helix-design-docs';
const SETTINGS: OrchestratorSettings = {
  ...DEFAULT_SETTINGS,
  planning: { backend: 'custom' },
  implementation: { backend: 'custom' },
  reconcileIntervalMs: 0,
  maxNudges: 0,
  maxRetries: 0,
};

/** The remote's design-docs branch gains SpecTask 000001, queued for implementation. */
function queueTask(world: RemoteWorld): void {
  const seed = world.clone();
  git(seed, 'checkout', '-q', '-b', 'docs', `origin/${BRANCH}`);
  const rel = 'design/tasks/000001_remote-task';
  fs.mkdirSync(path.join(seed, rel), { recursive: true });
  const record = { ...newSpecTaskRecord({ number: 1, title: 'Remote task' }), status: 'queued_implementation' };
  fs.writeFileSync(path.join(seed, rel, 'spectask.json'), `${JSON.stringify(record, null, 2)}\n`);
  fs.writeFileSync(path.join(seed, rel, 'tasks.md'), '# Implementation Tasks\n\n- [ ] T1: step 1\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'task 1');
  git(seed, 'push', '-q', 'origin', `HEAD:refs/heads/${BRANCH}`);
}

/**
 * Logs every fetch of the design-docs branch `clone` makes: git's file transport starts the clone's
 * `remote.origin.uploadpack` for each, whose parent is the fetching git. Returns how many so far.
 */
function countDocsFetches(clone: string): () => number {
  const log = path.join(tempDir('spectask-fetches-'), 'log');
  const wrapper = path.join(path.dirname(log), 'upload');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\np=$(cut -d' ' -f4 /proc/$PPID/stat)\ntr '\\0' ' ' < /proc/$PPID/cmdline >> '${log}'\ntr '\\0' ' ' < /proc/$p/cmdline >> '${log}'\necho >> '${log}'\nexec git-upload-pack "$@"\n`,
    { mode: 0o755 },
  );
  git(clone, 'config', 'remote.origin.uploadpack', wrapper);
  return () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => / fetch .*refs\/heads\/helix-design-docs:refs\/remotes\//.test(l)).length
      : 0;
}

// Issue 23, worker throughput: each sync replays the worker's unpushed ticks on the remote's head. A worker whose
// every slot is held chooses nothing from the branch, and its pushes sync right before they are built: its pass
// does not sync first.
describe("a worker's pass with every slot held", function () {
  this.timeout(90_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('does not sync the design-docs branch before its pushes do', async () => {
    const world = makeRemoteWorld();
    queueTask(world);
    const clone = world.clone();
    const docsFetches = countDocsFetches(clone);
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const backend = new ReplayBackend(async () => {
      await finished;
      return { text: 'done' };
    });
    track({ dispose: () => finish() });
    const registry = track(new GitQueueRegistry());
    const worker = track(
      new Worker(clone, {
        registry,
        backends: [backend],
        settings: SETTINGS,
        remote: 'origin',
        leaseMs: 60_000,
        maxAgents: 1,
        // Short: without the rule, every pass would sync (none synced within the last 20 ms).
        pollMs: 20,
        pushIntervalMs: 60_000,
      }),
    );
    await worker.start();
    const t0 = Date.now();
    while (backend.calls.length < 1) {
      if (Date.now() - t0 > 40_000) assert.fail(`the worker did not start its agent; holds ${worker.held()}`);
      await worker.pass();
    }
    assert.deepEqual(worker.held(), ['000001']);
    await worker.pass();
    const before = docsFetches();
    assert.ok(before > 0, 'the fetches are counted');
    for (let i = 0; i < 3; i++) await worker.pass();
    assert.equal(docsFetches() - before, 0, 'no sync in three passes with the only slot held');
    finish();
  });
});
