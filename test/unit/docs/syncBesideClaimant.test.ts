import { syncJson } from '../../../src/cli/jsonShapes';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processIdentity } from '../../../src/core/agents/processTree';
import {
  claimantsDir,
  commonDirOf,
  describeThisProcess,
  markClaimant,
  otherLiveClaimants,
  parseClaimantRecord,
  type ClaimantRecord,
} from '../../../src/core/docs/claimantPresence';
import { describeSync } from '../../../src/vscode/commands/syncMessage';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { BRANCH, world, type World } from '../../support/syncWorld';
import { cleanupTemp, git } from '../../support/tempRepo';

// Issue 23, fencing: a claimant (`spectask run --push`, `spectask worker`, VS Code with spectask.pushToRemote)
// publishes its clone's branch itself, each push leased on its claims. `spectask sync` by hand in that clone, or
// Sync Design Docs in a window without claims (its store does not push: pushToRemote off), used to push the branch
// as a process without claims — carrying commits of a task whose claim the claimant had lost.
describe('design-docs sync beside a claimant in another process of the clone', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  after(cleanupTemp);

  /** A real second process, recorded as the clone's claimant the way markClaimant records its own process. */
  async function liveClaimant(w: World, label = 'spectask run --push'): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    const id = await processIdentity(child.pid!);
    assert.ok(id, 'the claimant process runs');
    const record: ClaimantRecord = { v: 1, pid: child.pid!, processStart: id.startTime, label };
    fs.mkdirSync(claimantsDir(commonDirOf(w.wt)), { recursive: true });
    fs.writeFileSync(path.join(claimantsDir(commonDirOf(w.wt)), `${child.pid}.json`), JSON.stringify(record));
    return child;
  }

  /** Our unpushed commit and a teammate's pushed one: a sync has something to integrate and something to push. */
  function diverge(w: World): string {
    fs.writeFileSync(path.join(w.wt, 'ours.md'), 'ours\n');
    git(w.wt, 'add', 'ours.md');
    git(w.wt, 'commit', '-qm', 'ours');
    return w.teammate({ 'theirs.md': 'theirs\n' });
  }

  it('a window without claims integrates only and names the claimant that pushes', async () => {
    const w = track(await world({ push: false })); // a VS Code window with spectask.pushToRemote off
    const claimant = await liveClaimant(w);
    const theirs = diverge(w);
    const r = await w.dd.sync.sync();
    assert.equal(r.pushed, false);
    assert.deepEqual(r.pushedByClaimant, { pid: claimant.pid, label: 'spectask run --push' });
    assert.deepEqual(syncJson(r).pushedByClaimant, { pid: claimant.pid, label: 'spectask run --push' }, '--json too');
    assert.equal(git(w.bare, 'rev-parse', BRANCH), theirs, 'nothing was pushed around the claimant');
    assert.equal(r.replayed, 1, 'the teammate’s commit is integrated under ours, for the claimant to push');
    assert.ok(fs.existsSync(path.join(w.wt, 'theirs.md')));
    assert.match(
      describeSync(r),
      new RegExp(
        `Not pushed from this window: the branch is pushed by the running claimant \\(spectask run --push, pid ${claimant.pid}\\)`,
      ),
    );
  });

  it('pushes again once the claimant is gone (its record is stale), and ignores a record of a reused pid', async () => {
    const w = track(await world({ push: false }));
    const claimant = await liveClaimant(w);
    claimant.kill('SIGKILL');
    await once(claimant, 'exit');
    // This very process, recorded with another start time: a later process that reused a claimant's pid.
    const reused: ClaimantRecord = { v: 1, pid: process.ppid, processStart: '1', label: 'VS Code' };
    fs.writeFileSync(path.join(claimantsDir(commonDirOf(w.wt)), `${process.ppid}.json`), JSON.stringify(reused));
    diverge(w);
    const r = await w.dd.sync.sync();
    assert.equal(r.pushedByClaimant, undefined);
    assert.equal(syncJson(r).pushedByClaimant, null);
    assert.equal(r.pushed, true);
    assert.equal(git(w.bare, 'rev-parse', BRANCH), git(w.wt, 'rev-parse', 'HEAD'));
  });

  it('a claimant in this process records itself while it publishes, and removes the record when it hands back', async () => {
    const w = track(await world({ push: false }));
    const own = path.join(claimantsDir(commonDirOf(w.wt)), `${process.pid}.json`);
    const handBack = w.dd.sync.publishThrough(async () => undefined);
    const record = parseClaimantRecord(fs.readFileSync(own, 'utf8'));
    assert.equal(record?.pid, process.pid);
    assert.equal(record?.processStart, (await processIdentity(process.pid))?.startTime);
    assert.deepEqual(await otherLiveClaimants(commonDirOf(w.wt)), [], 'its own process is not another claimant');
    handBack.dispose();
    assert.equal(fs.existsSync(own), false);
  });

  it('reads only records it wrote itself, and labels the process that writes one', async () => {
    const w = track(await world({ push: false }));
    const dir = claimantsDir(commonDirOf(w.wt));
    assert.equal(markClaimant(commonDirOf(w.wt), 'spectask worker'), true);
    const child = await liveClaimant(w);
    fs.writeFileSync(
      path.join(dir, `${child.pid}.json`),
      JSON.stringify({ v: 1, pid: child.pid, processStart: '', label: 'x\u001b[31m' }),
    );
    fs.symlinkSync(path.join(dir, `${process.pid}.json`), path.join(dir, '1.json'));
    assert.deepEqual(await otherLiveClaimants(commonDirOf(w.wt)), []);
    assert.equal(parseClaimantRecord('{"v":1,"pid":-3,"processStart":"","label":"a"}'), undefined);
    assert.equal(describeThisProcess(['node', '/usr/bin/spectask', 'run', '--push']), 'spectask run --push');
    assert.equal(describeThisProcess(['node', '/x/dist/cli.js', 'worker', '--lease', '5']), 'spectask worker');
    assert.equal(
      describeThisProcess(['node', '/x/bootstrap-fork'], {
        VSCODE_ESM_ENTRYPOINT: 'vs/workbench/api/node/extensionHostProcess',
      }),
      'VS Code',
    );
    assert.equal(describeThisProcess(['node', '/x/mocha', 'run'], {}), 'a SpecTask process');
  });
});
