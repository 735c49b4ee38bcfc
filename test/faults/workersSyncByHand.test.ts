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
} from './workersWorld';

const AREA = 'workers: `spectask sync` by hand beside a claimant of the same clone';
const ITEMS = 8;
const CLAIM = 'refs/spectask/claims/000001';

describe('faults: workers on other machines — `spectask sync` by hand beside a claimant in the same clone', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  const claimants = {
    'spectask run --push': (clone: string) =>
      startLocalRun(clone, {
        marker,
        pauseMs: 1500,
        promptLog: path.join(tempDir('spectask-prompts-'), 'local.jsonl'),
        capImplementation: 1,
      }),
    'spectask worker': (clone: string) => startWorker(clone, { marker, pauseMs: 1500, leaseS: 60 }),
  };

  for (const [label, start] of Object.entries(claimants))
    it(`pushes nothing around \`${label}\`: ticks made after its claim was lost never reach the remote`, async () => {
      const { bare, rels, server } = await world.serve(1, ITEMS);
      const rel = rels[0];
      const local = cloneOf(server.url());
      const run = world.own(start(local));
      await untilPushedTicks(bare, rel, label, 1, CLAIM);
      // The claimant is held still (as by a long GC pause or a laptop lid) while its agent keeps ticking in the clone,
      // and another process takes its claim over meanwhile: every tick from now on is the lost claim's.
      process.kill(run.pid!, 'SIGSTOP');
      const stolen = stealClaim(bare);
      const [tasksAtSteal, recordAtSteal] = [
        remoteFile(bare, rel),
        remoteFile(bare, rel.replace('tasks.md', 'spectask.json')),
      ];
      const checklist = path.join(local, '.git-worktrees', DOCS, rel);
      const v: string[] = [];
      await until(
        'a tick in the clone after the claim was lost',
        60_000,
        () => ticked(fs.readFileSync(checklist, 'utf8')).size > ticked(tasksAtSteal).size,
      ).catch((e) => v.push((e as Error).message));
      // A person syncs by hand in the same clone: it commits those ticks and, before the fix, pushed them.
      const sync = execFileSync(process.execPath, [CLI, 'sync'], { cwd: local, env: GIT_ENV, encoding: 'utf8' });
      if (!sync.includes(`not pushed: the branch is pushed by the running claimant (${label}, pid ${run.pid})`))
        v.push(`the sync did not leave the push to the claimant: ${sync}`);
      if (remoteFile(bare, rel) !== tasksAtSteal)
        v.push(`the sync pushed ticks of the lost claim:\n${remoteFile(bare, rel)}`);
      // The claimant goes on, learns its claim is lost and stops its agent: still nothing of the task lands.
      process.kill(run.pid!, 'SIGCONT');
      await untilLostAndStopped(run, marker, v);
      await sleep(4_000);
      if (process.env.WORKERS_DEBUG) console.log(sync, run.output());
      run.kill('SIGKILL'); // it would wait for the other holder's claim: nothing more to see
      if (remoteRef(bare, CLAIM) !== stolen) v.push("the new holder's claim was overwritten");
      if (remoteFile(bare, rel) !== tasksAtSteal)
        v.push(`the checklist changed on the remote after the claim was lost:\n${remoteFile(bare, rel)}`);
      if (remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) !== recordAtSteal)
        v.push('the record changed on the remote after the claim was lost');
      recordFault(AREA, `\`spectask sync\` by hand while \`${label}\` lost its claim`, v);
      assert.deepEqual(v, []);
    });
});
