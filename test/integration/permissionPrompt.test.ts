import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpecTaskApi, TreeSnapshotNode } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { click, driverAvailable, eventually, readText, snap } from './driver';

const EXTENSION_ID = 'spectask.spectask';
/** Relative: the agent writes it in its cwd, the code worktree, one of the few places its sandbox lets it write. */
const AGENT_LOG = '.acp-agent.log';

const findTask = (nodes: TreeSnapshotNode[], title: RegExp): TreeSnapshotNode | undefined =>
  nodes.flatMap((g) => g.children ?? []).find((n) => title.test(n.label));

// "Waiting for you" in a real VS Code (issue 20): an ACP agent (test/fixtures/agents/acp-asking-agent.mjs, the
// SDK's agent side, configured as an ACP agent through the machine-scoped settings and run in the agent sandbox
// like any agent) asks for a fetch its planning level cannot decide; the card, the tree item, the status bar and
// a notification show it; Allow once on the dashboard card lets the agent go on; the transcript shows it all.
describe('an ACP permission request a person answers, in a real VS Code', function () {
  this.timeout(180_000);
  let api: SpecTaskApi;
  let repo: SpecTaskRepository;
  const cfg = () => vscode.workspace.getConfiguration('spectask');
  const settings: [string, unknown][] = [
    ['agents.acp.agents', undefined],
    ['agents.acp.agent', 'asking'],
    ['agents.planning.backend', 'acp'],
    ['agents.permissionTimeoutSeconds', 0],
  ];
  const savedEnv = {
    ACP_ASKS: process.env.ACP_ASKS,
    ACP_HOLD: process.env.ACP_HOLD,
    ACP_SCRIPT_LOG: process.env.ACP_SCRIPT_LOG,
  };

  before(async function () {
    const ext = vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    repo = await eventually(() => api.services.repositories()[0], 'the repository opens');
    // Another suite may have put a fixture source in front of the orchestrator's own snapshots.
    api._testSetFleetSnapshotSource(undefined);
    // Bundled with the SDK by esbuild.mjs: in the sandbox only the script is readable, not the clone's node_modules.
    const agent = path.join(ext.extensionPath, 'out', 'test', 'fixtures', 'acp-asking-agent.mjs');
    settings[0][1] = [
      { name: 'asking', command: [process.execPath, agent], envAllow: ['ACP_ASKS', 'ACP_HOLD', 'ACP_SCRIPT_LOG'] },
    ];
    // Two questions: the first is allowed from the card, the second rejected. Then the agent holds its turn until
    // Stop: a planning run that ended without documents would be nudged into a second run, and the transcript
    // command shows the latest.
    Object.assign(process.env, { ACP_ASKS: '2', ACP_HOLD: '1', ACP_SCRIPT_LOG: AGENT_LOG });
    for (const [k, v] of settings) await cfg().update(k, v, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    for (const [k] of settings) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    for (const [k, v] of Object.entries(savedEnv))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  it('shows the request on the card, the tree item, the status bar and a notification; Allow once lets the agent go on', async () => {
    // The repository as open now: initializing the design-docs branch may have opened it again since before().
    await api._testRefreshRepositories();
    repo = await eventually(() => api.services.repositories()[0], 'the repository is open');
    const id = await repo.orchestrator.create(
      { title: 'Fetch the example page', backend: 'acp' },
      { startPlanning: true },
    );
    const cardOf = () => repo.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id);
    /** Waits; a failure says the task's state at its deadline. */
    const until = async <T>(fn: () => Promise<T> | T, what: string, timeoutMs?: number): Promise<T> =>
      eventually(fn, what, timeoutMs).catch((e) => {
        const t = repo.orchestrator.task(id);
        throw new Error(
          `${(e as Error).message}: ${JSON.stringify({ status: t?.status, error: t?.error, card: cardOf() })}`,
        );
      });
    try {
      const first = (await until(() => cardOf()?.permissionRequest, 'the card shows the permission request', 90_000))!;
      assert.equal(first.title, 'Fetch https://example.com');
      assert.equal(first.kind, 'fetch');
      await until(
        async () =>
          /waiting for you/.test(findTask(await api._testTreeSnapshot(), /Fetch the example page/)?.description ?? ''),
        'the tree item says it waits for you',
      );
      await until(
        () => api._testStatusBarText().includes('1 waiting for you'),
        `the status bar counts it (now '${api._testStatusBarText()}')`,
      );
      if (driverAvailable()) {
        await vscode.commands.executeCommand('notifications.showList');
        const notes = await until<string>(async () => {
          const t = await readText('.notifications-center');
          return /waits for you: Fetch https:\/\/example\.com/.test(t) ? t : '';
        }, 'the notification appears');
        assert.match(notes, /Allow once/);
        await snap('permission-notification', '.notifications-center');
        await vscode.commands.executeCommand('notifications.hideList');
        await vscode.commands.executeCommand('spectask.fleet.open');
        const prompt = `article.card[data-task-id="${id}"] .card-permission`;
        assert.match(await readText(prompt), /Waiting for you: Fetch https:\/\/example\.com/);
        await snap('permission-card', `article.card[data-task-id="${id}"]`);
        // Allow once from the dashboard: the same message the keyboard sends.
        await click(`${prompt} vscode-button[data-answer="allow_once"]`);
      } else {
        console.log(
          'the dashboard and the notification can only be read through the Playwright driver: answering through the command path',
        );
        assert.equal(repo.orchestrator.permissions.answer(id, first.requestId, 'allow_once'), true);
      }
      // The agent went on: it fetched (wrote the file) and asked again for the second call ("Allow once" covers one).
      const second = (await until(() => {
        const r = cardOf()?.permissionRequest;
        return r && r.requestId !== first.requestId ? r : undefined;
      }, 'the agent continues and asks again'))!;
      const worktree = repo.codeWorktree(id)!;
      assert.equal(fs.readFileSync(path.join(worktree, 'fetched.txt'), 'utf8'), 'q1\n');
      assert.equal(repo.orchestrator.permissions.answer(id, second.requestId, 'reject'), true);
      await until(() => !cardOf()?.permissionRequest, 'the card waits no more');
      await until(
        () => !api._testStatusBarText().includes('waiting for you'),
        `the status bar no longer counts it (now '${api._testStatusBarText()}')`,
      );
      // The agent got both answers: the first as the card gave it, the second rejected.
      const outcomes = (await until(() => {
        const log = path.join(worktree, AGENT_LOG);
        const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
        const answered = lines.map((l) => JSON.parse(l)).filter((l) => l.permission);
        return answered.length === 2 ? answered : undefined;
      }, 'the agent logs both answers'))!;
      assert.deepEqual(
        outcomes.map((l: { permission: string; outcome: { optionId?: string } }) => [l.permission, l.outcome.optionId]),
        [
          ['q1', 'yes'],
          ['q2', 'no'],
        ],
      );
      // The transcript shows the requests and their answers, under a readable tab title.
      await vscode.commands.executeCommand('spectask.task.showTranscript', { repoRoot: repo.root, taskId: id });
      const doc = (await until(
        () =>
          vscode.window.activeTextEditor?.document.uri.scheme === 'spectask-transcript' &&
          vscode.window.activeTextEditor.document,
        'the transcript opens',
      )) as vscode.TextDocument;
      assert.match(decodeURIComponent(doc.uri.path), /\/#\d{6} Fetch the example page — planning, run 1\.log$/);
      await until(() => /permission denied: .*rejected by you/.test(doc.getText()), 'the transcript has the answers');
      assert.match(doc.getText(), /permission allowed: .*allowed by the person/);
    } finally {
      // The suites share one workspace, and others count the groups of the tree: this SpecTask leaves.
      await repo.orchestrator.stop(id).catch(() => undefined);
      fs.rmSync(repo.taskFolder(id)!, { recursive: true, force: true });
      await repo.docs.store.commitFolder(id, 'remove test SpecTask').catch(() => undefined);
      await eventually(() => !repo.orchestrator.task(id), 'the test SpecTask is gone');
    }
  });
});
