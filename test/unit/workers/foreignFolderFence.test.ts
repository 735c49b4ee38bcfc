import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commonDirOf } from '../../../src/core/docs/claimantPresence';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { GitCommandRunner } from '../../../src/core/git/gitCommand';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { PHASES } from '../../../src/core/orchestrator/phases';
import type { SpecTaskStatus } from '../../../src/core/orchestrator/statusMachine';
import { ClaimClient, newWorkerIdentity } from '../../../src/core/workers/claimClient';
import { FencedPublisher } from '../../../src/core/workers/fencedPublisher';
import { AGENT_STATUSES, fenceInQueue } from '../../../src/core/workers/foreignFolderFence';
import { persistentHolderId } from '../../../src/core/workers/holderId';
import { LeaseKeeper } from '../../../src/core/workers/leaseKeeper';
import { RemoteRefs } from '../../../src/core/workers/remoteRefs';
import { publishFenced } from '../../../src/core/workers/workerPublish';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { BRANCH, world, type World } from '../../support/syncWorld';
import { cleanupTemp, git, GIT_ENV } from '../../support/tempRepo';
import { clientIn } from './remoteWorld';

const ONE = 'design/tasks/000001_login';
const TWO = 'design/tasks/000002_search';

function folder(number: number, title: string, status: SpecTaskStatus): Record<string, string> {
  const dir = number === 1 ? ONE : TWO;
  const record = { ...newSpecTaskRecord({ number, title }), status };
  return {
    [`${dir}/spectask.json`]: `${JSON.stringify(record, null, 2)}\n`,
    [`${dir}/tasks.md`]: `# Implementation Tasks: ${title}\n\n- [ ] one\n- [ ] two\n`,
    [`${dir}/design.md`]: `# Design: ${title}\n`,
  };
}

const remoteFile = (w: World, rel: string) =>
  execFileSync('git', ['--git-dir', w.bare, 'show', `${BRANCH}:${rel}`], { env: GIT_ENV, encoding: 'utf8' });
const localFile = (w: World, rel: string) => fs.readFileSync(path.join(w.wt, rel), 'utf8');

/** Writes files in our design-docs worktree and commits them (what a claimant's store commits). */
function commitHere(w: World, files: Record<string, string>, message = 'ours'): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(w.wt, rel)), { recursive: true });
    fs.writeFileSync(path.join(w.wt, rel), text);
  }
  git(w.wt, 'add', '-A');
  git(w.wt, 'commit', '-qm', message);
}

/** A world whose remote holds SpecTask 1 (implementing) and 2 (in spec review), integrated here; a claimant ran here. */
async function seeded(
  track: <T extends { dispose(): void }>(t: T) => T,
  push = false,
): Promise<World & { holder: string }> {
  const w = track(await world({ push }));
  w.teammate({ ...folder(1, 'Login', 'implementation'), ...folder(2, 'Search', 'spec_review') }, 'two tasks');
  await w.dd.sync.sync();
  const holder = persistentHolderId(commonDirOf(w.wt));
  assert.ok(holder);
  return Object.assign(w, { holder });
}

// Issue 23, the content-level fence: whatever process pushes the design-docs branch, the folders of tasks whose
// claim another holds are put back as the remote has them first, derived from the branch and the remote's claims.
describe('foreignFolderFence: folders whose claim another holds never reach the remote', function () {
  this.timeout(60_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('`spectask sync` after a claimant of this clone lost its claim: the task is put back, the rest is pushed', async () => {
    const w = await seeded(track);
    const remoteTasks = remoteFile(w, `${ONE}/tasks.md`);
    assert.ok(await clientIn(w.peer, 60_000).claim('000001'), 'another clone took the claim over');
    // The killed claimant's ticks, and a person's edit of another task; hostile names in the diff are ignored.
    commitHere(w, {
      [`${ONE}/tasks.md`]: remoteTasks.replace('- [ ] one', '- [x] one'),
      [`${TWO}/design.md`]: '# Design: Search\n\nEdited by a person.\n',
      'design/tasks/--output=x/tasks.md': 'not a task\n',
      'design/tasks/000003_Bad Name/tasks.md': 'not a task\n',
    });
    const r = await w.dd.sync.sync();
    assert.equal(r.pushed, true);
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), remoteTasks, 'nothing of the lost claim reached the remote');
    assert.equal(localFile(w, `${ONE}/tasks.md`), remoteTasks, 'put back here too');
    assert.match(remoteFile(w, `${TWO}/design.md`), /Edited by a person/);
    assert.equal(remoteFile(w, 'design/tasks/--output=x/tasks.md'), 'not a task\n');
    assert.match(
      git(w.wt, 'log', '-1', '--format=%B'),
      /put back as the remote has it: SpecTask 000001 \(its claim is held by test-host/,
    );
  });

  it("a store's own push after a commit (`spectask approve --push`) puts a folder another's claim holds back first", async () => {
    const w = await seeded(track, true);
    const remoteTasks = remoteFile(w, `${ONE}/tasks.md`);
    assert.ok(await clientIn(w.peer, 60_000).claim('000001'));
    fs.writeFileSync(path.join(w.wt, `${ONE}/tasks.md`), remoteTasks.replace('- [ ] one', '- [x] one'));
    const before = git(w.bare, 'rev-parse', BRANCH);
    await w.dd.store.commitFolder('000001', 'a killed claimant left this');
    await w.registry.forRepo(w.repo).enqueue('after the push', async () => undefined); // it pushes after resolving
    assert.deepEqual(w.failures, []);
    assert.notEqual(git(w.bare, 'rev-parse', BRANCH), before, 'the store pushed');
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), remoteTasks);
  });

  it("a claim held by another process of this clone is this clone's: its folder is pushed", async () => {
    const w = await seeded(track);
    const runner = new GitRunner(w.repo, 'git', undefined, undefined, new GitCommandRunner());
    const sibling = newWorkerIdentity(os.hostname(), process.pid + 1, new Date(), w.holder);
    assert.ok(await new ClaimClient(new RemoteRefs(runner, 'origin'), sibling, 60_000).claim('000001'));
    const ticked = remoteFile(w, `${ONE}/tasks.md`).replace('- [ ] one', '- [x] one');
    commitHere(w, { [`${ONE}/tasks.md`]: ticked });
    await w.dd.sync.sync();
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), ticked);
  });

  it("a claim released after a takeover finished the task: a killed claimant's old ticks do not land, a person's design edit does", async () => {
    const w = await seeded(track);
    // Taken over, finished and released elsewhere: the remote moved the task on, and no claim is left.
    const finished = folder(1, 'Login', 'implementation_review');
    finished[`${ONE}/tasks.md`] = finished[`${ONE}/tasks.md`].replaceAll('- [ ]', '- [x]');
    w.teammate({
      [`${ONE}/spectask.json`]: finished[`${ONE}/spectask.json`],
      [`${ONE}/tasks.md`]: finished[`${ONE}/tasks.md`],
    });
    const stale = folder(1, 'Login', 'implementation_failed');
    commitHere(w, {
      [`${ONE}/spectask.json`]: stale[`${ONE}/spectask.json`],
      [`${ONE}/tasks.md`]: localFile(w, `${ONE}/tasks.md`).replace('- [ ] two', '- [~] two'),
      [`${ONE}/design.md`]: '# Design: Login\n\nA person noted this.\n',
    });
    await w.dd.sync.sync();
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), finished[`${ONE}/tasks.md`]);
    assert.equal(remoteFile(w, `${ONE}/spectask.json`), finished[`${ONE}/spectask.json`]);
    assert.match(remoteFile(w, `${ONE}/design.md`), /A person noted this/);
  });

  it("a person's own edits without a claim are pushed: approving a spec while a teammate edits it", async () => {
    const w = await seeded(track);
    w.teammate({ [`${TWO}/requirements.md`]: '# Requirements: Search\n' });
    const approved = folder(2, 'Search', 'spec_approved')[`${TWO}/spectask.json`];
    commitHere(w, { [`${TWO}/spectask.json`]: approved });
    await w.dd.sync.sync();
    assert.equal(remoteFile(w, `${TWO}/spectask.json`), approved);
    assert.equal(remoteFile(w, `${TWO}/requirements.md`), '# Requirements: Search\n');
  });

  it('a claimant holding no claim (a second claimant of the clone) pushes nothing of a folder another holds', async () => {
    const w = await seeded(track);
    const remoteTasks = remoteFile(w, `${ONE}/tasks.md`);
    assert.ok(await clientIn(w.peer, 60_000).claim('000001'));
    commitHere(w, { [`${ONE}/tasks.md`]: remoteTasks.replace('- [ ] one', '- [x] one') });
    const runner = new GitRunner(w.repo, 'git', undefined, undefined, new GitCommandRunner());
    const refs = new RemoteRefs(runner, 'origin');
    const identity = newWorkerIdentity(os.hostname(), process.pid, new Date(), w.holder);
    const keeper = track(new LeaseKeeper(new ClaimClient(refs, identity, 60_000)));
    const queue = w.registry.forRepo(w.repo);
    const publisher = new FencedPublisher({
      keeper,
      refs,
      git: runner,
      sync: w.dd.sync,
      branch: BRANCH,
      ready: async () => true,
      fence: () => fenceInQueue(queue, { worktreePath: w.wt, branch: BRANCH, remote: 'origin', identity }),
      losses: () => 0,
      disposed: () => false,
      log: () => undefined,
    });
    const before = git(w.bare, 'rev-parse', BRANCH);
    await publisher.publishNow();
    assert.notEqual(git(w.bare, 'rev-parse', BRANCH), before, 'it pushed');
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), remoteTasks);
  });

  it("a worker's publish: a claim taken over between its sync and its push is fenced by the push's own check", async () => {
    const w = await seeded(track);
    const remoteTasks = remoteFile(w, `${ONE}/tasks.md`);
    const runner = new GitRunner(w.repo, 'git', undefined, undefined, new GitCommandRunner());
    const refs = new RemoteRefs(runner, 'origin');
    const identity = newWorkerIdentity(os.hostname(), process.pid, new Date(), w.holder);
    const client = new ClaimClient(refs, identity, 60_000);
    const keeper = track(new LeaseKeeper(client));
    const held = await client.claim('000002');
    assert.ok(held);
    keeper.hold(held, performance.now());
    commitHere(w, {
      [`${ONE}/tasks.md`]: remoteTasks.replace('- [ ] one', '- [x] one'),
      [`${TWO}/design.md`]: '# Design: Search\n\nThe worker wrote this.\n',
    });
    const queue = w.registry.forRepo(w.repo);
    let stolen = false;
    const result = await publishFenced(
      {
        keeper,
        refs,
        docsBranch: BRANCH,
        resync: async () => {
          await w.dd.sync.sync({ push: false });
          // Taken over right after the sync read the claims: only the push's own fence sees it.
          if (!stolen) stolen = !!(await clientIn(w.peer, 60_000).claim('000001'));
        },
        ready: async () => true,
        fence: () =>
          fenceInQueue(queue, {
            worktreePath: w.wt,
            branch: BRANCH,
            remote: 'origin',
            identity,
            holds: (t) => keeper.holds(t),
          }),
      },
      [],
    );
    assert.equal(result.kind, 'pushed');
    assert.ok(stolen);
    assert.equal(remoteFile(w, `${ONE}/tasks.md`), remoteTasks);
    assert.match(remoteFile(w, `${TWO}/design.md`), /The worker wrote this/);
  });

  it("judges our side only: the remote's own changes to a folder another holds put nothing back", async () => {
    const w = await seeded(track);
    assert.ok(await clientIn(w.peer, 60_000).claim('000001'));
    w.teammate({ [`${ONE}/tasks.md`]: '# Implementation Tasks: Login\n\n- [x] one\n- [ ] two\n' }, 'their tick');
    git(w.wt, 'fetch', '-q', 'origin', `+${BRANCH}:refs/remotes/origin/${BRANCH}`); // read, not integrated yet
    commitHere(w, { [`${TWO}/design.md`]: '# Design: Search\n\nOurs.\n' });
    const head = git(w.wt, 'rev-parse', 'HEAD');
    const fence = { worktreePath: w.wt, branch: BRANCH, remote: 'origin' };
    assert.deepEqual(await fenceInQueue(w.registry.forRepo(w.repo), fence), []);
    assert.equal(git(w.wt, 'rev-parse', 'HEAD'), head, 'no commit');
  });

  it("a claim whose record cannot be read (hostile or foreign) is another's", async () => {
    const w = await seeded(track);
    const remoteTasks = remoteFile(w, `${ONE}/tasks.md`);
    const junk = git(w.peer, 'commit-tree', git(w.peer, 'rev-parse', 'HEAD^{tree}'), '-m', 'spectask claim {"v":1}');
    git(w.peer, 'push', '-q', 'origin', `${junk}:refs/spectask/claims/000001`);
    commitHere(w, { [`${ONE}/tasks.md`]: remoteTasks.replace('- [ ] one', '- [x] one') });
    const fenced = await fenceInQueue(w.registry.forRepo(w.repo), {
      worktreePath: w.wt,
      branch: BRANCH,
      remote: 'origin',
    });
    assert.deepEqual(
      fenced.map((f) => [f.task, f.reason]),
      [['000001', 'its claim is held by an unreadable claim']],
    );
    assert.equal(localFile(w, `${ONE}/tasks.md`), remoteTasks);
  });

  it('knows the statuses an agent works in (those of orchestrator/phases.ts)', () => {
    assert.deepEqual(
      [...AGENT_STATUSES].sort(),
      Object.values(PHASES)
        .map((p) => p.status)
        .sort(),
    );
  });
});
