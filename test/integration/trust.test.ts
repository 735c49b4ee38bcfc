import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import { click, driverAvailable, eventually, press, readText, snap } from './driver';

// Issue 18 finding 1: a folder's own .git/hooks and core.fsmonitor used to run in Restricted Mode, because the
// extension opened every repository on activation. This suite runs in a session of its own (scripts/test-tier.mjs
// runTrustSession) with Workspace Trust ON, on a repository armed like a hostile clone
// (scripts/lib/make-hostile-repo.sh): hooks and core.fsmonitor that leave a marker file when they run, agent
// programs of its own, permissionLevel "full", and an endpoint (a recorder process) for the API key. The
// extension host finds `git` first in a folder whose `git` logs every call (TRUST_GIT_LOG).
// Untrusted: no git process, no marker, no request; the views say why. Then trust is granted through VS Code's
// own Workspace Trust editor (clicked by the UI driver) and everything starts without a reload; the user's
// settings win over the workspace's, and nothing reaches the hostile endpoint.

const EXTENSION_ID = 'spectask.spectask';
const env = {
  markers: process.env.TRUST_MARKERS ?? '',
  gitLog: process.env.TRUST_GIT_LOG ?? '',
  hostileLog: process.env.TRUST_HOSTILE_LOG ?? '',
  hostileUrl: process.env.TRUST_HOSTILE_URL ?? '',
};
const markers = () => (fs.existsSync(env.markers) ? fs.readdirSync(env.markers) : []);
const gitCalls = () => fs.readFileSync(env.gitLog, 'utf8').split('\n').filter(Boolean);
const hostileRequests = () => fs.readFileSync(env.hostileLog, 'utf8').split('\n').filter(Boolean);

async function typeText(text: string): Promise<void> {
  for (const ch of text) await press(ch === ' ' ? 'Space' : ch);
}

/** Configure Agent Back-ends (which probes every back-end first) → the OpenAI-compatible endpoint's actions. */
async function openEndpointActions(): Promise<void> {
  void vscode.commands.executeCommand('spectask.backends.configure');
  await eventually(
    async () => (await readText('.quick-input-widget .monaco-list-row')).includes('OpenAI-compatible'),
    'Configure Agent Back-ends lists the back-ends',
    60_000,
  );
  await typeText('OpenAI-compatible');
  await press('Enter');
  await eventually(
    async () => (await readText('.quick-input-widget .monaco-list-row')).includes('Set the API key'),
    'the OpenAI-compatible actions are shown',
  );
}

describe('an untrusted workspace runs no git and no agent (Workspace Trust on, a hostile repository)', () => {
  let api: SpecTaskApi;
  let userEndpoint: http.Server | undefined;
  const userRequests: string[] = [];

  before(async function () {
    if (!env.markers || !env.gitLog || !env.hostileLog || !driverAvailable()) {
      console.log('    (skipped: needs the trust session of scripts/test-tier.mjs integration and its UI driver)');
      return this.skip();
    }
    const ext = vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });
  after(async () => {
    await new Promise<void>((resolve) => (userEndpoint ? userEndpoint.close(() => resolve()) : resolve()));
    const cfg = vscode.workspace.getConfiguration();
    for (const k of ['spectask.openaiCompatible.baseUrl', 'spectask.openaiCompatible.model'])
      await cfg.update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  it('opens untrusted: no git process, no hook or fsmonitor, no probe, no request; the views say why', async function () {
    this.timeout(120_000);
    assert.equal(vscode.workspace.isTrusted, false, 'the session must open the folder untrusted (Restricted Mode)');
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(fs.existsSync(path.join(ws, '.git', 'hooks', 'post-checkout')), 'the hostile hooks are in place');
    // VS Code has read the workspace settings (a setting that is not restricted applies even untrusted).
    await eventually(
      () => vscode.workspace.getConfiguration('spectask').get('dashboard.contextItems') === 7,
      'VS Code reads the workspace settings',
    );

    // Everything that used to reach git or an agent: activation's refresh, the views, the commands.
    await api._testRefreshRepositories();
    await vscode.commands.executeCommand('workbench.view.extension.spectask');
    await vscode.commands.executeCommand('notifications.clearAll');
    for (const command of [
      'spectask.tasks.refresh',
      'spectask.task.startPlanning',
      'spectask.task.accept',
      'spectask.implementation.review',
      'spectask.designDocs.sync',
    ])
      await vscode.commands.executeCommand(command);
    void vscode.commands.executeCommand('spectask.designDocs.init'); // may wait on its error message
    void vscode.commands.executeCommand('spectask.backends.configure'); // probes every back-end first
    await eventually(
      async () => (await readText('.quick-input-widget .monaco-list-row')).includes('OpenAI-compatible'),
      'Configure Agent Back-ends lists the back-ends',
      60_000,
    );
    const rows = await readText('.quick-input-widget .monaco-list-row');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    assert.deepEqual(api.services.repositories(), [], 'no repository may be opened untrusted');
    assert.deepEqual(gitCalls(), [], 'the extension started git in an untrusted workspace');
    assert.deepEqual(markers(), [], 'a hook, the fsmonitor or a planted agent program ran');
    assert.deepEqual(hostileRequests(), [], "a request reached the workspace's endpoint");
    assert.match(rows, /not trusted/, `the back-ends say why they are unavailable: ${rows}`);

    // The views say why, with the button that opens VS Code's trust editor.
    const welcome = await eventually<string>(async () => {
      const t = await readText('.welcome-view-content');
      return /not trusted/.test(t) ? t : '';
    }, 'the SpecTasks view says the workspace is not trusted');
    assert.match(welcome, /Manage Workspace Trust/);
    await vscode.commands.executeCommand('notifications.showList');
    const notices = await eventually<string>(async () => {
      const t = await readText('.notifications-center .notification-list-item-message');
      return /not trusted/.test(t) ? t : '';
    }, 'a command says the workspace is not trusted');
    console.log(`    notifications: ${notices.replace(/\n/g, ' | ')}`);
    await snap('trust-untrusted', '.welcome-view-content');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('once trusted (no reload): opens the repository with hardened git; the user settings win; nothing reaches the hostile endpoint', async function () {
    this.timeout(180_000);
    // The user's own endpoint (machine settings), recording what reaches it.
    userEndpoint = http.createServer((req, res) => {
      userRequests.push(`${req.method} ${req.url} ${String(req.headers.authorization ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
    });
    await new Promise<void>((resolve) => userEndpoint!.listen(0, '127.0.0.1', resolve));
    const userUrl = `http://127.0.0.1:${(userEndpoint.address() as AddressInfo).port}/v1`;
    const global = vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration().update('spectask.openaiCompatible.baseUrl', userUrl, global);
    await vscode.workspace.getConfiguration().update('spectask.openaiCompatible.model', 'user-model', global);

    // Trust the folder the way a person does: VS Code's Workspace Trust editor, its "Trust" button.
    await vscode.commands.executeCommand('workbench.trust.manage');
    await click('.workspace-trust-editor .monaco-button:text-is("Trust")');
    await eventually(() => vscode.workspace.isTrusted, 'the workspace is trusted');

    // The hub probes the folder and finds a repository without a design-docs branch; initializing it runs
    // `git worktree add` (post-checkout), a commit (pre-commit, post-commit) and ref updates (reference-transaction).
    await eventually(() => gitCalls().length > 0, 'the extension runs git once the workspace is trusted', 60_000);
    await vscode.commands.executeCommand('spectask.designDocs.init');
    await eventually(() => api.services.repositories().length === 1, 'the repository opens', 60_000);
    const calls = gitCalls();
    assert.ok(
      calls.some((c) => / worktree add /.test(c)),
      `the wrapper saw the extension's git (so "no call" above is meaningful): ${calls.join('\n')}`,
    );
    assert.deepEqual(markers(), [], "the host's git ran a hook or the fsmonitor of the repository");

    // The back-ends are probed on trust: with the user's settings, not the workspace's.
    await eventually(
      () => userRequests.some((r) => r.startsWith('GET /v1/models')),
      "the endpoint probe reaches the user's endpoint",
      60_000,
    );
    const cfg = vscode.workspace.getConfiguration('spectask');
    assert.equal(cfg.get('openaiCompatible.baseUrl'), userUrl, "the user's base URL wins");
    assert.notEqual(cfg.get('agents.permissionLevel'), 'full', "the workspace's permission level is ignored");
    assert.equal(cfg.get('customCommand.template'), '', "the workspace's custom command is ignored");
    assert.equal(cfg.get('agents.claudePath'), '', "the workspace's claude path is ignored");
    assert.deepEqual(markers(), [], 'a planted agent program ran (a probe runs each binary with --version)');
    assert.deepEqual(hostileRequests(), [], "a request (and with it a key) reached the workspace's endpoint");

    // A key entered for the user's endpoint (SecretStorage, bound to its origin), then the probe again.
    const key = `sk-trust-${Date.now().toString(36)}`;
    await openEndpointActions();
    await typeText('Set the API key');
    await press('Enter');
    await eventually(
      async () => (await readText('.quick-input-widget .quick-input-title')).includes('API key'),
      'the API key box is shown',
    );
    await typeText(key);
    await press('Enter');
    await vscode.commands.executeCommand('notifications.showList');
    await eventually(
      async () =>
        (await readText('.notifications-center .notification-list-item-message')).includes('stored in SecretStorage'),
      'the key is stored',
    );
    // Trusting applied the workspace's settings file, which sets the CLI paths: VS Code reports those keys as
    // changed, but the user's values are the ones in effect and did not change, so no path is "confirmed" (its
    // warning used to land while the key was typed, and the key box closed with the key lost).
    const shown = await readText('.notifications-center .notification-list-item-message');
    assert.doesNotMatch(shown, /cannot run|: using /, `trusting changed no path the user set:\n${shown}`);
    await vscode.commands.executeCommand('notifications.hideList');
    const probesBefore = userRequests.length;
    await openEndpointActions();
    await press('Escape');
    await eventually(() => userRequests.length > probesBefore, "the probe reaches the user's endpoint again", 60_000);
    assert.deepEqual(hostileRequests(), [], "a request (and with it the key) reached the workspace's endpoint");
    assert.ok(
      userRequests.every((r) => r.endsWith(' ')),
      `a probe must send no key: ${userRequests.join(' | ')}`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // the trust editor
    await snap('trust-trusted', '.pane-header[aria-label^="SpecTasks"]');
  });
});
