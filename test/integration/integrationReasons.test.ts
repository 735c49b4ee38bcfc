import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SpecTaskApi, TreeSnapshotNode } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { driverAvailable, eventually, readText, snap } from './driver';

const flat = (nodes: TreeSnapshotNode[] | undefined): TreeSnapshotNode[] =>
  (nodes ?? []).flatMap((n) => [n, ...flat(n.children)]);

/**
 * Issue 21: why a SpecTask did not reach its base, and what a queued one waits for, on the dashboard's card and
 * on the SpecTasks tree of a real VS Code. The records are written as the integration queue leaves them.
 */
describe('integration queue reasons on the card and the tree in a real VS Code', () => {
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskApi>('spectask.spectask');
    assert.ok(ext);
    api = await ext.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = await eventually(() => api.services.repositories()[0], 'the repository opens');
    api._testSetFleetSnapshotSource(undefined); // the orchestrator's own fleet (another suite may have set one)
  });

  it('shows the conflict reason and a dependency wait on the card and the tree item', async function () {
    this.timeout(90_000);
    const o = repo.orchestrator;
    const bounced = await o.create({ title: 'Edits the app entry point' });
    const waiting = await o.create({ title: 'Waits for the entry point' });
    const reason = 'conflicts with #000002 in src/app.js (sent back 3 times; a person decides now)';
    const at = () => new Date().toISOString();
    await repo.docs.store.update(bounced, 'as the integration queue left it', (r) => {
      r.status = 'implementation_review';
      r.history.push(
        { at: at(), to: 'queued_integration', trigger: 'accept' },
        { at: at(), to: 'integrating', trigger: 'integration_slot_free' },
        { at: at(), to: 'implementation_review', trigger: 'integration_blocked', note: reason },
      );
    });
    await repo.docs.store.update(waiting, 'queued behind its dependency', (r) => {
      r.status = 'queued_implementation';
      r.dependsOn = [bounced];
      r.history.push({ at: at(), to: 'queued_implementation', trigger: 'skip_planning' });
    });
    await o.reconcile();
    const nb = o.task(bounced)!.number;
    const wait = `waiting for #${nb} (code review)`;

    const card = (id: string) => o.fleetSnapshot().cards.find((c) => c.taskId === id);
    await eventually(() => card(waiting)?.queueReason === wait, `the waiting card says "${wait}"`);
    assert.equal(card(bounced)?.integrationReason, reason);

    const tree = await eventually(async () => {
      const nodes = flat(await api._testTreeSnapshot());
      const b = nodes.find((n) => n.label.endsWith('Edits the app entry point'));
      const w = nodes.find((n) => n.label.endsWith('Waits for the entry point'));
      return b?.description?.includes(reason) && w?.description?.includes(wait) ? { b, w } : undefined;
    }, 'the tree items say why');
    assert.ok(tree!.b.description!.includes(reason));

    if (driverAvailable()) {
      await vscode.commands.executeCommand('spectask.tasks.focus');
      await snap('integration-reasons-tree', '.pane-body [role=treeitem]:has-text("Edits the app entry point")');
      await vscode.commands.executeCommand('spectask.fleet.open');
      const selector = `article.card[data-task-id="${bounced}"] .card-integration`;
      assert.match(await readText(selector), /conflicts with #000002 in src\/app\.js/);
      await snap('integration-reasons-card', selector);
    } else console.log('the screenshots need the Playwright driver (code-server): only the snapshots were checked');
  });
});
