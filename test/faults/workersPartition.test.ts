import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { git } from '../support/tempRepo';
import { recordFault } from './counters';
import { sleep } from './faultHarness';
import {
  agentsOf,
  cloneOf,
  finishedAfterTakeover,
  remoteFile,
  remoteRef,
  remoteTicked,
  startWorker,
  until,
  untilPushedTicks,
  useWorkersWorld,
} from './workersWorld';

const AREA = 'workers: partitioned mid-task, healed after its lease expired';
const ITEMS = 10;

/** A network namespace joined to this host by a veth pair: the partitioned worker's own machine. */
interface Netns {
  name: string;
  hostIp: string;
  cut(): void;
  heal(): void;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** Creates the namespace, or returns why it cannot (not root, no `ip`, a container without CAP_NET_ADMIN). */
function makeNetns(): Netns | string {
  const tag = randomBytes(3).toString('hex');
  const name = `spt-${tag}`;
  const [hostIf, nsIf] = [`spth${tag}`, `sptn${tag}`];
  const subnet = `10.213.${parseInt(tag.slice(0, 2), 16)}`;
  try {
    ip('netns', 'add', name);
  } catch (e) {
    return `network namespaces are not allowed here (ip netns add: ${(e as Error).message.split('\n')[0]})`;
  }
  const remove = () => {
    for (const args of [
      ['link', 'del', hostIf],
      ['netns', 'del', name],
    ])
      try {
        ip(...args);
      } catch {
        /* already gone */
      }
  };
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${subnet}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${subnet}.2/30`, 'dev', nsIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (e) {
    remove();
    return `could not wire a veth pair into the namespace: ${(e as Error).message.split('\n')[0]}`;
  }
  return {
    name,
    hostIp: `${subnet}.1`,
    cut: () => ip('link', 'set', hostIf, 'down'),
    heal: () => ip('link', 'set', hostIf, 'up'),
    remove,
  };
}

describe('faults: workers on other machines — a worker cut off by the network', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const [markerA, markerB] = [world.marker, world.extraMarker()];

  it('its agent stops within its lease, another worker resumes, and nothing it did afterwards reaches the remote', async function () {
    const made = process.platform === 'linux' ? makeNetns() : 'network namespaces exist on Linux only';
    if (typeof made === 'string') {
      console.log(`    skipped: ${made}`);
      this.skip();
    }
    const netns = made;
    world.onCleanup(() => netns.remove());
    const { bare, rels, texts, server } = await world.serve(1, ITEMS, { listen: ['127.0.0.1', netns.hostIp] });
    const a = cloneOf(server.url(netns.hostIp));
    const b = cloneOf(server.url());
    const rel = rels[0];
    const workerA = world.own(
      startWorker(a, { marker: markerA, pauseMs: 700, leaseS: 3, wrap: ['ip', 'netns', 'exec', netns.name] }),
    );
    await untilPushedTicks(bare, rel, 'worker A', 2);
    netns.cut();
    const cutAt = Date.now();
    const tickedAtCut = remoteTicked(bare, rel);
    // Cut off, A cannot renew: it must stop its agent by itself, before anyone may take over.
    await until("worker A's agent to stop", 30_000, () => agentsOf(markerA).length === 0).catch((e) => {
      throw new Error(`${(e as Error).message}; worker A said: ${workerA.output().slice(-3000)}`);
    });
    const stoppedAfter = Date.now() - cutAt;
    const workerB = world.own(startWorker(b, { marker: markerB, pauseMs: 50, leaseS: 3, untilIdle: true }));
    await until('worker B to take over', 60_000, () => /took over SpecTask 000001/.test(workerB.output()));
    netns.heal();
    const [code] = (await once(workerB, 'exit')) as [number];
    // A is back on the network for a while: it must not push anything more.
    const headAfterB = remoteRef(bare, 'refs/heads/helix-design-docs');
    await sleep(4_000);
    const v: string[] = [];
    if (code !== 0) v.push(`worker B exited ${code}: ${workerB.output().slice(-1500)}`);
    if (!/lost the claim on SpecTask 000001/.test(workerA.output()))
      v.push(`worker A never said it lost its claim: ${workerA.output().slice(-1500)}`);
    if (stoppedAfter > 3_000) v.push(`worker A's agent ran ${stoppedAfter} ms after the cut, beyond its 3 s lease`);
    if (remoteRef(bare, 'refs/heads/helix-design-docs') !== headAfterB)
      v.push('the design-docs branch moved after worker B finished: worker A pushed after losing its claim');
    v.push(...finishedAfterTakeover(bare, rel, texts, tickedAtCut, 'cut'));
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
    if (remoteRef(bare, 'refs/spectask/claims/000001')) v.push('the claim was not released');
    git(a, 'status', '--porcelain'); // A's clone is still a sound repository
    recordFault(AREA, 'worker cut off (veth down) after 2 pushed ticks; healed after the takeover', v);
    assert.deepEqual(v, []);
  });
});
