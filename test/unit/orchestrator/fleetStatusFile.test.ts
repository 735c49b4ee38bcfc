import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processIdentity } from '../../../src/core/agents/processTree';
import { Emitter } from '../../../src/core/lifecycle';
import {
  fleetStatusDir,
  FleetStatusPublisher,
  readLiveStatuses,
  type FleetStatusFile,
} from '../../../src/core/orchestrator/fleetStatusFile';
import type { FleetSnapshot } from '../../../src/protocol/fleet';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeCleanRepo, tempDir } from '../../support/tempRepo';
import { runCli as cli } from '../cli/runCli';

/** A process that stays alive until killed: the "running `spectask run`" whose status file the CLI reads. */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child;
}

async function writeStatus(
  commonDir: string,
  pid: number,
  body: Omit<Partial<FleetStatusFile>, 'snapshot'> & { snapshot: unknown },
) {
  const dir = fleetStatusDir(commonDir);
  fs.mkdirSync(dir, { recursive: true });
  const full = {
    v: 1,
    pid,
    processStart: (await processIdentity(pid))?.startTime ?? '',
    writtenAt: Date.now(),
    ...body,
  };
  fs.writeFileSync(path.join(dir, `${pid}.json`), JSON.stringify(full));
}

describe('the fleet status file: a running process shares its live view with `spectask fleet` (issue 17)', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });
  after(cleanupTemp);

  async function repoWithQueuedTask() {
    const repo = makeCleanRepo();
    assert.equal((await cli(repo, 'create', 'Add a greeting', '--prompt', 'Say hello')).code, 0);
    assert.equal((await cli(repo, 'start', '1')).code, 0);
    const commonDir = path.resolve(repo, git(repo, 'rev-parse', '--git-common-dir'));
    const fromFiles = JSON.parse((await cli(repo, 'fleet', '--json')).out) as FleetSnapshot;
    return { repo, commonDir, fromFiles };
  }

  const liveView = (s: FleetSnapshot): FleetSnapshot => ({
    ...s,
    cards: s.cards.map((c) => ({
      ...c,
      queueReason: 'planning slots full (1/1)',
      backend: 'claude-cli',
      lastActivity: 'Read requirements.md',
    })),
  });

  it("`spectask fleet --json` shows a running process's queue reasons, activity and back-end", async () => {
    const { repo, commonDir, fromFiles } = await repoWithQueuedTask();
    assert.equal(fromFiles.cards[0].queueReason, undefined, 'alone, only the files speak: no queue reason');
    const writer = await liveProcess();
    children.push(writer);
    await writeStatus(commonDir, writer.pid!, { snapshot: liveView(fromFiles) });
    const card = JSON.parse((await cli(repo, 'fleet', '--json')).out).cards[0];
    assert.equal(card.queueReason, 'planning slots full (1/1)');
    assert.equal(card.backend, 'claude-cli');
    assert.equal(card.lastActivity, 'Read requirements.md');
    assert.equal(card.phase, 'queued', 'the phase still comes from the files');
    assert.match((await cli(repo, 'fleet')).out, /planning slots full/);
  });

  it('a file left by a process that ended (or whose pid was reused) is ignored', async () => {
    const { repo, commonDir, fromFiles } = await repoWithQueuedTask();
    const writer = await liveProcess();
    children.push(writer);
    await writeStatus(commonDir, writer.pid!, { snapshot: liveView(fromFiles) });
    writer.kill('SIGKILL');
    await once(writer, 'exit');
    assert.equal(JSON.parse((await cli(repo, 'fleet', '--json')).out).cards[0].queueReason, undefined);
    // A live pid with another start time: a later process that reused the number, not the writer.
    await writeStatus(commonDir, process.pid, { snapshot: liveView(fromFiles), processStart: '1' });
    assert.deepEqual(await readLiveStatuses(commonDir), []);
  });

  it('a hostile file is rejected: wrong types, a mismatched name, a symbolic link', async () => {
    const { commonDir, fromFiles } = await repoWithQueuedTask();
    const writer = await liveProcess();
    children.push(writer);
    const pid = writer.pid!;
    const hostileCard = { ...fromFiles.cards[0], lastActivity: { toString: 'x' }, title: 7 };
    await writeStatus(commonDir, pid, { snapshot: { ...fromFiles, cards: [hostileCard] } });
    assert.deepEqual(await readLiveStatuses(commonDir), [], 'a card field of the wrong type');
    await writeStatus(commonDir, pid, { snapshot: liveView(fromFiles), v: 2 as 1 });
    assert.deepEqual(await readLiveStatuses(commonDir), [], 'another version');
    await writeStatus(commonDir, pid, { snapshot: liveView(fromFiles) });
    assert.equal((await readLiveStatuses(commonDir)).length, 1, 'the same file, well-formed, is read');
    const dir = fleetStatusDir(commonDir);
    fs.renameSync(path.join(dir, `${pid}.json`), path.join(dir, '1.json'));
    assert.deepEqual(await readLiveStatuses(commonDir), [], "its name is not its writer's pid");
    const target = path.join(tempDir('spectask-status-'), 'elsewhere.json');
    fs.renameSync(path.join(dir, '1.json'), target);
    fs.symlinkSync(target, path.join(dir, `${pid}.json`));
    assert.deepEqual(await readLiveStatuses(commonDir), [], 'a symbolic link is not followed');
  });

  it('the publisher writes on change (a burst once), atomically, and removes its file on dispose', async () => {
    const commonDir = tempDir('spectask-status-');
    const changed = track(new Emitter<void>());
    let built = 0;
    let n = 0;
    const snapshot = (): FleetSnapshot => (
      built++,
      { generatedAt: ++n, cards: [], counts: {} as FleetSnapshot['counts'] }
    );
    const publisher = track(new FleetStatusPublisher(commonDir, snapshot, changed.event, 10_000));
    for (let i = 0; i < 10; i++) changed.fire();
    const file = path.join(fleetStatusDir(commonDir), `${process.pid}.json`);
    for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
    await publisher.flush();
    const [mine] = await readLiveStatuses(commonDir);
    assert.equal(mine.pid, process.pid);
    assert.equal(built, 2, 'a burst of ten changes is one write (and one flush)');
    assert.deepEqual(fs.readdirSync(fleetStatusDir(commonDir)), [`${process.pid}.json`], 'no temporary file left');
    changed.fire(); // within the interval: waits for it, and dispose cancels it
    publisher.dispose();
    assert.equal(fs.existsSync(file), false);
    assert.equal(built, 2);
  });
});
