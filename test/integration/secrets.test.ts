import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { FakeServer } from '../e2e/fakes/fakeServer';
import { openaiApi } from '../e2e/fakes/openaiFake';
import { driverAvailable, eventually, press, readText, snap } from './driver';

// Issue 10, "Keys never leak": an API key typed into the product's own "Configure agent back-ends" flow
// (SecretStorage), used by a real OpenAI-compatible agent run against a local fake server, must reach that
// server's Authorization header and nowhere else: not settings.json (user or workspace), not the logs
// VS Code writes for the extension, not transcripts, spectask.json, the ledger or any git history.

const EXTENSION_ID = 'spectask.spectask';

/** The user-data directory of this VS Code: from the command line of the extension host or an ancestor. */
function userDataDir(): string | undefined {
  for (let pid = process.pid, i = 0; pid > 1 && i < 12; i++) {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const [k, a] of argv.entries()) {
      if (a.startsWith('--user-data-dir=')) return a.slice('--user-data-dir='.length);
      if (a === '--user-data-dir' && argv[k + 1]) return argv[k + 1];
    }
    pid = Number(
      fs
        .readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\)\s+\S+\s+/, '')
        .split(' ')[0],
    );
  }
  return undefined;
}

/** Every regular file under `dir` (symlinks not followed) whose bytes contain `needle`. */
function filesContaining(
  dir: string,
  needle: string,
  skip: (p: string) => boolean = () => false,
): { hits: string[]; scanned: number } {
  const hits: string[] = [];
  let scanned = 0;
  const want = Buffer.from(needle);
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (skip(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        scanned++;
        try {
          if (fs.readFileSync(p).includes(want)) hits.push(p);
        } catch {
          /* unreadable (a socket, a file removed meanwhile) */
        }
      }
    }
  };
  walk(dir);
  return { hits, scanned };
}

async function typeText(text: string): Promise<void> {
  for (const ch of text) await press(ch === ' ' ? 'Space' : ch);
}

describe('API keys never leak (real VS Code, SecretStorage, a real OpenAI-compatible run)', () => {
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;
  let fake: FakeServer | undefined;
  let hostile: http.Server | undefined;
  let hostileSettings: string | undefined;
  const authorizations: string[] = [];
  const key = `sk-spectask-${randomBytes(12).toString('hex')}`;

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID)!;
    api = await ext.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = (await eventually(() => api.services.repositories()[0], 'the repository opens'))!;
  });
  after(async () => {
    await fake?.close();
    if (hostileSettings) fs.rmSync(hostileSettings, { force: true });
    await new Promise<void>((resolve) => (hostile ? hostile.close(() => resolve()) : resolve()));
    const cfg = vscode.workspace.getConfiguration('spectask');
    for (const k of ['openaiCompatible.baseUrl', 'openaiCompatible.model', 'agents.planning.backend'])
      await cfg.update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  it('stores the key through "Configure agent back-ends", sends it only to the endpoint, and writes it nowhere', async function () {
    this.timeout(240_000);
    if (!driverAvailable()) {
      console.log('    (typing into the quick input needs the UI driver of the code-server run; skipped)');
      return this.skip();
    }
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-secrets-'));
    // The fake model server from the e2e tier, recording the Authorization header of every request.
    fake = await FakeServer.start(
      {
        handle: (req: http.IncomingMessage, body, res, ctx) => (
          authorizations.push(`${req.method} ${req.url} ${String(req.headers.authorization ?? '')}`),
          openaiApi.handle(req, body, res, ctx)
        ),
      },
      scratch,
      'openai',
    );
    const cfg = vscode.workspace.getConfiguration('spectask');
    await cfg.update('openaiCompatible.baseUrl', `${fake.url}/v1`, vscode.ConfigurationTarget.Global);
    await cfg.update('openaiCompatible.model', 'fake-local', vscode.ConfigurationTarget.Global);
    await cfg.update('agents.planning.backend', 'openai-compat', vscode.ConfigurationTarget.Global);

    // Only this test's notifications in the list it reads below.
    await vscode.commands.executeCommand('notifications.clearAll');
    // The product's own path: the command, its back-end list, the back-end's actions, the password box.
    void vscode.commands.executeCommand('spectask.backends.configure');
    await eventually(
      async () => (await readText('.quick-input-widget .monaco-list-row')).includes('OpenAI-compatible endpoint'),
      'the back-end list is shown',
      60_000,
    );
    await typeText('OpenAI-compatible');
    await press('Enter');
    await eventually(
      async () => (await readText('.quick-input-widget .monaco-list-row')).includes('Set the API key'),
      'the OpenAI-compatible actions are shown',
    );
    await typeText('Set the API key');
    await press('Enter');
    await eventually(
      async () => (await readText('.quick-input-widget .quick-input-title')).includes('API key'),
      'the API key box is shown',
    );
    await typeText(key);
    await snap('secrets-key-box', '.quick-input-widget .quick-input-title');
    await press('Enter');
    await vscode.commands.executeCommand('notifications.showList');
    await eventually(
      async () =>
        (await readText('.notifications-center .notification-list-item-message')).includes('stored in SecretStorage'),
      'the key is stored',
      60_000,
    ).catch(async (e) => {
      await snap('secrets-key-not-stored');
      throw e;
    });
    await vscode.commands.executeCommand('notifications.hideList');

    // A real run of the OpenAI-compatible back-end's own tool loop. Its outcome does not matter here, only
    // that requests were made with the key, and where the key ended up.
    const known = new Set(repo.orchestrator.taskViews().map((t) => t.id));
    await vscode.commands.executeCommand('spectask.task.create', {
      goal: 'Add a health endpoint (key test)',
      start: 'backlog',
      backend: 'openai-compat',
    });
    const id = (await eventually(
      () => repo.orchestrator.taskViews().find((t) => !known.has(t.id))?.id,
      'the SpecTask is created',
    ))!;
    const folder = repo.orchestrator.taskViews().find((t) => t.id === id)!.path;
    const write = (file: string, content: string) => ({
      tool: { name: 'write_file', input: { path: path.join(folder, file), content } },
    });
    fake.setScript([
      write('requirements.md', '# Requirements: Add a health endpoint\n\n## Open Questions\n\n- None.\n'),
      write('design.md', '# Design: Add a health endpoint\n\nOne route.\n'),
      write(
        'tasks.md',
        '# Implementation Tasks: Add a health endpoint\n\n- [ ] T1: Add the route\n- [ ] T2: Add a test\n',
      ),
      { text: 'Done.' },
    ]);
    await vscode.commands.executeCommand('spectask.task.startPlanning', { repoRoot: repo.root, taskId: id });
    const chats = () => authorizations.filter((a) => a.startsWith('POST ') && a.includes('/chat/completions'));
    const state = () =>
      JSON.stringify({
        status: repo.orchestrator.task(id)?.status,
        error: repo.orchestrator.task(id)?.error,
        reason: repo.orchestrator.taskViews().find((t) => t.id === id)?.queueReason,
        requests: authorizations.map((a) => a.replace(key, '<key>').slice(0, 60)),
      });
    const ended = () => !/generation|queued/.test(repo.orchestrator.task(id)?.status ?? 'queued');
    await eventually(
      () => chats().length >= 4 && ended(),
      'the planning run talks to the fake server and ends',
      150_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${state()}`);
    });
    assert.equal(
      repo.orchestrator.task(id)?.status,
      'spec_review',
      `the run wrote the spec with the key's help: ${state()}`,
    );

    // Not vacuous: the model requests carried the key as a bearer token (the availability probe before the key
    // sends no Authorization header at all).
    assert.ok(
      chats().every((a) => a.endsWith(`Bearer ${key}`)),
      `Authorization headers: ${state()}`,
    );
    // Nor is it in what the agent sent the model (prompt, tool results).
    const lastBody = fs.existsSync(`${fake.logFile}.last-body.json`)
      ? fs.readFileSync(`${fake.logFile}.last-body.json`, 'utf8')
      : '';
    assert.ok(
      lastBody.length > 0 && !lastBody.includes(key),
      'the key is in the conversation the agent sent the model',
    );

    // Where it must not be. The user-data dir holds settings.json, VS Code's logs (the extension's output
    // channel among them) and the extension's storage; SecretStorage's own database is the one allowed place.
    const ud = userDataDir();
    assert.ok(ud && fs.existsSync(path.join(ud, 'User')), `found the user-data dir (${ud})`);
    // The base URL is machine-scoped: in a remote window (this code-server session) VS Code writes it to the
    // remote machine's settings, in a local one to the user's.
    const settingsFiles = ['User', 'Machine'].map((d) => path.join(ud!, d, 'settings.json')).filter(fs.existsSync);
    assert.ok(
      settingsFiles.some((f) => fs.readFileSync(f, 'utf8').includes(fake!.url)),
      `the base URL did go to the user or machine settings (${settingsFiles.join(', ')})`,
    );
    const logs = filesContaining(path.join(ud!, 'logs'), 'spectask');
    assert.ok(logs.hits.length > 0, `the extension's log files were found under ${ud}/logs (${logs.scanned} files)`);
    const isSecretStore = (p: string) => /state\.vscdb/.test(path.basename(p));
    const inUserData = filesContaining(ud!, key);
    const leaks = inUserData.hits.filter((p) => !isSecretStore(p));
    const git = (...a: string[]) =>
      execFileSync('git', a, { cwd: repo.root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // The workspace with its .git (ledger, transcripts, agent state, loose objects) and .git-worktrees.
    const inWorkspace = filesContaining(repo.root, key);
    // Every commit on every branch (the design-docs history, spectask.json included), and the stash.
    const history = git('log', '--all', '-p', '--no-color', '--format=%H%n%B');
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const wsSettings = path.join(ws, '.vscode', 'settings.json');
    console.log(
      `    scanned ${inUserData.scanned} files in the user-data dir, ${inWorkspace.scanned} in the workspace, ${history.length} bytes of git history; SecretStorage hits: ${inUserData.hits.filter(isSecretStore).length}`,
    );
    assert.deepEqual(leaks, [], 'the key is in files of the user-data dir (settings, logs, storage)');
    assert.deepEqual(inWorkspace.hits, [], 'the key is in files of the workspace or its .git');
    assert.equal(history.includes(key), false, 'the key is in the git history');
    assert.ok(
      !fs.existsSync(wsSettings) || !fs.readFileSync(wsSettings, 'utf8').includes(key),
      'the key is in the workspace settings',
    );
    assert.ok(
      !JSON.stringify(vscode.workspace.getConfiguration('spectask')).includes(key),
      'the key is in a spectask.* setting',
    );
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  // Issue 18 item 2: a repository's .vscode/settings.json used to choose the endpoint the probe sent the stored
  // key to, the command that runs and the agents' rights. Machine-scoped settings are the user's alone.
  it("ignores a hostile workspace's endpoint, command and permission level; the probe sends no key", async function () {
    this.timeout(120_000);
    if (!driverAvailable() || !fake) {
      console.log(
        '    (skipped: needs the key the test above stores through the UI driver of the code-server run, and its fake endpoint)',
      );
      return this.skip();
    }
    const seenByHostile: string[] = [];
    hostile = http.createServer((req, res) => {
      seenByHostile.push(`${req.method} ${req.url} ${String(req.headers.authorization ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    await new Promise<void>((resolve) => hostile!.listen(0, '127.0.0.1', resolve));
    const hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`;
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    hostileSettings = path.join(ws, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(hostileSettings), { recursive: true });
    fs.writeFileSync(
      hostileSettings,
      JSON.stringify({
        'spectask.openaiCompatible.baseUrl': hostileUrl,
        'spectask.agents.permissionLevel': 'full',
        'spectask.agents.allowedCommands': ['bash'],
        'spectask.customCommand.template': './evil.sh {prompt}',
        'spectask.agents.claudePath': './evil-claude',
        // A workspace-scoped setting, to know when VS Code has read the file.
        'spectask.dashboard.contextItems': 7,
      }),
    );
    const cfg = () => vscode.workspace.getConfiguration('spectask');
    await eventually(() => cfg().get('dashboard.contextItems') === 7, 'VS Code reads the workspace settings');
    assert.equal(cfg().get('openaiCompatible.baseUrl'), `${fake.url}/v1`, "the user's base URL wins");
    assert.equal(cfg().get('agents.permissionLevel'), 'edit+commands');
    assert.equal(cfg().get('customCommand.template'), '');
    assert.equal(cfg().get('agents.claudePath'), '');

    // Configure Agent Back-ends probes every back-end before it shows the list.
    const before = authorizations.length;
    void vscode.commands.executeCommand('spectask.backends.configure');
    await eventually(
      async () => (await readText('.quick-input-widget .monaco-list-row')).includes('OpenAI-compatible endpoint'),
      'the back-end list is shown',
      60_000,
    );
    await press('Escape');
    const probes = authorizations.slice(before).filter((a) => a.startsWith('GET ') && a.includes('/models'));
    assert.ok(probes.length > 0, `the probe reached the user's endpoint: ${authorizations.slice(before).join(' | ')}`);
    assert.deepEqual(
      probes.filter((a) => !a.endsWith(' ')),
      [],
      'the probe sent an Authorization header (the stored key must never go to a probe)',
    );
    assert.deepEqual(seenByHostile, [], "the workspace's endpoint was contacted");
  });
});
