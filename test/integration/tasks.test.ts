import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newSpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { nextTaskNumber, recordTaskNumber } from '../../src/core/docs/taskNumbering';
import type { SpecTaskApi, TreeSnapshotNode } from '../../src/vscode/createExtension';
import { COMMANDS } from '../../src/vscode/commandIds';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { taskContextValue } from '../../src/vscode/views/taskMenuWords';
import { driverAvailable, eventually, readText, snap } from './driver';

const EXTENSION_ID = 'spectask.spectask';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=it', '-c', 'user.email=it@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });

const find = (nodes: TreeSnapshotNode[] | undefined, label: RegExp): TreeSnapshotNode | undefined =>
  nodes?.find((n) => label.test(n.label));

/** The commands whose `view/item/context` menu entry applies to a tree item with `contextValue`. */
function menuCommandsFor(
  pkg: { contributes: { menus: Record<string, { command: string; when?: string }[]> } },
  contextValue: string,
): Set<string> {
  const out = new Set<string>();
  for (const e of pkg.contributes.menus['view/item/context'] ?? []) {
    const when = e.when ?? '';
    if (!when.includes('view == spectask.tasks')) continue;
    const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when)?.[1];
    const eq = /viewItem == (\S+)/.exec(when)?.[1];
    if ((re && new RegExp(re).test(contextValue)) || (eq && eq === contextValue)) out.add(e.command);
  }
  return out;
}

describe('SpecTasks tree, commands and status bar in a real VS Code', () => {
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;
  let pkg: { contributes: { menus: Record<string, { command: string; when?: string }[]> } };

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    pkg = ext.packageJSON;
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) {
      // A fresh fixture repository has no design-docs branch: activation must not have created one.
      const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
      assert.equal(
        fs.existsSync(path.join(ws, '.git-worktrees', 'helix-design-docs')),
        false,
        'activation created the design-docs worktree',
      );
      await vscode.commands.executeCommand('spectask.designDocs.init');
    }
    repo = await eventually(
      () => api.services.repositories()[0],
      'the repository opens after Initialize design-docs branch',
    );
    assert.ok(fs.existsSync(repo.designDocsRoot));
  });

  it('registers every command of the typed map', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.keys(COMMANDS).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  it('groups SpecTasks by phase with counts, offers the right menu commands per state, and follows a checklist tick on disk', async function () {
    this.timeout(60_000);
    const o = repo.orchestrator;
    const a = await o.create({ title: 'Add a health endpoint' });
    const b = await o.create({ title: 'Drop the legacy importer' });
    const c = await o.create({ title: 'Rate-limit the login route', priority: 'high' });
    await o.archive(b);
    const checklist = path.join(repo.taskFolder(c)!, 'tasks.md');
    fs.writeFileSync(
      checklist,
      '# Implementation Tasks: Rate-limit the login route\n\n- [x] T1: Count attempts per IP\n- [ ] T2: Answer 429 over the limit\n- [ ] T3: Add a test\n',
    );

    const tree = await eventually(async () => {
      const t = await api._testTreeSnapshot();
      const backlog = find(t, /^Backlog$/);
      const task = find(backlog?.children, /Rate-limit the login route/);
      return backlog?.description === '2' &&
        find(t, /^Archived$/)?.description === '1' &&
        task?.description?.startsWith('1/3')
        ? t
        : undefined;
    }, 'the tree shows Backlog (2) and Archived (1) with the checklist progress 1/3');
    const backlog = find(tree, /^Backlog$/)!;
    const num = (id: string) => o.task(id)!.number;
    assert.ok(find(backlog.children, new RegExp(`^#${num(a)} Add a health endpoint$`)), JSON.stringify(backlog));
    const rate = find(backlog.children, /Rate-limit/)!;
    assert.equal(rate.contextValue, 'spectask.task canStartPlanning canSkipPlanning canArchive');
    assert.deepEqual(
      rate.children?.slice(0, 3).map((n) => n.label),
      ['requirements.md', 'design.md', 'tasks.md'],
    );
    assert.deepEqual(
      rate.children?.slice(3).map((n) => [n.label, n.icon]),
      [
        ['T1: Count attempts per IP', 'pass-filled'],
        ['T2: Answer 429 over the limit', 'circle-large-outline'],
        ['T3: Add a test', 'circle-large-outline'],
      ],
    );
    const archived = find(tree, /^Archived$/)!;
    assert.equal(find(archived.children, /Drop the legacy importer/)?.contextValue, taskContextValue('archived'));

    // Menus: what a state offers, and what it must not.
    const backlogMenu = menuCommandsFor(pkg, taskContextValue('backlog'));
    for (const cmd of [
      'spectask.task.startPlanning',
      'spectask.task.skipPlanning',
      'spectask.task.archive',
      'spectask.task.openDocs',
    ])
      assert.ok(backlogMenu.has(cmd), `backlog lacks ${cmd}`);
    for (const cmd of ['spectask.task.accept', 'spectask.task.restore', 'spectask.task.retry', 'spectask.task.stop'])
      assert.ok(!backlogMenu.has(cmd), `backlog offers ${cmd}`);
    const archivedMenu = menuCommandsFor(pkg, taskContextValue('archived'));
    assert.ok(
      archivedMenu.has('spectask.task.restore') &&
        !archivedMenu.has('spectask.task.archive') &&
        !archivedMenu.has('spectask.task.startPlanning'),
    );
    assert.ok(menuCommandsFor(pkg, taskContextValue('implementation_review')).has('spectask.task.accept'));
    assert.ok(menuCommandsFor(pkg, taskContextValue('spec_failed')).has('spectask.task.retry'));

    // A tick on disk (as an agent would make it) reaches the tree within this test.
    fs.writeFileSync(
      checklist,
      fs.readFileSync(checklist, 'utf8').replace('- [ ] T2', '- [x] T2').replace('- [ ] T3', '- [~] T3'),
    );
    const after = await eventually(async () => {
      const t = find(find(await api._testTreeSnapshot(), /^Backlog$/)?.children, /Rate-limit/);
      return t?.description?.startsWith('2/3') ? t : undefined;
    }, 'the tree shows 2/3 after the tick');
    assert.deepEqual(
      after!.children?.slice(3).map((n) => n.icon),
      ['pass-filled', 'pass-filled', 'sync~spin'],
    );

    // Restore through the command with a tree-node argument, as the inline action does.
    await vscode.commands.executeCommand('spectask.task.restore', { repoRoot: repo.root, taskId: b });
    await eventually(
      async () => find(await api._testTreeSnapshot(), /^Backlog$/)?.description === '3',
      'restore moves the SpecTask back to the backlog',
    );
    assert.equal(find(await api._testTreeSnapshot(), /^Archived$/), undefined, 'an empty group is not shown');

    if (driverAvailable()) {
      await vscode.commands.executeCommand('spectask.tasks.focus');
      await snap('tasks-tree', '.pane-body [role=treeitem]:has-text("Rate-limit the login route")');
    }
  });

  it('plans a SpecTask with a real custom-command agent, moves it to Spec review and shows it in the status bar', async function () {
    this.timeout(90_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const script = path.join(ext.extensionPath, 'test', 'fixtures', 'agents', 'plan-agent.mjs');
    const cfg = vscode.workspace.getConfiguration('spectask');
    await cfg.update('customCommand.template', `node ${script} {prompt}`, vscode.ConfigurationTarget.Global);
    await cfg.update('agents.planning.backend', 'custom', vscode.ConfigurationTarget.Global);
    try {
      // Other suites may have left SpecTasks waiting for review; count them first.
      const waiting = repo.orchestrator
        .taskViews()
        .filter((t) => t.status === 'spec_review' || t.status === 'implementation_review').length;
      assert.equal(
        api._testStatusBarText(),
        waiting ? `$(hubot) ${waiting} to review` : '',
        'the status bar item is hidden while nothing works or waits',
      );
      const id = await repo.orchestrator.create(
        { title: 'Add a version endpoint', backend: 'custom' },
        { startPlanning: true },
      );
      // Computed when the wait fails, so the message shows the state at that moment (status, error, queue reason).
      const state = () =>
        JSON.stringify({
          status: repo.orchestrator.task(id)?.status,
          error: repo.orchestrator.task(id)?.error,
          reason: repo.orchestrator.taskViews().find((t) => t.id === id)?.queueReason,
        });
      for (
        const t0 = Date.now();
        repo.orchestrator.task(id)?.status !== 'spec_review';
        await new Promise((r) => setTimeout(r, 200))
      ) {
        if (Date.now() - t0 > 60_000) throw new Error(`SpecTask ${id} did not reach spec review: ${state()}`);
      }
      const expected = `$(hubot) ${waiting + 1} to review`;
      await eventually(
        () => api._testStatusBarText() === expected,
        `the status bar says ${expected} (now '${api._testStatusBarText()}')`,
      );
      const node = await eventually(
        async () => find(find(await api._testTreeSnapshot(), /^Spec review$/)?.children, /Add a version endpoint/),
        'the tree shows it under Spec review',
      );
      assert.equal(node!.contextValue, taskContextValue('spec_review'));
      // Issue 22: the item's menu offers the spec review's three verdicts, and nothing of the code review.
      const reviewMenu = menuCommandsFor(pkg, node!.contextValue!);
      for (const cmd of ['spectask.spec.approve', 'spectask.spec.requestChanges', 'spectask.task.reject'])
        assert.ok(reviewMenu.has(cmd), `a spec-review item lacks ${cmd}`);
      for (const cmd of ['spectask.task.accept', 'spectask.implementation.requestChanges', 'spectask.task.retry'])
        assert.ok(!reviewMenu.has(cmd), `a spec-review item offers ${cmd}`);
      assert.match(node!.description ?? '', /^0\/3/);
      // The transcript of the run opens as a readable document.
      await vscode.commands.executeCommand('spectask.task.showTranscript', { repoRoot: repo.root, taskId: id });
      const doc = (await eventually(
        () =>
          vscode.window.activeTextEditor?.document.uri.scheme === 'spectask-transcript' &&
          vscode.window.activeTextEditor.document,
        'the transcript opens',
      )) as vscode.TextDocument;
      assert.match(doc.getText(), /plan-agent: wrote the documents/);
      assert.match(doc.getText(), /result: success/);
      if (driverAvailable()) {
        await vscode.commands.executeCommand('spectask.tasks.focus');
        await snap('status-bar-and-tree', `.statusbar-item:has-text("${waiting + 1} to review")`);
      }
    } finally {
      await cfg.update('customCommand.template', undefined, vscode.ConfigurationTarget.Global);
      await cfg.update('agents.planning.backend', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('announces a merge with exactly one notification (issue 22 item 15)', async function () {
    this.timeout(120_000);
    if (!driverAvailable()) {
      console.log('    skipped: counting the notifications needs the UI driver of the code-server run');
      return this.skip();
    }
    // A SpecTask waiting for code review, planted in one commit (no agent): its branch adds one file to main.
    const docsRoot = repo.docs.location.worktreePath;
    const n = await nextTaskNumber(docsRoot);
    const id = String(n).padStart(6, '0');
    const slug = 'merge-notice';
    const branch = `spectask/${id}-${slug}`;
    const wt = path.join(repo.root, '.git-worktrees', `${id}_${slug}`);
    git(repo.root, 'worktree', 'add', '-q', '-b', branch, wt, 'main');
    fs.writeFileSync(path.join(wt, 'mergeNotice.js'), 'module.exports = "merged once";\n');
    git(wt, 'add', '-A');
    git(wt, 'commit', '-q', '-m', `merge notice\n\nSpecTask: ${id}`);
    const dir = path.join(docsRoot, 'design', 'tasks', `${id}_${slug}`);
    fs.mkdirSync(dir, { recursive: true });
    const title = 'Announce the merge once';
    const rec = { ...newSpecTaskRecord({ number: n, title, baseBranch: 'main' }), branch };
    rec.status = 'implementation_review';
    rec.history.push({ at: new Date().toISOString(), from: 'backlog', to: rec.status, trigger: 'planted by the test' });
    fs.writeFileSync(path.join(dir, 'requirements.md'), `# Requirements: ${title}\n`);
    fs.writeFileSync(path.join(dir, 'design.md'), `# Design: ${title}\n`);
    fs.writeFileSync(path.join(dir, 'tasks.md'), `# Implementation Tasks: ${title}\n\n- [x] T1: Add the module\n`);
    fs.writeFileSync(path.join(dir, 'spectask.json'), JSON.stringify(rec, null, 2) + '\n');
    await recordTaskNumber(docsRoot, n);
    await repo.docs.store.commitFolder(id, 'planted by the tasks integration test');
    await eventually(
      () => repo.orchestrator.task(id)?.status === 'implementation_review',
      'the orchestrator knows the planted SpecTask',
      60_000,
    );

    await vscode.commands.executeCommand('notifications.clearAll');
    // The orchestrator's accept, as the Accept and Merge command runs it after its modal confirmation: the test
    // host refuses to show modal dialogs ("DialogService: refused to show dialog in tests"), so the command itself
    // cannot run here. Its own second announcement was removed (commit 56ccecf); this checks that the merge's
    // notice reaches the user once, through whatever listens to it.
    const res = await repo.orchestrator.accept(id);
    assert.ok(res.sha, 'merged');
    assert.equal(repo.orchestrator.task(id)?.status, 'done');
    const text = await eventually(
      async () => {
        await vscode.commands.executeCommand('notifications.showList');
        try {
          const t = await readText('.notifications-center');
          return /was merged/.test(t) ? t : '';
        } finally {
          await vscode.commands.executeCommand('notifications.hideList');
        }
      },
      'the merge is announced',
      30_000,
    );
    assert.equal(text.split('was merged').length - 1, 1, `one notification for one merge:\n${text}`);
    assert.match(text, new RegExp(`#${id}.*was merged into main`));
  });
});
