import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import type { SpecTaskApi, TreeSnapshotNode } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { titleFromGoal } from '../../src/vscode/commands/createTask';
import { taskTooltip } from '../../src/vscode/views/tasksTree';
import { driverAvailable, eventually, readText, snap } from './driver';

// Issue 10, trust boundaries, inside a real VS Code: SpecTask titles are typed by people and pasted from
// issues, and they end up in folder names, git commit messages, agent prompts, the tree, its hovers and
// notifications. Every hostile title goes through the product's own command; each must be refused with a
// message or become a SpecTask in a safe folder under design/tasks that shows the title as plain text.

const EXTENSION_ID = 'spectask.spectask';
const CANARY = path.join(os.tmpdir(), `spectask-hostile-canary-${process.pid}`);
// Short enough (under 80 characters) to stay whole in the title, which is cut at a word after 80.
const LINK_TITLE = '[Continue](command:workbench.action.reloadWindow) now';

const TITLES = [
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/absolute/path/title',
  '....//....//x',
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `; touch ${CANARY} #`,
  `| touch ${CANARY} &`,
  `"; touch ${CANARY}; echo "`,
  'tab\there\nnewline\rcr\u0007bel\u001b[31mred\u007f',
  '\u202Egnp.exe\u202C',
  'مرحبا \u200F rtl \u200E mark',
  '名前 🚀 emoji',
  'x'.repeat(10_000),
  'y'.repeat(1999),
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '**bold** _em_ `code` # heading',
  '$(sync~spin) $(alert) fake spinner',
  LINK_TITLE,
  '![img](https://evil.example/x.png) [x](javascript:alert(1))',
  '%s%n%x {prompt} ${HOME}',
  'CON',
  '.git',
  '   ',
  'ab',
];

/** HEAD, index, status and every tracked and untracked file of the user's checkout, as hashes. */
function checkoutState(root: string): Record<string, string> {
  const git = (...a: string[]) => execFileSync('git', ['--no-optional-locks', ...a], { cwd: root, encoding: 'utf8' });
  const state: Record<string, string> = {
    head: git('rev-parse', 'HEAD').trim(),
    branch: git('rev-parse', '--abbrev-ref', 'HEAD').trim(),
    status: git('status', '--porcelain=v1', '--untracked-files=all'),
  };
  const index = path.join(root, '.git', 'index');
  state.index = fs.existsSync(index) ? createHash('sha256').update(fs.readFileSync(index)).digest('hex') : '';
  for (const f of git('ls-files', '-co', '--exclude-standard').split('\n').filter(Boolean)) {
    if (f.startsWith('.git-worktrees/')) continue;
    const p = path.join(root, f);
    state[`file:${f}`] = fs.existsSync(p) ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : '(gone)';
  }
  return state;
}

const flatten = (nodes: TreeSnapshotNode[] | undefined): TreeSnapshotNode[] =>
  (nodes ?? []).flatMap((n) => [n, ...flatten(n.children)]);

describe('hostile SpecTask titles through the commands of a real VS Code', () => {
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = await eventually(() => api.services.repositories()[0], 'the repository opens');
  });

  it('each title is refused with a message or becomes a SpecTask in a safe folder, shown as text; nothing runs and the checkout is untouched', async function () {
    this.timeout(300_000);
    fs.rmSync(CANARY, { force: true });
    const before = checkoutState(repo.root);
    const tasksDir = path.join(repo.designDocsRoot, 'design', 'tasks');
    const outcomes: { title: string; outcome: 'created' | 'refused'; id?: string }[] = [];
    for (const title of TITLES) {
      const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
      // The product's own command, with the argument the "Create SpecTask" quick input would produce.
      await vscode.commands.executeCommand('spectask.task.create', { goal: title, start: 'backlog' });
      const added = repo.orchestrator.taskViews().filter((t) => !known.has(t.id));
      assert.ok(added.length <= 1, `one title made ${added.length} SpecTasks`);
      outcomes.push(added.length ? { title, outcome: 'created', id: added[0].id } : { title, outcome: 'refused' });
    }
    const refused = outcomes.filter((o) => o.outcome === 'refused').map((o) => o.title.slice(0, 20));
    // The goal rules (4 to 2000 characters, not blank) refuse exactly these, each with an error notification;
    // everything else is a SpecTask.
    assert.deepEqual(refused, ['x'.repeat(20), 'CON', '   ', 'ab']);

    const md = new MarkdownIt({ html: true });
    for (const o of outcomes.filter((x) => x.outcome === 'created')) {
      const view = repo.orchestrator.taskViews().find((t) => t.id === o.id)!;
      const folder = view.path;
      const name = path.basename(folder);
      assert.match(
        name,
        /^\d{6}_[a-z0-9-]{1,25}$/,
        `unsafe folder name ${JSON.stringify(name)} for ${JSON.stringify(o.title.slice(0, 40))}`,
      );
      assert.equal(
        path.dirname(fs.realpathSync(folder)),
        fs.realpathSync(tasksDir),
        'the folder is directly in design/tasks',
      );
      assert.equal(
        view.title,
        titleFromGoal(o.title).replace(/\s+/g, ' ').trim(),
        'the title is the goal\u2019s first line as typed (whitespace collapsed, cut after 80)',
      );
      // The hover: real vscode.MarkdownString, untrusted, no HTML; the title renders as text only.
      const tip = taskTooltip(view, undefined);
      assert.equal(tip.isTrusted, false);
      assert.equal(tip.supportHtml, false);
      const inline = md.parse(tip.value, {}).flatMap((t) => t.children ?? []);
      const bad = [...md.parse(tip.value, {}), ...inline].filter((t) =>
        ['link_open', 'image', 'html_inline', 'html_block'].includes(t.type),
      );
      assert.deepEqual(
        bad.map((t) => t.type),
        [],
        `the hover of ${JSON.stringify(o.title.slice(0, 40))} renders markup: ${tip.value.slice(0, 300)}`,
      );
      assert.ok(
        !/(^|[^\\])\$\((sync~spin|alert)\)/.test(tip.value.split('\n\n')[0]),
        `an icon in the title is escaped: ${tip.value.slice(0, 200)}`,
      );
    }

    // The tree shows each title as its label, exactly.
    const tree = await eventually(
      async () => {
        const nodes = flatten(await api._testTreeSnapshot());
        return outcomes.every(
          (o) =>
            o.outcome === 'refused' ||
            nodes.some(
              (n) => n.label === `#${repo.orchestrator.task(o.id!)!.number} ${repo.orchestrator.task(o.id!)!.title}`,
            ),
        )
          ? nodes
          : undefined;
      },
      'every created SpecTask is in the tree with its title as the label',
      30_000,
    );
    assert.ok(tree!.length > 0);

    // Nothing outside design/tasks on the design-docs branch, nothing executed, the user's checkout as it was.
    const tracked = execFileSync('git', ['ls-files'], { cwd: repo.designDocsRoot, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const stray = tracked.filter(
      (p) =>
        !p.startsWith('design/tasks/') &&
        !/^(README\.md|design\/README\.md|design\/spectask-counter\.json|\.spectask.*)$/.test(p),
    );
    assert.deepEqual(stray, [], 'files outside design/tasks on the design-docs branch');
    assert.equal(fs.existsSync(CANARY), false, 'a shell metacharacter in a title ran a command');
    assert.deepEqual(checkoutState(repo.root), before, "the user's checkout changed");

    if (driverAvailable()) {
      await vscode.commands.executeCommand('spectask.tasks.focus');
      await snap('hostile-titles-tree', '.pane-body [role=treeitem]:has-text("gnp.exe")');
    }
  });

  it('a title with a command link is planned by a real agent; the "ready for review" notification shows it as text, not a link', async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const script = path.join(ext.extensionPath, 'test', 'fixtures', 'agents', 'plan-agent.mjs');
    const cfg = vscode.workspace.getConfiguration('spectask');
    await cfg.update('customCommand.template', `node ${script} {prompt}`, vscode.ConfigurationTarget.Global);
    await cfg.update('agents.planning.backend', 'custom', vscode.ConfigurationTarget.Global);
    try {
      fs.rmSync(CANARY, { force: true });
      const title = `${LINK_TITLE} $(touch ${CANARY})`;
      const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
      await vscode.commands.executeCommand('spectask.task.create', { goal: title, start: 'plan', backend: 'custom' });
      const id = (await eventually(
        () => repo.orchestrator.taskViews().find((t) => !known.has(t.id))?.id,
        'the SpecTask is created',
      ))!;
      await eventually(
        () => repo.orchestrator.task(id)?.status === 'spec_review',
        `SpecTask ${id} reaches spec review (${JSON.stringify(repo.orchestrator.task(id)?.error)})`,
        60_000,
      );
      assert.equal(fs.existsSync(CANARY), false, 'the title in the agent prompt ran a command');
      if (!driverAvailable()) return void console.log('    (the notification DOM check needs the UI driver; skipped)');
      await vscode.commands.executeCommand('notifications.showList');
      const text = (await eventually(
        async () => {
          const t = await readText('.notifications-center .notification-list-item-message');
          return t.includes('is ready for review') ? t : undefined;
        },
        'the ready-for-review notification is shown',
        60_000,
      ))!;
      // Rendered as a link, the notification would show only "Continue"; as text it shows the brackets.
      assert.ok(
        text.includes('[Continue] (command:'),
        `the notification shows the title as text: ${text.slice(0, 300)}`,
      );
      await snap(
        'hostile-title-notification',
        '.notifications-center .notification-list-item-message:has-text("ready for review")',
      );
      await vscode.commands.executeCommand('notifications.hideList');
    } finally {
      await cfg.update('customCommand.template', undefined, vscode.ConfigurationTarget.Global);
      await cfg.update('agents.planning.backend', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
