import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as path from 'node:path';
import { tempDir } from '../support/tempRepo';
import { recordFault } from './counters';
import { itemStates, sleep } from './faultHarness';
import {
  agentsOf,
  cloneOf,
  promptsIn,
  remoteFile,
  remoteRef,
  startLocalRun,
  stealClaim,
  until,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: a local orchestrator (pushToRemote) that loses or restarts with its claim';
const ITEMS = 8;
const CLAIM = 'refs/spectask/claims/000001';

describe('faults: workers on other machines — a local orchestrator with pushToRemote is fenced by its claim', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('once its claim is taken over it pushes nothing more of the task and stops its agent', async () => {
    const { bare, rels, server } = await world.serve(1, ITEMS);
    const rel = rels[0];
    const local = cloneOf(server.url());
    const log = path.join(tempDir('spectask-prompts-'), 'local.jsonl');
    const run = world.own(startLocalRun(local, { marker, pauseMs: 1500, promptLog: log, capImplementation: 1 }));
    const ticked = () => [...itemStates(remoteFile(bare, rel)).values()].filter((s) => s === 'x').length;
    await until('a pushed tick of the local run', 120_000, () => !!remoteRef(bare, CLAIM) && ticked() >= 1);
    const stolen = stealClaim(bare);
    const [tasksAtSteal, recordAtSteal] = [
      remoteFile(bare, rel),
      remoteFile(bare, rel.replace('tasks.md', 'spectask.json')),
    ];
    const v: string[] = [];
    await until('the local run to say it lost the claim', 60_000, () =>
      /lost the claim on SpecTask 000001/.test(run.output()),
    ).catch((e) => v.push(`${(e as Error).message}: ${run.output().slice(-2000)}`));
    await until("the local run's agent to stop", 60_000, () => agentsOf(marker).length === 0).catch((e) =>
      v.push((e as Error).message),
    );
    // The local run stays up a while longer (its store commits what its stopped run wrote): none of it may land.
    await sleep(4_000);
    if (process.env.WORKERS_DEBUG) console.log(run.output());
    if (remoteRef(bare, CLAIM) !== stolen) v.push("the new holder's claim was overwritten");
    if (remoteFile(bare, rel) !== tasksAtSteal)
      v.push(`the checklist changed on the remote after the claim was lost:\n${remoteFile(bare, rel)}`);
    const record = remoteFile(bare, rel.replace('tasks.md', 'spectask.json'));
    if (record !== recordAtSteal) v.push(`the record changed on the remote after the claim was lost: ${record}`);
    if (ticked() >= ITEMS) v.push('every item was done: the claim was taken too late to test anything');
    recordFault(AREA, 'claim taken over while `spectask run --push` ticks', v);
    assert.deepEqual(v, []);
  });

  it('a restarted `spectask run --push` takes its own claim back at once and resumes the task', async () => {
    const { bare, rels, texts, server } = await world.serve(1, ITEMS);
    const rel = rels[0];
    const local = cloneOf(server.url());
    const log = path.join(tempDir('spectask-prompts-'), 'local.jsonl');
    const first = world.own(startLocalRun(local, { marker, pauseMs: 700, promptLog: log, capImplementation: 1 }));
    const ticked = () => [...itemStates(remoteFile(bare, rel)).values()].filter((s) => s === 'x').length;
    await until('a pushed tick of the first run', 120_000, () => !!remoteRef(bare, CLAIM) && ticked() >= 1);
    first.kill('SIGKILL');
    await once(first, 'exit');
    for (const pid of agentsOf(marker)) process.kill(pid, 'SIGKILL');
    const claimOfFirst = remoteRef(bare, CLAIM);
    const prompts = promptsIn(log).length;
    // Its lease (60 s) is far from over: only knowing the claim as its own lets the restart go on now.
    const second = world.own(startLocalRun(local, { marker, pauseMs: 50, promptLog: log, capImplementation: 1 }));
    const [code] = (await once(second, 'exit')) as [number];
    if (process.env.WORKERS_DEBUG) console.log(first.output(), '\n----\n', second.output());
    const v: string[] = [];
    if (!claimOfFirst) v.push("the first run's claim was not on the remote when it was killed");
    if (code !== 0) v.push(`the restarted run exited ${code}: ${second.output().slice(-2000)}`);
    if (!/took back this clone's claim/.test(second.output()))
      v.push(`the restarted run did not take its claim back: ${second.output().slice(-2000)}`);
    const resumed = promptsIn(log).slice(prompts)[0] ?? '';
    if (!resumed.includes('your previous run was interrupted'))
      v.push(`the restarted run's agent did not get the resume prompt: ${resumed.slice(0, 300)}`);
    const final = itemStates(remoteFile(bare, rel));
    for (const t of texts) if (final.get(t) !== 'x') v.push(`item "${t}" not done on the remote`);
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
    if (remoteRef(bare, CLAIM)) v.push('the claim was not released');
    recordFault(AREA, '`spectask run --push` SIGKILLed mid-task and restarted', v);
    assert.deepEqual(v, []);
  });
});
