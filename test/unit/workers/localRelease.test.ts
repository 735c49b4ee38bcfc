import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { openOrchestrator } from '../../../src/core/orchestrator/openOrchestrator';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../../../src/core/orchestrator/settings';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { ReplayBackend } from '../../support/replayBackend';
import { cleanupTemp, git } from '../../support/tempRepo';
import { makeRemoteWorld } from './remoteWorld';

const SETTINGS: OrchestratorSettings = {
  ...DEFAULT_SETTINGS,
  planning: { backend: 'custom' },
  implementation: { backend: 'custom' },
  reconcileIntervalMs: 0,
  maxNudges: 0,
  maxRetries: 0,
  caps: { planning: 1, implementation: 3 },
  autoStart: false,
};
const TASKS = 3;
const ZERO = '0000000000000000000000000000000000000000';

/**
 * The remote's pre-receive hook: writes each push's claim deletions (releases) as one line to `accepted` or, while
 * `closed` exists, to `refused` (and refuses that push). Other pushes (claims, heartbeats, ticks) go through.
 */
function releaseHook(bare: string): { accepted: string; refused: string; closed: string } {
  const [accepted, refused, closed] = ['accepted', 'refused', 'closed'].map((f) => path.join(bare, f));
  fs.writeFileSync(
    path.join(bare, 'hooks', 'pre-receive'),
    [
      '#!/bin/sh',
      'released=""',
      `while read old new ref; do case "$ref" in refs/spectask/claims/*) [ "$new" = ${ZERO} ] && released="$released \${ref##*/}";; esac; done`,
      '[ -z "$released" ] && exit 0',
      `if [ -e '${closed}' ]; then echo "$released" >> '${refused}'; sleep "$(cat '${closed}')"; echo 'releases closed' >&2; exit 1; fi`,
      `echo "$released" >> '${accepted}'`,
    ].join('\n'),
    { mode: 0o755 },
  );
  return { accepted, refused, closed };
}

/** The released task numbers of each push the hook logged in `file`, one array per push. */
function releasePushes(file: string): string[][] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).sort());
}

async function until(what: string, ok: () => boolean, detail: () => string, timeoutMs = 40_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`${what} did not happen within ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Issue 23: a local claimant (VS Code or `spectask run --push` with spectask.pushToRemote) released one claim per
// push; tasks that finish together are now released like a worker releases them, all in ONE atomic push.
describe('a local claimant releases the claims of tasks that finished together in one push', function () {
  this.timeout(90_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  /** A local claimant (push with claims) on a new clone of `remote`, its agents answering "done" at once. */
  async function openClaimant(remote: ReturnType<typeof makeRemoteWorld>, settings: typeof SETTINGS) {
    const registry = track(new GitQueueRegistry());
    const logs: string[] = [];
    const backend = new ReplayBackend(async () => ({ text: 'done' }));
    const opened = track(
      await openOrchestrator(remote.clone(), {
        registry,
        backends: [backend],
        settings: () => settings,
        createBranch: false,
        push: true,
        claims: { pollMs: 100 },
        log: (level, m) => logs.push(`${level}: ${m}`),
      }),
    );
    return { opened, backend, logs };
  }

  it('three finished tasks: one release push carries all three claims; a refused release keeps them held', async () => {
    const remote = makeRemoteWorld();
    const hook = releaseHook(remote.bare);
    // Releases are refused until every task has finished here: then they are all due at once.
    fs.writeFileSync(hook.closed, '0');
    const { opened, backend, logs } = await openClaimant(remote, SETTINGS);
    const o = opened.orchestrator;
    await o.start();
    const ids: string[] = [];
    for (let i = 1; i <= TASKS; i++)
      ids.push(await o.create({ title: `Task ${i}`, prompt: 'work' }, { skipPlanning: true }));
    const detail = () =>
      [
        `statuses: ${ids.map((id) => o.task(id)?.status).join(', ')}`,
        `refused: ${JSON.stringify(releasePushes(hook.refused))}`,
        `accepted: ${JSON.stringify(releasePushes(hook.accepted))}`,
        `claims on the remote: ${git(remote.bare, 'for-each-ref', 'refs/spectask/claims/')}`,
        ...logs.slice(-30),
      ].join('\n');
    const ended = () => ids.every((id) => /review|failed/.test(o.task(id)?.status ?? ''));
    await until('every task ended here', ended, detail);
    assert.equal(backend.calls.length, TASKS, 'each task ran once');
    // A release refused (by the hook) keeps its claims: the next pass tries again, now with all of them.
    await until(
      'a release of all three tasks in one push',
      () => releasePushes(hook.refused).some((p) => p.length === TASKS),
      detail,
    );
    assert.equal(
      git(remote.bare, 'for-each-ref', '--format=%(refname)', 'refs/spectask/claims/').split('\n').length,
      TASKS,
      'no claim released while the remote refused releases',
    );
    fs.rmSync(hook.closed);
    await until('every claim released', () => !git(remote.bare, 'for-each-ref', 'refs/spectask/claims/'), detail);
    assert.deepEqual(releasePushes(hook.accepted), [['000001', '000002', '000003']], 'one push released all three');
  });
  it('a task whose whole run fits inside one release pass is released all the same (never seen working)', async () => {
    const remote = makeRemoteWorld();
    const hook = releaseHook(remote.bare);
    // Each refused release takes 4 s at the remote: task 1's release passes run back to back, and task 2's short
    // run, claim to end, falls inside one of them, so no pass reads it working.
    fs.writeFileSync(hook.closed, '4');
    const { opened, logs } = await openClaimant(remote, { ...SETTINGS, caps: { planning: 1, implementation: 1 } });
    const o = opened.orchestrator;
    await o.start();
    const claims = () => git(remote.bare, 'for-each-ref', '--format=%(refname:short)', 'refs/spectask/claims/');
    const ids: string[] = [];
    const detail = () =>
      [
        `statuses: ${ids.map((id) => o.task(id)?.status).join(', ')}`,
        `claims: ${claims()}`,
        `reasons: ${JSON.stringify([...o.fleet.state.queueReasons])}`,
        ...logs.slice(-20),
      ].join('\n');
    // One implementation slot: task 2 starts once task 1 ended, while task 1's first release is at the remote.
    for (const title of ['Task 1', 'Task 2'])
      ids.push(await o.create({ title, prompt: 'work' }, { skipPlanning: true }));
    await until('both tasks ended', () => ids.every((id) => /review|failed/.test(o.task(id)?.status ?? '')), detail);
    fs.rmSync(hook.closed);
    await until('every claim released', () => !claims(), detail, 60_000);
    // A release refused before the hook opened may still sleep at the remote; when it returns, its push writes
    // the clone's refs: cleanupTemp waits for it (no process left working in the folder) before removing it.
  });
});
