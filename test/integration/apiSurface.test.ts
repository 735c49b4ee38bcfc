import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FleetSnapshot, SpecTaskApiV1, SpecTaskExtensionExports } from '../../src/api/spectaskApi';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { eventually } from './driver';
import { prepareToolInvocation } from '../../src/vscode/lmTools/languageModelTools';

const EXTENSION_ID = 'spectask.spectask';

const toolText = (r: vscode.LanguageModelToolResult) =>
  r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
const invoke = async (name: string, input: object) =>
  vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);

// The integration host always runs the extension in ExtensionMode.Test, so here the exports carry the test hooks
// beside getApi; that they are absent in the other modes is checked at unit level (test/unit/apiExports.test.ts).
describe('public API (getApi(1)) and Language Model tools in a real VS Code', () => {
  let exports: SpecTaskExtensionExports & SpecTaskApi;
  let api: SpecTaskApiV1;
  let repo: SpecTaskRepository;

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskExtensionExports & SpecTaskApi>(EXTENSION_ID);
    assert.ok(ext);
    exports = await ext.activate();
    api = exports.getApi(1);
    await exports._testRefreshRepositories();
    if (!exports.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = await eventually(() => exports.services.repositories()[0], 'the repository opens');
  });

  // The suites share one workspace, and others count the Backlog: the SpecTasks made here leave with their folders.
  after(async function () {
    this.timeout(60_000);
    const mine = api.listSpecTasks().filter((t) => /^\[api\]/.test(t.title));
    for (const t of mine) fs.rmSync(repo.taskFolder(t.id)!, { recursive: true, force: true });
    for (const t of mine) await repo.docs.store.commitFolder(t.id, 'remove test SpecTask').catch(() => undefined);
    await eventually(() => !api.listSpecTasks().some((t) => /^\[api\]/.test(t.title)), 'the test SpecTasks are gone');
  });

  it('gets the API by version, creates a SpecTask, sees the snapshot event, reads and writes its documents', async function () {
    this.timeout(60_000);
    assert.equal(api.version, 1);
    assert.throws(() => exports.getApi(2 as 1), /version 2 is not offered/);
    assert.equal(typeof exports._testSetFleetSnapshotSource, 'function', 'test mode keeps the hooks');

    const snapshots: FleetSnapshot[] = [];
    const sub = api.onDidChangeFleet((s) => snapshots.push(s));
    try {
      const t = await api.createSpecTask({ title: '[api] Export the audit log', prompt: 'CSV, one row per event' });
      assert.equal(t.status, 'backlog');
      assert.equal(t.repoRoot, repo.root);
      await eventually(
        () => snapshots.some((s) => s.cards.some((c) => c.taskId === t.id && c.title === t.title)),
        'a fleet event carries the new SpecTask',
      );
      assert.ok(api.listSpecTasks().some((x) => x.id === t.id));

      const docs = await api.getDocuments({ taskId: t.id });
      assert.deepEqual(
        docs.documents.map((d) => d.name),
        ['requirements.md', 'design.md', 'tasks.md'],
      );
      assert.match(docs.documents[0]!.content, /CSV, one row per event/);
      const design = docs.documents[1]!;
      const written = await api.writeDocument({
        taskId: t.number,
        document: 'design.md',
        content: '# Design\n\nStream rows.\n',
        expectedVersion: design.version,
      });
      assert.equal(fs.readFileSync(path.join(repo.taskFolder(t.id)!, 'design.md'), 'utf8'), written.content);
      await assert.rejects(
        api.writeDocument({ taskId: t.id, document: 'design.md', content: 'x', expectedVersion: design.version }),
        /changed since it was read/,
      );
      await assert.rejects(
        api.writeDocument({
          taskId: t.id,
          document: 'spectask.json' as 'design.md',
          content: '{}',
          expectedVersion: design.version,
        }),
        /document must be one of requirements.md, design.md, tasks.md/,
      );
      await assert.rejects(api.createSpecTask({ title: 'two\nlines' }), /title must be one line/);
      await assert.rejects(api.getDocuments({ taskId: '../../etc' }), /taskId must be/);
    } finally {
      sub.dispose();
    }
  });

  it('lists the sample projects and creates one, with its first SpecTask, in a new folder', async function () {
    this.timeout(60_000);
    const samples = api.listSamples();
    assert.ok(
      samples.some((s) => s.id === 'express-todo-api'),
      'the shipped samples are listed',
    );
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'api-sample-'));
    try {
      const folder = path.join(parent, 'todo');
      const t = await api.createSpecTaskFromSample({ sample: 'express-todo-api', folder, goal: '[api] Add tags' });
      assert.equal(t.repoRoot, folder);
      assert.equal(t.status, 'backlog');
      assert.equal(t.title, '[api] Add tags');
      assert.ok(fs.existsSync(path.join(folder, 'package.json')));
      assert.ok(fs.existsSync(path.join(folder, '.git')));
      await assert.rejects(api.createSpecTaskFromSample({ sample: 'express-todo-api', folder }), /exists already/);
      assert.ok(!api.listSpecTasks().some((x) => x.repoRoot === folder), 'not opened in this window');
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('Language Model tools: registered; reads run at once; bad input refused; state changes prepare a confirmation', async function () {
    this.timeout(90_000);
    const names = vscode.lm.tools.map((t) => t.name).filter((n) => n.startsWith('spectask_'));
    assert.deepEqual(names.sort(), [
      'spectask_create',
      'spectask_fleet_status',
      'spectask_get_documents',
      'spectask_request_changes',
    ]);

    const fleet = JSON.parse(toolText(await invoke('spectask_fleet_status', {})));
    assert.ok(Array.isArray(fleet.tasks) && typeof fleet.counts.backlog === 'number', JSON.stringify(fleet));
    const t = await api.createSpecTask({ title: '[api] Read by a model', prompt: 'Nightly report' });
    const docs = JSON.parse(toolText(await invoke('spectask_get_documents', { taskId: t.id })));
    assert.match(docs.documents[0].content, /Nightly report/);

    // Checked before anyone is asked: no dialog opens for input that would be refused anyway.
    await assert.rejects(invoke('spectask_get_documents', { taskId: '../x' }), /taskId must be/);
    await assert.rejects(invoke('spectask_request_changes', { taskId: t.id, comment: '  ' }), /comment is empty/);
    await assert.rejects(invoke('spectask_create', { title: 'a\u202eb' }), /title must be one line/);

    // What the person is asked before a state change, as VS Code receives it from prepareInvocation.
    const asked = prepareToolInvocation('spectask_create', { title: '[api] Planned by a model', start: 'plan' });
    assert.equal(asked.confirmationMessages?.title, 'Create a SpecTask?');
    const message = asked.confirmationMessages!.message as vscode.MarkdownString;
    assert.match(
      message.value.replace(/\\/g, ''),
      /^Create the SpecTask "\[api\] Planned by a model" and queue it for planning by an agent\.$/,
    );
    const review = prepareToolInvocation('spectask_request_changes', { taskId: '7', comment: '![x](http://evil)' });
    assert.doesNotMatch((review.confirmationMessages!.message as vscode.MarkdownString).value, /!\[x\]\(/);
    assert.equal(prepareToolInvocation('spectask_fleet_status', {}).confirmationMessages, undefined);

    // The extension test host answers every confirmation dialog "yes" without showing it (VS Code's DialogService
    // skips dialogs while extension tests run), so only the confirmed path can run here.
    const made = JSON.parse(toolText(await invoke('spectask_create', { title: '[api] Planned by a model' })));
    assert.equal(made.title, '[api] Planned by a model');
    assert.ok(api.listSpecTasks().some((x) => x.id === made.id));
  });
});
