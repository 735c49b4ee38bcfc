import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../../src/core/lifecycle';
import { parseChecklist } from '../../src/core/checklist/parseChecklist';
import { countByPhase, type FleetSnapshot } from '../../src/protocol/fleet';
import { cardWindow } from '../../src/core/orchestrator/fleetView';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { DispatchedFleetAction } from '../../src/vscode/fleet/fleetWebviewController';
import type { FleetSnapshotSource } from '../../src/vscode/fleet/fleetSnapshotSource';
import { click, driverAvailable, eventually, readText, snap } from './driver';

const TASK_ID = 'fleet-it-000042';
const DESIGN_LINK = 'fleet-it/000042_add-password-reset/design.md#L3';
const ITEMS = [
  'Add the reset tokens table',
  'Create the token repository',
  'Add the reset request endpoint',
  'Rate-limit reset requests',
  `Add the reset endpoint (see [the design](${DESIGN_LINK}))`,
  'Invalidate sessions after a reset',
];

/** tasks.md with the first `done` items ticked and the next one in progress. */
const tasksMd = (done: number) =>
  [
    '# Implementation Tasks: Add password reset',
    '',
    ...ITEMS.map((t, i) => `- [${i < done ? 'x' : i === done ? '~' : ' '}] ${t}`),
    '',
  ].join('\n');

/**
 * Until the orchestrator's store is wired in, this stands in for it: one SpecTask whose card is built
 * from a real tasks.md on disk (fs.watch → the checklist engine → the window builder), so ticking the
 * file is what changes the dashboard.
 */
class TasksFileSource implements FleetSnapshotSource {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher: fs.FSWatcher;

  constructor(private readonly file: string) {
    this.watcher = fs.watch(path.dirname(file), () => this.changed.fire());
  }

  snapshot(): FleetSnapshot {
    const w = cardWindow(parseChecklist(fs.readFileSync(this.file)).items, 2);
    const cards = [
      {
        taskId: TASK_ID,
        number: '000042',
        title: 'Add password reset',
        phase: 'implementing' as const,
        backend: 'claude-code',
        agentId: 'ag-it42',
        progress: w.progress,
        window: w.items,
        currentIndex: w.currentIndex,
        runLive: true, // an agent works on it: the card shows its current item and activity
        lastActivity: 'Edit src/auth/reset.ts',
        startedAt: Date.now() - 90_000,
        updatedAt: Date.now(),
        hasWorktree: true,
      },
    ];
    return { generatedAt: Date.now(), cards, counts: countByPhase(cards) };
  }

  dispose(): void {
    this.watcher.close();
    this.changed.dispose();
  }
}

/** The webview DOM is reachable only through the Playwright driver (code-server runs); say so when skipping. */
function skipWithoutDriver(ctx: Mocha.Context): void {
  console.log(
    `skipped "${ctx.test?.title}": the webview DOM can only be read through the Playwright driver (run under code-server: npm run test:integration)`,
  );
  ctx.skip();
}

describe('fleet dashboard in a real VS Code', () => {
  let api: SpecTaskApi;
  let dir: string;
  let source: TasksFileSource | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<SpecTaskApi>('spectask.spectask');
    assert.ok(ext);
    api = await ext.activate();
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws, 'the integration tier opens a workspace folder');
    dir = path.join(ws.uri.fsPath, 'fleet-it', '000042_add-password-reset');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tasks.md'), tasksMd(2));
    fs.writeFileSync(
      path.join(dir, 'design.md'),
      '# Design: Add password reset\n\n## Tokens\nOne-time tokens, 30 minutes.\n',
    );
  });
  after(() => {
    source?.dispose();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('shows the current item of a tasks.md on disk and follows a tick', async function () {
    if (!driverAvailable()) skipWithoutDriver(this);
    source = new TasksFileSource(path.join(dir, 'tasks.md'));
    api._testSetFleetSnapshotSource(source);
    await vscode.commands.executeCommand('spectask.fleet.open');
    const card = `article.card:not(.compact-card)[data-task-id="${TASK_ID}"]`;
    const current = await eventually<string>(async () => {
      const t = await readText(`${card} .task-item.current`);
      return t.includes(ITEMS[2]) ? t : '';
    }, 'the card shows item 3 as current');
    assert.match(current, /Add the reset request endpoint/);
    const text = await readText(card);
    for (const expected of [
      '#000042',
      'Add password reset',
      'claude-code',
      'ag-it42',
      'Implementing',
      '2/6',
      'Edit src/auth/reset.ts',
    ])
      assert.ok(text.includes(expected), `card lacks ${expected}:\n${text}`);
    await snap('fleet-live-before-tick', `${card} .task-item.current`);

    fs.writeFileSync(path.join(dir, 'tasks.md'), tasksMd(3)); // the agent ticks item 3 and starts item 4
    await eventually(
      async () => (await readText(`${card} .task-item.current`)).includes(ITEMS[3]),
      'the card follows the tick',
    );
    assert.match(await readText(`${card} .progress-count`), /^3\/6$/);
    await snap('fleet-live-after-tick', `${card} .task-item.current`);
  });

  it('draws every button of the card with its codicon glyph (not an empty square)', async function () {
    if (!driverAvailable()) skipWithoutDriver(this);
    // The glyph is a `.codicon` span in the button's light DOM, styled by the page's codicon stylesheet; a
    // `<vscode-icon>` in the button's shadow root loaded that stylesheet again and was drawn blank (NOTE8).
    // `:visible` (Playwright) needs a box with a size: a glyph whose ::before stays empty has none.
    const card = `article.card:not(.compact-card)[data-task-id="${TASK_ID}"]`;
    for (const action of ['stop', 'showTranscript', 'openDocs', 'openWorktree', 'messageAgent'])
      await readText(`${card} vscode-button[data-action="${action}"] > .codicon:visible`);
    const file = await snap('fleet-card-buttons', `${card} vscode-button[data-action="openWorktree"] > .codicon`);
    assert.ok(fs.existsSync(file), file);
  });

  it('sends a card action to the host, which acts on it', async function () {
    if (!driverAvailable()) skipWithoutDriver(this);
    const dispatched = new Promise<DispatchedFleetAction>((resolve) => {
      const sub = api.onDidDispatchFleetAction((a) => {
        sub.dispose();
        resolve(a);
      });
    });
    await click(`article.card:not(.compact-card)[data-task-id="${TASK_ID}"] vscode-button[data-action="stop"]`);
    // The card's SpecTask is this test's fixture, not one of the orchestrator's: the real Stop refuses it.
    assert.deepEqual(await dispatched, { taskId: TASK_ID, action: 'stop', ok: false });
    // The host's answer is visible in the workbench as a notification.
    await vscode.commands.executeCommand('notifications.showList');
    const notes = await eventually<string>(async () => {
      const t = await readText('.notifications-center');
      return /not in any open repository/.test(t) ? t : '';
    }, 'the notification appears');
    assert.match(notes, new RegExp(`SpecTask ${TASK_ID} is not in any open repository`));
    await snap('fleet-action-notification', '.notifications-center');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('opens a workspace file linked from a card, through the host', async function () {
    if (!driverAvailable()) skipWithoutDriver(this);
    await click(`article.card:not(.compact-card)[data-task-id="${TASK_ID}"] a[href="${DESIGN_LINK}"]`);
    const editor = await eventually(() => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === path.join(dir, 'design.md') ? e : undefined;
    }, 'the host opens design.md');
    assert.equal(editor!.selection.active.line, 2, 'at the linked line (#L3)');
  });
});
