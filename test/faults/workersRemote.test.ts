import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordFault } from './counters';
import { itemStates } from './faultHarness';
import { cloneOf, remoteFile, remoteItemCommits, remoteRef, startWorker, useWorkersWorld } from './workersWorld';

const AREA = 'workers: a slow remote that refuses pushes';
const ITEMS = 6;

describe('faults: workers on other machines — the remote is slow and refuses pushes (pre-receive hook)', function () {
  this.timeout(300_000);
  const world = useWorkersWorld();
  const marker = world.marker;

  it('every refused push is retried fenced, and the task still ends consistent on the remote', async () => {
    let counter = '';
    const { bare, rels, texts, server } = await world.serve(1, ITEMS, {
      // The SERVER's hook: every push waits 300 ms, and every third one is refused.
      prepare: (dir) => {
        counter = path.join(dir, 'push-count');
        fs.writeFileSync(
          path.join(dir, 'hooks', 'pre-receive'),
          `#!/bin/sh\ncat >/dev/null\nsleep 0.3\nn=$(($(cat '${counter}' 2>/dev/null || echo 0) + 1))\necho $n > '${counter}'\nif [ $((n % 3)) -eq 0 ]; then echo "policy: push $n refused" >&2; exit 1; fi\n`,
          { mode: 0o755 },
        );
      },
    });
    const clone = cloneOf(server.url());
    const worker = world.own(startWorker(clone, { marker, pauseMs: 300, leaseS: 5, untilIdle: true }));
    const [code] = (await once(worker, 'exit')) as [number];
    const rel = rels[0];
    const v: string[] = [];
    if (code !== 0) v.push(`the worker exited ${code}: ${worker.output().slice(-1500)}`);
    const pushes = Number(fs.readFileSync(counter, 'utf8'));
    if (pushes < 3) v.push(`only ${pushes} pushes reached the hook: no refusal was exercised`);
    const final = itemStates(remoteFile(bare, rel));
    for (const t of texts) if (final.get(t) !== 'x') v.push(`item "${t}" not done on the remote`);
    const commits = remoteItemCommits(bare, 'spectask/000001-remote-task-1');
    for (const t of texts) {
      const n = [...commits].filter(([s]) => s.includes(t)).reduce((sum, [, c]) => sum + c, 0);
      if (n !== 1) v.push(`item "${t}" has ${n} commits on the remote's task branch`);
    }
    const record = JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json')) || '{}');
    if (record.status !== 'implementation_review') v.push(`the task ended ${record.status}, not in review`);
    if (remoteRef(bare, 'refs/spectask/claims/000001')) v.push('the claim was not released');
    recordFault(AREA, `${pushes} pushes, every third refused, each 300 ms slow`, v);
    assert.deepEqual(v, []);
  });
});
