import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newSpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { nextTaskNumber, recordTaskNumber } from '../../src/core/docs/taskNumbering';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { agentCli, AGENT_CLIS_DIR } from '../e2e/support/agentClis';
import { click, driverAvailable, eventually, press, readText, snap } from './driver';

// Issue 22, a new user's first hour: connecting an agent. The CLIs are found in the usual places (here the
// repository's own ~/.cache/spectask-agent-clis) and the path used is shown; a changed path setting is confirmed;
// Create with a back-end that cannot run is refused in one sentence with the button that leads to the fix.

const EXTENSION_ID = 'spectask.spectask';

describe('connecting an agent: found, confirmed, or refused with the reason', () => {
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;
  const cfg = () => vscode.workspace.getConfiguration('spectask');
  const savedKey = process.env.ANTHROPIC_API_KEY;

  before(async function () {
    this.timeout(120_000);
    api = await vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID)!.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = await eventually(() => api.services.repositories()[0], 'the repository opens');
    // A key counts as a login for the claude probe (the agents read process.env through their allow-list).
    process.env.ANTHROPIC_API_KEY = 'sk-ant-setup-test';
    existingBefore = new Set(repo.orchestrator.taskViews().map((t) => t.id));
  });
  let existingBefore = new Set<string>();
  // The suites share one workspace, and others count the Backlog: the SpecTasks made here leave with their folders.
  after(async function () {
    this.timeout(60_000);
    const mine = repo.orchestrator.taskViews().filter((t) => !existingBefore.has(t.id));
    for (const t of mine) fs.rmSync(repo.taskFolder(t.id)!, { recursive: true, force: true });
    for (const t of mine) await repo.docs.store.commitFolder(t.id, 'remove test SpecTask').catch(() => undefined);
    await eventually(
      () => !repo.orchestrator.taskViews().some((t) => !existingBefore.has(t.id)),
      'the test SpecTasks are gone',
    );
  });
  after(async () => {
    for (const k of ['agents.claudePath', 'agents.codexPath'])
      await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = savedKey;
  });

  const notifications = async () => {
    await vscode.commands.executeCommand('notifications.showList');
    try {
      return await readText('.notifications-center');
    } finally {
      await vscode.commands.executeCommand('notifications.hideList');
    }
  };

  it('Create with a back-end that cannot run creates nothing and says why, with [Configure Agent Back-ends]', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    await cfg().update('agents.codexPath', '/nonexistent/spectask-test/codex', vscode.ConfigurationTarget.Global);
    const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
    await vscode.commands.executeCommand('spectask.task.create', {
      goal: 'Add a greeting endpoint (refused)',
      start: 'plan',
      backend: 'codex',
    });
    assert.deepEqual(
      repo.orchestrator.taskViews().filter((t) => !known.has(t.id)),
      [],
      'no SpecTask was created, so no card shows an agent "working" that cannot start',
    );
    if (!driverAvailable()) return void console.log('    (the notification DOM check needs the UI driver; skipped)');
    const text = await eventually(
      async () => {
        const t = await notifications();
        return t.includes('Codex CLI cannot run') ? t : '';
      },
      'the refusal is in the notification centre',
      60_000,
    );
    assert.match(
      text,
      /Codex CLI cannot run: '\/nonexistent\/spectask-test\/codex' does not exist or is not executable\./,
    );
    assert.ok(text.includes('Configure Agent Back-ends'), `the refusal has the Configure button: ${text}`);
    assert.doesNotMatch(text, /Install it with/, 'one sentence, not the whole probe text');
    // The path change was confirmed with the same sentence: VS Code keeps one notification for the one cause.
    assert.equal(text.split('Codex CLI cannot run').length - 1, 1, `one notification for one cause:\n${text}`);
  });

  it('with the path setting empty, Claude Code is found in ~/.cache/spectask-agent-clis and the list shows that path', async function () {
    this.timeout(180_000);
    const bin = agentCli('claude');
    if (path.dirname(bin) !== path.join(AGENT_CLIS_DIR, 'node_modules', '.bin') || process.env.AGENT_CLIS) {
      console.log('    skipped: the pinned CLIs are not in the default ~/.cache/spectask-agent-clis');
      return this.skip();
    }
    if (!driverAvailable()) {
      console.log('    (reading the quick pick needs the UI driver of the code-server run; skipped)');
      return this.skip();
    }
    await cfg().update('agents.claudePath', '', vscode.ConfigurationTarget.Global);
    void vscode.commands.executeCommand('spectask.backends.configure');
    const rows = await eventually(
      async () => {
        const t = await readText('.quick-input-widget .monaco-list-row');
        // Rows fill in as each probe answers: wait for Claude Code's.
        const claude = /Claude Code[\s\S]*?(Using|Unavailable|Looking…)/.exec(t);
        return claude && claude[1] !== 'Looking…' ? t : '';
      },
      'the back-end list is shown',
      90_000,
    );
    await snap('agent-setup-configure-list', '.quick-input-widget');
    await press('Escape');
    // Not on the extension host's PATH here: the row names the cache it was found in, whatever PATH holds.
    assert.ok(
      rows.includes(`Using ${bin}`) || rows.includes('found in'),
      `the Claude Code row shows the path used: ${rows.slice(0, 1500)}`,
    );
    assert.match(rows, /Claude Code[\s\S]*?Using \/\S*claude 2\.1\.330/);
  });

  it('a changed path setting is confirmed with the path and version used', async function () {
    this.timeout(120_000);
    const bin = agentCli('claude');
    await vscode.commands.executeCommand('notifications.clearAll');
    await cfg().update('agents.claudePath', bin, vscode.ConfigurationTarget.Global);
    if (!driverAvailable()) return void console.log('    (the notification DOM check needs the UI driver; skipped)');
    const text = await eventually(
      async () => {
        const t = await notifications();
        return t.includes('Claude Code: using') ? t : '';
      },
      'the confirmation is in the notification centre',
      90_000,
    );
    assert.ok(text.includes(`Claude Code: using ${bin} 2.1.330.`), text);
  });

  it('Create SpecTask is one input; Advanced… sets what it waits for (checked) and keeps it in the backlog', async function () {
    this.timeout(180_000);
    if (!driverAvailable()) {
      console.log('    (typing into the quick input needs the UI driver of the code-server run; skipped)');
      return this.skip();
    }
    const before = new Set(repo.orchestrator.taskViews().map((t) => t.id));
    await vscode.commands.executeCommand('spectask.task.create', {
      goal: 'Add a farewell endpoint (dependency)',
      start: 'backlog',
    });
    const dep = repo.orchestrator.taskViews().find((t) => !before.has(t.id))!;
    assert.ok(dep, 'the SpecTask it will depend on is created');
    const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
    void vscode.commands.executeCommand('spectask.task.create');
    await eventually(
      async () => (await readText('.quick-input-widget .quick-input-title')).includes('Create SpecTask'),
      'the goal box is shown',
    );
    const rowsAtFirst = await readText('.quick-input-widget');
    assert.doesNotMatch(rowsAtFirst, /Back-end|Priority|Base branch/, 'the first screen asks only for the goal');
    await typeText('Add a goodbye page');
    await click('.quick-input-widget [aria-label^="Advanced"]');
    const list = async (what: string) =>
      eventually(async () => {
        const t = await readText('.quick-input-widget .monaco-list-row');
        return t.includes(what) ? t : '';
      }, `the advanced list shows ${what}`);
    await list('Depends on: nothing');
    await typeText('Depends');
    await press('Enter');
    await eventually(
      async () => (await readText('.quick-input-widget')).includes('waits for'),
      'the depends-on box is shown',
    );
    await typeText('999999');
    const refused = await eventually(async () => {
      const t = await readText('.quick-input-widget');
      return t.includes('no SpecTask #999999') ? t : '';
    }, 'a SpecTask that does not exist is refused as the CLI refuses it');
    assert.ok(refused);
    for (let i = 0; i < 6; i++) await press('Backspace');
    await typeText(String(dep.number));
    await press('Enter');
    await list(`Depends on: #${dep.id}`);
    await typeText('Then');
    await press('Enter');
    await typeText('Keep');
    await press('Enter');
    await list('Then: keep it in the backlog');
    await snap('create-advanced-list', '.quick-input-widget');
    await typeText('Create');
    await press('Enter');
    const created = (await eventually(
      () => repo.orchestrator.taskViews().find((t) => !known.has(t.id)),
      'the SpecTask is created',
      60_000,
    ))!;
    assert.equal(created.title, 'Add a goodbye page');
    assert.equal(created.status, 'backlog');
    assert.deepEqual((await repo.docs.store.get(created.id)).record?.dependsOn, [dep.id]);
  });

  it('Enter in the goal box creates with the defaults, and a default back-end that cannot run refuses it', async function () {
    this.timeout(120_000);
    if (!driverAvailable()) {
      console.log('    (typing into the quick input needs the UI driver of the code-server run; skipped)');
      return this.skip();
    }
    await cfg().update('agents.codexPath', '/nonexistent/spectask-test/codex', vscode.ConfigurationTarget.Global);
    await cfg().update('agents.planning.backend', 'codex', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('notifications.clearAll');
      const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
      void vscode.commands.executeCommand('spectask.task.create');
      await eventually(
        async () => (await readText('.quick-input-widget .quick-input-title')).includes('Create SpecTask'),
        'the goal box is shown',
      );
      await typeText('Add a status page');
      await press('Enter');
      await eventually(
        async () => (await notifications()).includes('Codex CLI cannot run'),
        'the refusal is in the notification centre',
        60_000,
      );
      assert.deepEqual(
        repo.orchestrator.taskViews().filter((t) => !known.has(t.id)),
        [],
        'nothing was created',
      );
    } finally {
      await cfg().update('agents.planning.backend', undefined, vscode.ConfigurationTarget.Global);
    }
  });
  it('the activity-bar badge counts the SpecTasks waiting for you', async function () {
    this.timeout(120_000);
    const waiting = () =>
      api.services
        .repositories()
        .flatMap((r) => r.orchestrator.taskViews())
        .filter((t) => t.status === 'spec_review' || t.status === 'implementation_review').length;
    // One SpecTask planted straight in spec review (no agent runs), committed through the store.
    const docs = repo.docs;
    const n = await nextTaskNumber(docs.location.worktreePath);
    const id = String(n).padStart(6, '0');
    const dir = path.join(docs.location.worktreePath, 'design', 'tasks', `${id}_badge-check`);
    fs.mkdirSync(dir, { recursive: true });
    const rec = {
      ...newSpecTaskRecord({ number: n, title: 'Badge check', baseBranch: 'main' }),
      status: 'spec_review',
    };
    rec.history.push({
      at: new Date().toISOString(),
      from: 'backlog',
      to: 'spec_review',
      trigger: 'planted by the test',
    });
    for (const f of ['requirements.md', 'design.md', 'tasks.md']) fs.writeFileSync(path.join(dir, f), `# ${f}\n`);
    fs.writeFileSync(path.join(dir, 'spectask.json'), JSON.stringify(rec, null, 2) + '\n');
    await recordTaskNumber(docs.location.worktreePath, n);
    await docs.store.commitFolder(id, 'planted by the badge test');
    await eventually(() => repo.orchestrator.task(id)?.status === 'spec_review', 'the planted SpecTask is read');
    if (!driverAvailable()) return void console.log('    (the activity-bar DOM check needs the UI driver; skipped)');
    const expected = waiting();
    assert.ok(expected >= 1);
    const badge = await eventually(async () => {
      const t = (
        await readText('.activitybar .action-item:has(.action-label[aria-label^="SpecTasks"]) .badge-content')
      ).trim();
      return t === String(expected) ? t : '';
    }, `the SpecTasks icon shows ${expected}`).catch(async (e) => {
      await snap('agent-setup-badge-missing');
      throw e;
    });
    assert.equal(badge, String(expected));
  });
});

async function typeText(text: string): Promise<void> {
  for (const ch of text) await press(ch === ' ' ? 'Space' : ch);
}
