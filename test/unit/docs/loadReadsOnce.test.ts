// Issue 24: loading a fleet read every SpecTask folder three times (the watcher's first scan, a listing, and a
// `get` of each). Now the first scan reads each document once and hands the orchestrator's first listing what it
// read; later listings read each folder once. The file opens are counted, async ones included.
import { filesOpened } from '../../support/fileOpens'; // first: it must wrap fs.open before noFollow.ts loads
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DesignDocsWatcher, type DesignDocsEvent } from '../../../src/core/docs/designDocsWatcher';
import { MAX_DOCUMENT_BYTES, readBranchFile } from '../../../src/core/docs/noFollow';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import type { SpecTaskDetails } from '../../../src/core/docs/specTaskReader';
import { loginDetails } from '../../support/loginDetails';
import { newSpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import type { SpecTaskStore } from '../../../src/core/docs/specTaskStore';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { TaskBook } from '../../../src/core/orchestrator/taskBook';
import { FleetStore } from '../../../src/core/store/fleetStore';
import { openOrchestratorHarness, type OrchestratorHarness } from '../../support/orchestratorHarness';
import { ReplayBackend } from '../../support/replayBackend';
import { cleanupTemp, git, makeCleanRepo } from '../../support/tempRepo';

const DOCUMENTS = ['design.md', 'progress.md', 'requirements.md', 'spectask.json', 'tasks.md'];

/** A repository with `titles` as SpecTasks (made by the store, committed), and its design-docs worktree. */
async function fleetRepo(titles: string[]): Promise<{ repo: string; worktree: string; folders: string[] }> {
  const repo = makeCleanRepo();
  const registry = new GitQueueRegistry();
  const dd = await openDesignDocs(repo, { registry });
  const folders: string[] = [];
  for (const title of titles) folders.push((await dd.store.create({ title })).folder);
  await registry.forRepo(dd.repo.root).whenIdle();
  dd.store.dispose();
  registry.dispose();
  return { repo, worktree: dd.location.worktreePath, folders };
}

/** Opens per file below `design/tasks`, as `<folder>/<document>` → count. */
function opensPerDocument(opened: string[], worktree: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of opened) {
    const rel = path.relative(worktree, p).split(path.sep).join('/');
    if (rel.startsWith('design/tasks/')) counts.set(rel, (counts.get(rel) ?? 0) + 1);
  }
  return counts;
}

describe('loading a fleet reads each SpecTask folder once (issue 24)', function () {
  this.timeout(30_000);
  let h: OrchestratorHarness | undefined;
  let watcher: DesignDocsWatcher | undefined;
  let fleet: FleetStore | undefined;
  afterEach(async () => {
    watcher?.dispose();
    watcher = undefined;
    fleet?.dispose();
    fleet = undefined;
    await h?.dispose();
    h = undefined;
  });
  after(cleanupTemp);

  it('counts async opens too (the check below would miss the old first scan otherwise)', async () => {
    const { worktree, folders } = await fleetRepo(['Counted']);
    const file = path.join(worktree, folders[0], 'spectask.json');
    const opened = await filesOpened(() => readBranchFile(worktree, file));
    assert.deepEqual(opened, [file]);
  });

  it('opens each document of each folder once while the orchestrator opens and starts', async () => {
    const { repo, worktree, folders } = await fleetRepo(['One', 'Two', 'Three']);
    const opened = await filesOpened(async () => {
      h = await openOrchestratorHarness(repo, { backends: [new ReplayBackend(async () => {})] });
    });
    assert.equal(h!.orchestrator.taskViews().length, 3);
    assert.deepEqual(
      [...opensPerDocument(opened, worktree)].sort(),
      folders.flatMap((f) => DOCUMENTS.map((d) => [`${f}/${d}`, 1])).sort(),
      'one open per document (progress.md: tried, missing)',
    );
  });

  it('reads each folder once for a later listing (the reconcile tick), and shows what is on disk', async () => {
    const { repo, worktree, folders } = await fleetRepo(['One', 'Two']);
    h = await openOrchestratorHarness(repo, { backends: [new ReplayBackend(async () => {})] });
    // Changed behind the orchestrator's back, and read by the watcher (its event) before the listing is counted.
    fs.writeFileSync(path.join(worktree, folders[1], 'tasks.md'), '# Implementation Tasks: Two\n\n- [x] T1: done\n');
    for (const end = Date.now() + 5000; !h.orchestrator.task('000002')!.items.length && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 10));
    const opened = await filesOpened(() => h!.orchestrator.load());
    assert.deepEqual(
      [...opensPerDocument(opened, worktree)].sort(),
      folders.flatMap((f) => [`${f}/spectask.json`, `${f}/tasks.md`].map((d) => [d, 1])).sort(),
      'the record and the checklist, once each',
    );
    assert.deepEqual(
      h.orchestrator.task('000002')!.items.map((i) => [i.id, i.state]),
      [['T1', 'done']],
    );
  });

  it("hands over the first scan's readings, equal to a `get` of each, hostile documents included", async () => {
    const { repo, worktree, folders } = await fleetRepo(['Linked design', 'Broken record', 'Plain']);
    const at = (i: number, doc: string) => path.join(worktree, folders[i], doc);
    fs.rmSync(at(0, 'design.md'));
    fs.symlinkSync(path.join(worktree, folders[2], 'design.md'), at(0, 'design.md'));
    fs.writeFileSync(at(0, 'requirements.md'), 'x'.repeat(MAX_DOCUMENT_BYTES + 1));
    fs.writeFileSync(at(1, 'spectask.json'), '{"id": "000002", "number": 2, ');
    fs.mkdirSync(at(1, 'progress.md'));
    fs.mkdirSync(path.join(worktree, 'tasks', 'legacy-task'), { recursive: true });
    fs.writeFileSync(path.join(worktree, 'tasks', 'legacy-task', 'progress.md'), '- [x] old\n- [ ] older\n');
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-qm', 'hostile');
    watcher = new DesignDocsWatcher(worktree, { debounceMs: 20, maxWaitMs: 60 });
    const errors: string[] = [];
    const events: DesignDocsEvent[] = [];
    watcher.onDidError((e) => errors.push(e.message));
    watcher.onDidChange((e) => events.push(e));
    await watcher.start();
    assert.deepEqual(
      errors.map((m) => m.replace(/ .*/, '')).sort(),
      [`${folders[0]}/design.md`, `${folders[0]}/requirements.md`],
      'each refused document reported once',
    );
    const baseline = watcher.takeBaseline();
    assert.deepEqual([...baseline.keys()].sort(), [...folders, 'tasks/legacy-task'].sort());
    const registry = new GitQueueRegistry();
    const dd = await openDesignDocs(repo, { registry });
    try {
      for (const [rel, d] of baseline) assert.deepEqual(d, await dd.store.get(path.posix.basename(rel)), rel);
    } finally {
      dd.store.dispose();
      registry.dispose();
    }
    assert.equal(watcher.takeBaseline().size, 0, 'handed over once');
    // The watcher's own later readings (async, document by document) find the same content: no change.
    await watcher.rescan();
    assert.deepEqual(events, []);
  });

  it('does not hand over a folder a file event named after the first scan', async () => {
    const { worktree, folders } = await fleetRepo(['Changed', 'Unchanged']);
    watcher = new DesignDocsWatcher(worktree, { debounceMs: 20, maxWaitMs: 60 });
    const events: DesignDocsEvent[] = [];
    watcher.onDidChange((e) => events.push(e));
    await watcher.start();
    fs.writeFileSync(path.join(worktree, folders[0], 'tasks.md'), '# Implementation Tasks: Changed\n\n- [ ] T1: new\n');
    for (const end = Date.now() + 5000; !events.length && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(events.length, 'the change was seen');
    assert.deepEqual([...watcher.takeBaseline().keys()], [folders[1]]);
  });

  it("reads again a task whose record this process wrote before the first listing, instead of the scan's reading", async () => {
    fleet = new FleetStore();
    const scanned = newSpecTaskRecord({ number: 1, title: 'Login', baseBranch: 'main' });
    const written = { ...scanned, status: 'queued_spec_generation' as const };
    const details = loginDetails;
    let handed: string[] = [];
    const store = {
      reader: {
        listDetails: async (known?: ReadonlyMap<string, SpecTaskDetails>) => {
          handed = [...(known?.keys() ?? [])];
          return [known?.get('design/tasks/000001_login') ?? details(written)];
        },
      },
    } as unknown as SpecTaskStore;
    const book = new TaskBook(store, fleet, '/x', () => 0);
    book.recordWritten(written);
    await book.refreshAll(new Map([['design/tasks/000001_login', details(scanned)]]));
    assert.deepEqual(handed, [], "the scan's reading is older than the write: not handed to the listing");
    assert.equal(book.get('000001')!.status, 'queued_spec_generation');
  });
});
