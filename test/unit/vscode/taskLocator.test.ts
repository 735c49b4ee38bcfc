import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTaskTarget } from '../../../src/vscode/commandArgs';
import { TaskLocator, type LocatableRepository } from '../../../src/vscode/services/taskLocator';
import { tempDir } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, type Harness } from '../../support/orchestratorHarness';

// The TaskLocator over real orchestrators in real temporary repositories (two, as in a multi-root workspace):
// which SpecTask a file, an id, a tree node or a validated command argument is.
describe('TaskLocator', function () {
  this.timeout(30_000);
  let harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.slice(1)) await h.dispose();
  });
  disposeHarnessAfterEach(
    () => harnesses[0],
    () => (harnesses = []),
  );

  const asRepo = (h: Harness): LocatableRepository => ({
    root: h.repo,
    designDocsRoot: h.docs.location.worktreePath,
    orchestrator: h.orchestrator,
  });
  const uri = (fsPath: string) => ({ scheme: 'file', fsPath });

  /** Two repositories, each with SpecTasks created in the backlog (no agent runs). */
  async function twoRepositories() {
    const a = await makeHarness(async () => ({ status: 'success' }));
    harnesses.push(a);
    const b = await makeHarness(async () => ({ status: 'success' }));
    harnesses.push(b);
    const a1 = await a.orchestrator.create({ title: 'Add a health endpoint' });
    const a2 = await a.orchestrator.create({ title: 'Rate limiting' });
    const b1 = await b.orchestrator.create({ title: 'Dark mode' });
    const repos = [asRepo(a), asRepo(b)];
    return { a, b, a1, a2, b1, repos, locator: new TaskLocator(() => repos) };
  }

  it('finds the SpecTask of a file in its design-docs folder, and of the folder itself', async () => {
    const { a, a2, repos, locator } = await twoRepositories();
    const folder = a.orchestrator.task(a2)!.path;
    const hit = locator.at(uri(path.join(folder, 'requirements.md')));
    assert.deepEqual(hit && { repo: hit.repo, taskId: hit.taskId, place: hit.place, relative: hit.relative }, {
      repo: repos[0],
      taskId: a2,
      place: 'task-folder',
      relative: 'requirements.md',
    });
    assert.equal(locator.at(folder)?.relative, '');
    assert.equal(locator.at(folder)?.taskId, a2);
  });

  it('finds the SpecTask of a file in its code worktree', async () => {
    const { b, b1, repos, locator } = await twoRepositories();
    const wt = b.orchestrator.worktreeOf(b1)!.path;
    const hit = locator.at(uri(path.join(wt, 'src', 'theme.ts')));
    assert.equal(hit?.repo, repos[1]);
    assert.equal(hit?.taskId, b1);
    assert.equal(hit?.place, 'code-worktree');
    assert.equal(hit?.relative, path.join('src', 'theme.ts'));
  });

  it('finds no SpecTask for other files, but still their repository', async () => {
    const { a, repos, locator } = await twoRepositories();
    assert.equal(locator.at(uri(path.join(a.repo, 'README.md'))), undefined);
    assert.equal(locator.repositoryOf(uri(path.join(a.repo, 'README.md'))), repos[0]);
    assert.equal(locator.repositoryOf(uri(path.join(a.docs.location.worktreePath, 'x.md'))), repos[0]);
    const outside = tempDir('spectask-outside-');
    assert.equal(locator.at(uri(path.join(outside, 'requirements.md'))), undefined);
    assert.equal(locator.repositoryOf(uri(outside)), undefined);
    assert.equal(locator.at({ scheme: 'untitled', fsPath: path.join(a.repo, 'README.md') }), undefined);
    // A sibling whose name only starts like the folder is not inside it.
    assert.equal(locator.repositoryOf(uri(`${a.repo}-other/README.md`)), undefined);
  });

  it('follows a symlinked spelling of the repository', async function () {
    const { a, a1, locator } = await twoRepositories();
    const link = path.join(tempDir('spectask-link-'), 'repo');
    try {
      fs.symlinkSync(a.repo, link, 'dir');
    } catch {
      console.log('    skipped: this machine cannot make a symbolic link (e.g. Windows without developer mode)');
      this.skip();
    }
    const folder = a.orchestrator.task(a1)!.path;
    const viaLink = path.join(link, path.relative(a.repo, folder), 'design.md');
    assert.equal(locator.at(uri(viaLink))?.taskId, a1);
  });

  it('finds a SpecTask by id, in the named repository when one is named', async () => {
    const { a, b, a1, b1, repos, locator } = await twoRepositories();
    // Ids are numbers per repository, so both first SpecTasks are 000001: the named repository decides.
    assert.equal(a1, b1);
    assert.equal(locator.byId(a1, a.repo)?.repo, repos[0]);
    assert.equal(locator.byId(b1, b.repo)?.repo, repos[1]);
    assert.equal(locator.byId(b1)?.repo, repos[0], 'without a repository, the first that has the id');
    assert.equal(locator.byId('999999'), undefined);
    assert.equal(locator.byId(a1, path.join(a.repo, 'not-a-repo')), undefined);
  });

  it('resolves every validated command argument: tree node, card id, file, nothing', async () => {
    const { a, a2, b, b1, repos, locator } = await twoRepositories();
    const node = { kind: 'doc', id: 'doc:x', repoRoot: b.repo, taskId: b1, file: 'design.md' };
    assert.deepEqual(locator.resolve(parseTaskTarget(node)), { repo: repos[1], taskId: b1 });
    assert.deepEqual(locator.resolve(parseTaskTarget(a2))?.taskId, a2);
    const file = uri(path.join(a.orchestrator.task(a2)!.path, 'tasks.md'));
    assert.deepEqual(locator.resolve(parseTaskTarget(file)), { repo: repos[0], taskId: a2 });
    assert.equal(locator.resolve(parseTaskTarget(undefined)), undefined);
    assert.equal(locator.resolve(parseTaskTarget({ taskId: '424242' })), undefined);
  });

  it('names the only repository when asked without a target, none when there are several', async () => {
    const { repos, locator } = await twoRepositories();
    assert.equal(locator.repositoryOf(undefined), undefined);
    assert.equal(new TaskLocator(() => repos.slice(0, 1)).repositoryOf(undefined), repos[0]);
    assert.equal(new TaskLocator(() => []).at(uri(repos[0]!.root)), undefined);
  });
});
