import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunLedger } from '../../src/core/orchestrator/ledger';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import type { DispatchedFleetAction } from '../../src/vscode/fleet/fleetWebviewController';
import { strays } from '../faults/procs';
import { cloneOf, remoteFile, remoteRef, startGitDaemon, type GitServer } from '../faults/workersWorld';
import { cleanupTemp, git, GIT_ENV, tempDir } from '../support/tempRepo';
import { click, driverAvailable, eventually, readText, snap } from './driver';

const TITLE = 'Show the remote card';
const ITEMS = Array.from({ length: 10 }, (_, i) => `T${i + 1}: step ${i + 1}`);
/** Per item: long enough that the card shows an item in progress and the Stop lands before the last one. */
const PAUSE_MS = 4000;

const cfg = () => vscode.workspace.getConfiguration('spectask');

/** The CLI of this build in `cwd`, synchronously (the seeding steps); its stdout. */
function cli(cliPath: string, cwd: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cliPath, ...args], {
    cwd,
    env: { ...GIT_ENV, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
}

/** The item states of a tasks.md ("x", "~", " "), in order. */
const states = (md: string) => [...md.matchAll(/^- \[([ x~])\]/gm)].map((m) => m[1]);

describe('remote runs in a real VS Code: a worker holds a SpecTask through the git remote', function () {
  this.timeout(240_000);
  let api: SpecTaskApi;
  let server: GitServer | undefined;
  let worker: (ChildProcess & { output: () => string }) | undefined;
  let workspaceRoot = '';
  const marker = `spectask-it-marker-${randomUUID()}`;
  // The worker's own command line carries the marker too (in its --custom-command): only its agents count.
  const agents = () => strays(marker).filter((p) => !p.cmdline.includes(path.join('dist', 'cli.js')));

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<SpecTaskApi>('spectask.spectask');
    assert.ok(ext);
    api = await ext.activate();
    await api._testRefreshRepositories();
    if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
    const repo = await eventually(() => api.services.repositories()[0], 'the repository opens');
    workspaceRoot = repo.root;
    api._testSetFleetSnapshotSource(undefined); // the orchestrator's own fleet (another suite may have set one)
  });

  after(async function () {
    this.timeout(60_000);
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    for (const p of agents()) process.kill(p.pid, 'SIGKILL');
    // The shared workspace goes back to how the other suites expect it: no pushing, no remote.
    await cfg().update('pushToRemote', undefined, vscode.ConfigurationTarget.Global);
    await api._testRefreshRepositories(); // after the reopen the setting's change causes
    if (workspaceRoot) {
      try {
        git(workspaceRoot, 'remote', 'remove', 'origin');
      } catch {
        // never added (the before hook failed first)
      }
    }
    await server?.stop();
    cleanupTemp();
  });

  it('shows the run on the dashboard "on worker host:pid" with its live current item; its Stop stops the worker\'s agent and releases the claim', async function () {
    const ext = vscode.extensions.getExtension('spectask.spectask')!;
    const CLI = path.join(ext.extensionPath, 'dist', 'cli.js');
    const AGENT = path.join(ext.extensionPath, 'test', 'fixtures', 'custom-agent', 'agent.mjs');
    const branch = api.services.repositories()[0]!.docs.location.branch;

    // The team's remote: the workspace's main and design-docs branches served by `git daemon`.
    const bare = path.join(tempDir('spectask-it-remote-'), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: GIT_ENV });
    server = await startGitDaemon(bare);
    git(workspaceRoot, 'remote', 'add', 'origin', server.url());
    git(workspaceRoot, 'push', '-q', 'origin', 'main:refs/heads/main', `${branch}:refs/heads/${branch}`);

    // A teammate queues a SpecTask for implementation (the CLI in their clone) and pushes it.
    const seed = cloneOf(server.url());
    cli(CLI, seed, 'create', TITLE, '--prompt', 'work remotely', '--priority', 'high');
    const docsWt = path.join(seed, '.git-worktrees', branch);
    const tasksDir = path.join(docsWt, 'design', 'tasks');
    const folder = fs.readdirSync(tasksDir).find((f) => f.endsWith('_show-the-remote-card'));
    assert.ok(folder, `the CLI created the SpecTask folder in ${tasksDir}`);
    const number = folder.slice(0, 6);
    const rel = `design/tasks/${folder}/tasks.md`;
    fs.writeFileSync(
      path.join(docsWt, rel),
      `# Implementation Tasks: ${TITLE}\n\n${ITEMS.map((t) => `- [ ] ${t}`).join('\n')}\n`,
    );
    git(docsWt, 'add', '--', rel);
    git(docsWt, 'commit', '-q', '-m', `checklist of SpecTask ${number}`);
    cli(CLI, seed, 'skip-planning', number);
    git(seed, 'push', '-q', 'origin', `${branch}:refs/heads/${branch}`);

    // A worker on another machine (its own clone) claims it and runs the fixture agent.
    const clone = cloneOf(server.url());
    const agentCmd = JSON.stringify([process.execPath, AGENT, '{prompt}', String(PAUSE_MS), marker]);
    const child = spawn(
      process.execPath,
      [CLI, 'worker', '--lease', '10', '--max-agents', '1', '--custom-command', agentCmd].concat([
        '--backend',
        'custom',
        '--no-sandbox',
        '--max-retries',
        '0',
      ]),
      // ELECTRON_RUN_AS_NODE: under @vscode/test-electron process.execPath is VS Code's Electron, run as Node.
      { cwd: clone, env: { ...GIT_ENV, SPECTASK_SANDBOX: 'off', ELECTRON_RUN_AS_NODE: '1' } },
    ) as ChildProcess & { output: () => string };
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.output = () => out;
    worker = child;
    const claimRef = `refs/spectask/claims/${number}`;
    const remoteTasks = () => remoteFile(bare, rel, branch);
    await eventually(
      () => remoteRef(bare, claimRef) && states(remoteTasks()).includes('~'),
      `the worker claims SpecTask ${number} and pushes its first tick`,
      90_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\nworker output:\n${out.slice(-3000)}`);
    });

    // This window shares the design-docs branch through the remote from now on: it claims what it starts, and
    // shows what workers hold.
    await cfg().update('pushToRemote', true, vscode.ConfigurationTarget.Global);
    const repo = await eventually<SpecTaskRepository | undefined>(
      () => api.services.repositories().find((r) => r.orchestrator.taskViews().some((t) => t.number === number)),
      `the window pulls SpecTask ${number}`,
      60_000,
    ).then((r) => r!);
    const id = repo.orchestrator.taskViews().find((t) => t.number === number)!.id;
    const cardOf = () => repo.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === id);
    const workerName = new RegExp(`on worker \\S+:${child.pid}\\b`);

    if (!driverAvailable()) {
      console.log(
        'the dashboard can only be read through the Playwright driver (code-server): stopping through spectask.task.stop',
      );
      await eventually(() => cardOf()?.phase === 'implementing', 'the window sees the run', 60_000);
      await stopThroughCommand(repo, id);
    } else {
      await vscode.commands.executeCommand('spectask.fleet.open');
      const card = `article.card:not(.compact-card)[data-task-id="${id}"]`;
      const text = await eventually<string>(
        async () => {
          const t = await readText(card);
          return workerName.test(t) ? t : '';
        },
        'the card names the worker',
        60_000,
      );
      assert.match(text, new RegExp(`#${number}`));
      assert.match(text, /Implementing/);
      // Live: the current item is the one the worker's agent is on, and it follows the worker's ticks. One read of
      // the card gives both its progress and its current item ("step 3": T3 is the item's id, not its text).
      const live = async () => {
        const t = await readText(card);
        return {
          text: t,
          current: Number(/Current item, (?:in progress|next):\s*step (\d+)/.exec(t)?.[1] ?? 0),
          done: Number(new RegExp(`(\\d+)/${ITEMS.length}`).exec(t)?.[1] ?? -1),
        };
      };
      let seen = '';
      const first = await eventually(async () => {
        const l = await live();
        seen = l.text;
        return l.current ? l : undefined;
      }, 'the card has a current item').catch((e) => {
        throw new Error(`${(e as Error).message}; the card says:\n${seen}`);
      });
      assert.equal(first!.done, first!.current - 1, `the items before the current one are done:\n${first!.text}`);
      assert.notEqual(states(remoteTasks())[first!.current - 1], ' ', 'the card is never ahead of the worker');
      const next = await eventually(
        async () => {
          const l = await live();
          return l.current > first!.current ? l : undefined;
        },
        `the card follows the worker past item ${first!.current}`,
        30_000,
      );
      assert.equal(next!.done, next!.current - 1, `the card's progress follows too:\n${next!.text}`);
      // Said once: the worker line, not again as a reason to wait (the window's scheduler skips it for that reason).
      assert.equal(next!.text.match(/worker \S+:\d+/g)?.length, 1, `the card names its worker once:\n${next!.text}`);
      await snap('remote-run-card', `${card} .card-worker`);

      const dispatched = new Promise<DispatchedFleetAction>((resolve) => {
        const sub = api.onDidDispatchFleetAction((a) => {
          sub.dispose();
          resolve(a);
        });
      });
      await click(`${card} vscode-button[data-action="stop"]`);
      assert.deepEqual(await dispatched, { taskId: id, action: 'stop', ok: true });
    }

    // The worker obeys at its next fetch: its agent stopped, the task stopped with a reason, the claim released.
    const record = () => JSON.parse(remoteFile(bare, rel.replace('tasks.md', 'spectask.json'), branch) || '{}');
    await eventually(
      () => record().status === 'implementation_stopped' && !remoteRef(bare, claimRef),
      'the task ends stopped on the remote and the claim is released',
      60_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}: ${record().status}\nworker output:\n${out.slice(-3000)}`);
    });
    assert.match(out, new RegExp(`stop requested for SpecTask ${number} by [^;]+\\(VS Code\\); stopping its agent`));
    assert.ok(record().history.at(-1)?.note, 'the stop carries a reason');
    assert.equal(remoteRef(bare, `refs/spectask/stops/${number}`), '', 'the obeyed stop request is deleted');
    await eventually(() => agents().length === 0, "the worker's agent is gone");
    assert.equal(child.exitCode, null, 'the worker itself goes on (it was asked to stop one run, not to quit)');
    assert.deepEqual(
      [...out.matchAll(/(?:claimed|took over) SpecTask (\d{6})/g)].map((m) => m[1]),
      [number],
      'the worker held this SpecTask only',
    );
    assert.ok(
      states(remoteTasks()).includes(' '),
      'items were left when the Stop arrived (else it came too late to test anything)',
    );

    // This window only watched: it never started an agent of its own on the worker's SpecTask.
    const runsHere = (await new RunLedger(repo.docs.repo.commonDir).runs()).filter((r) => r.taskId === id);
    assert.deepEqual(runsHere, [], 'the window ran the SpecTask a worker held');

    // The card follows: stopped, and no longer on a worker.
    await eventually(() => cardOf()?.phase === 'stopped', 'the window sees the run stopped', 30_000);
    if (driverAvailable()) {
      const card = `article.card:not(.compact-card)[data-task-id="${id}"]`;
      await eventually(async () => {
        const t = await readText(card);
        return /Stopped/.test(t) && !/on worker/.test(t);
      }, 'the dashboard shows it stopped');
      await snap('remote-run-stopped', card);
    }
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
});

/** Stop from the command palette's command with the SpecTask as its argument (the tree's Stop passes the same). */
async function stopThroughCommand(repo: SpecTaskRepository, taskId: string): Promise<void> {
  await vscode.commands.executeCommand('spectask.task.stop', { repoRoot: repo.root, taskId });
}
