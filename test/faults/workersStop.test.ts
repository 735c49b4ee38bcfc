import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { GIT_ENV } from '../support/tempRepo';
import { recordFault } from './counters';
import {
  agentsOf,
  CLI,
  cloneOf,
  crash,
  remoteFile,
  remoteRef,
  remoteTicked,
  startWorker,
  untilPushedTicks,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: a person stops a remote run';
const ITEMS = 8;

/** The CLI in `cwd` as its own process (the person's laptop), with its exit code and output. */
function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: GIT_ENV }, (e, out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

describe('faults: workers on other machines — Stop on a run a worker holds', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it("the laptop sees the run with its worker's name; its Stop reaches the worker: agent stopped, task stopped with a reason, claim released", async () => {
    const { bare, rels, texts, server } = await world.serve(1, ITEMS);
    const [box, laptop] = [cloneOf(server.url()), cloneOf(server.url())];
    const rel = rels[0];
    const worker = world.own(startWorker(box, { marker, pauseMs: 1500, leaseS: 10, untilIdle: true }));
    const ticked = () => remoteTicked(bare, rel).size;
    await untilPushedTicks(bare, rel, 'the worker');
    const v: string[] = [];

    // The laptop's view: `spectask fleet --remote origin` fetches the claims and the branch.
    const view = await cli(laptop, 'fleet', '--json', '--remote', 'origin');
    const card =
      view.code === 0 ? JSON.parse(view.out).cards.find((c: { number: string }) => c.number === '000001') : undefined;
    if (!card) v.push(`no card on the laptop: ${view.code} ${view.err}`);
    else {
      if (!new RegExp(`:${worker.pid}$`).test(card.worker?.name ?? ''))
        v.push(`the card names ${JSON.stringify(card.worker)}, not the worker (pid ${worker.pid})`);
      if (card.phase !== 'implementing' || card.runLive !== true)
        v.push(`the card is ${card.phase}, live ${card.runLive}`);
      if (card.progress.done < 1) v.push(`the laptop sees no tick: ${JSON.stringify(card.progress)}`);
    }
    if (!/on worker \S+:\d+/.test((await cli(laptop, 'fleet', '--remote', 'origin')).out))
      v.push('the text view names no worker');

    const stop = await cli(laptop, 'stop', '1', '--remote', 'origin');
    if (stop.code !== 0 || !/stop requested: worker \S+ stops SpecTask 000001/.test(stop.out))
      v.push(`spectask stop: ${stop.code} ${stop.out} ${stop.err}`);
    const [code] = (await once(worker, 'exit')) as [number];
    if (process.env.WORKERS_DEBUG) console.log(worker.output());
    if (code !== 0) v.push(`the worker exited ${code}: ${worker.output().slice(-2000)}`);
    if (!/stop requested for SpecTask 000001 by [^;]+; stopping its agent/.test(worker.output()))
      v.push(`the worker did not say it obeyed: ${worker.output().slice(-2000)}`);
    if (agentsOf(marker).length) v.push(`agents still alive after the stop: ${agentsOf(marker).join(', ')}`);
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_stopped') v.push(`the task ended ${record.status}, not stopped`);
    const last = record.history?.at(-1);
    if (!last?.note) v.push(`the stop carries no reason: ${JSON.stringify(last)}`);
    if (ticked() >= texts.length) v.push('every item was done: the stop came too late to test anything');
    if (remoteRef(bare, 'refs/spectask/claims/000001')) v.push('the claim was not released');
    if (remoteRef(bare, 'refs/spectask/stops/000001')) v.push('the obeyed stop request was not deleted');

    const after = await cli(laptop, 'fleet', '--json', '--remote', 'origin');
    const stopped = JSON.parse(after.out).cards.find((c: { number: string }) => c.number === '000001');
    if (stopped?.phase !== 'stopped' || stopped.worker)
      v.push(`afterwards the laptop shows ${JSON.stringify(stopped)}`);
    recordFault(AREA, 'Stop from another clone while the worker ticks', v);
    assert.deepEqual(v, []);
  });

  it('a Stop sent to a worker that then loses its claim is obeyed by the worker that takes the task over', async () => {
    const { bare, rels, texts, server } = await world.serve(1, ITEMS);
    const [a, b, laptop] = [cloneOf(server.url()), cloneOf(server.url()), cloneOf(server.url())];
    const rel = rels[0];
    const workerA = world.own(startWorker(a, { marker, pauseMs: 1500, leaseS: 3 }));
    const ticked = () => remoteTicked(bare, rel).size;
    await untilPushedTicks(bare, rel, 'worker A');
    // A dies before it could read the request; the request names A (its claim is still on the remote).
    await crash(workerA, marker);
    const v: string[] = [];
    const stop = await cli(laptop, 'stop', '1', '--remote', 'origin');
    if (stop.code !== 0 || !new RegExp(`stops SpecTask 000001`).test(stop.out))
      v.push(`spectask stop: ${stop.code} ${stop.out} ${stop.err}`);
    const workerB = world.own(startWorker(b, { marker, pauseMs: 1500, leaseS: 3, untilIdle: true }));
    const [code] = (await once(workerB, 'exit')) as [number];
    if (process.env.WORKERS_DEBUG) console.log(workerB.output());
    if (code !== 0) v.push(`worker B exited ${code}: ${workerB.output().slice(-2000)}`);
    if (!/took over SpecTask 000001/.test(workerB.output())) v.push(`worker B did not take over: ${workerB.output()}`);
    if (!/stop requested for SpecTask 000001 by [^;]+; stopping its agent/.test(workerB.output()))
      v.push(`worker B did not obey the stop sent to A: ${workerB.output().slice(-2000)}`);
    if (agentsOf(marker).length) v.push(`agents still alive after the stop: ${agentsOf(marker).join(', ')}`);
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_stopped') v.push(`the task ended ${record.status}, not stopped`);
    if (ticked() >= texts.length) v.push('every item was done: the stop was not passed on');
    if (remoteRef(bare, 'refs/spectask/claims/000001')) v.push('the claim was not released');
    if (remoteRef(bare, 'refs/spectask/stops/000001')) v.push('the obeyed stop request was not deleted');
    recordFault(AREA, 'Stop sent to a worker killed before it read it; the taker obeys', v);
    assert.deepEqual(v, []);
  });
});
