import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GIT_ENV, tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import { sleep, ticked } from './faultHarness';
import {
  CLI,
  cloneOf,
  crash,
  DOCS,
  remoteFile,
  remoteRef,
  startLocalRun,
  startWorker,
  stealClaim,
  until,
  untilLostAndStopped,
  untilPushedTicks,
  useWorkersWorld,
  type ClaimantProcess,
  type WorkersWorld,
} from './workersWorld';

const AREA = 'workers: the content-level fence (what a push carries, whoever pushes)';
const ITEMS = 8;
const CLAIM = 'refs/spectask/claims/000001';
const CLAIM2 = 'refs/spectask/claims/000002';

interface Lost {
  bare: string;
  rels: string[];
  clone: string;
  run: ClaimantProcess;
  stolen: string;
  /** SpecTask 1's checklist and record on the remote when its claim was taken over. */
  atSteal: [string, string];
  v: string[];
}

/**
 * `spectask run --push` claims SpecTask 1 of `tasks`, pushes a tick, is held still (SIGSTOP) and its claim is taken
 * over; its agent goes on ticking in the clone: every tick from then on is the lost claim's.
 */
async function lostClaimInClone(world: WorkersWorld, tasks: number): Promise<Lost> {
  const { bare, rels, server } = await world.serve(tasks, ITEMS);
  const clone = cloneOf(server.url());
  const promptLog = path.join(tempDir('spectask-prompts-'), 'local.jsonl');
  const run = world.own(startLocalRun(clone, { marker: world.marker, pauseMs: 1500, promptLog, capImplementation: 1 }));
  await untilPushedTicks(bare, rels[0], 'spectask run --push', 1, CLAIM);
  process.kill(run.pid!, 'SIGSTOP');
  const stolen = stealClaim(bare);
  const atSteal: [string, string] = [remoteFile(bare, rels[0]), remoteFile(bare, record(rels[0]))];
  const v: string[] = [];
  const checklist = path.join(clone, '.git-worktrees', DOCS, rels[0]);
  await until(
    'a tick in the clone after the claim was lost',
    60_000,
    () => ticked(fs.readFileSync(checklist, 'utf8')).size > ticked(atSteal[0]).size,
  ).catch((e) => v.push((e as Error).message));
  return { bare, rels, clone, run, stolen, atSteal, v };
}

const record = (rel: string) => rel.replace('tasks.md', 'spectask.json');

/** Nothing of SpecTask 1 changed on the remote since its claim was taken over, and the new claim stands. */
function nothingLanded(l: Lost, when: string): void {
  if (remoteRef(l.bare, CLAIM) !== l.stolen) l.v.push(`${when}: the new holder's claim was overwritten`);
  if (remoteFile(l.bare, l.rels[0]) !== l.atSteal[0])
    l.v.push(`${when}: ticks of the lost claim reached the remote:\n${remoteFile(l.bare, l.rels[0])}`);
  if (remoteFile(l.bare, record(l.rels[0])) !== l.atSteal[1])
    l.v.push(`${when}: the lost task's record changed on the remote`);
}

describe('faults: workers on other machines — the content-level fence on every design-docs push', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();

  it('two claimants in one clone: the other pushes its own task, nothing of the claim the first lost', async () => {
    const l = await lostClaimInClone(world, 2);
    // A worker in the same clone takes SpecTask 2; every push of its own work carries the clone's branch, where the
    // lost claim's ticks are committed by its syncs.
    const other = world.own(startWorker(l.clone, { marker: world.extraMarker(), pauseMs: 300, leaseS: 60 }));
    await untilPushedTicks(l.bare, l.rels[1], 'the worker beside it', 3, CLAIM2).catch((e) =>
      l.v.push(`${(e as Error).message}: ${other.output().slice(-2000)}`),
    );
    nothingLanded(l, 'while the worker beside it pushed');
    process.kill(l.run.pid!, 'SIGCONT');
    await untilLostAndStopped(l.run, world.marker, l.v);
    await sleep(3_000);
    if (process.env.WORKERS_DEBUG) console.log(l.run.output(), '\n----\n', other.output());
    nothingLanded(l, 'after the first claimant stopped');
    recordFault(AREA, 'two claimants in one clone, one loses its claim, the other pushes', l.v);
    assert.deepEqual(l.v, []);
  });

  it('a claimant SIGKILLed after losing its claim, then `spectask sync` by hand: nothing of the lost claim lands', async () => {
    const l = await lostClaimInClone(world, 1);
    await crash(l.run, world.marker);
    // No live claimant is left in the clone: the sync commits the killed claimant's leftovers and pushes.
    const sync = execFileSync(process.execPath, [CLI, 'sync'], { cwd: l.clone, env: GIT_ENV, encoding: 'utf8' });
    if (process.env.WORKERS_DEBUG) console.log(sync);
    nothingLanded(l, 'after the sync by hand');
    recordFault(AREA, '`spectask sync` by hand after a claimant was killed having lost its claim', l.v);
    assert.deepEqual(l.v, []);
  });

  it('a claimant SIGKILLed after losing its claim and restarted: it runs another task, nothing of the lost one lands', async () => {
    const l = await lostClaimInClone(world, 2);
    await crash(l.run, world.marker);
    const promptLog = path.join(tempDir('spectask-prompts-'), 'restarted.jsonl');
    const marker = world.extraMarker();
    const restarted = world.own(startLocalRun(l.clone, { marker, pauseMs: 300, promptLog, capImplementation: 1 }));
    await untilPushedTicks(l.bare, l.rels[1], 'the restarted claimant', 3, CLAIM2).catch((e) =>
      l.v.push(`${(e as Error).message}: ${restarted.output().slice(-2000)}`),
    );
    if (process.env.WORKERS_DEBUG) console.log(restarted.output());
    nothingLanded(l, 'while the restarted claimant pushed');
    recordFault(AREA, 'claimant SIGKILLed after losing its claim, restarted', l.v);
    assert.deepEqual(l.v, []);
  });
});
