import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import { startPhasedAnthropicFake, type PhaseVars } from '../e2e/fakes/phasedAnthropicFake';
import type { FakeServer, ScriptTurn } from '../e2e/fakes/fakeServer';
import { agentCli } from '../e2e/support/agentClis';
import { driverAvailable, eventually, readText, snap } from './driver';

// Issue 8's whole loop, inside the real VS Code: a sample project scaffolded by the extension's own code,
// two SpecTasks created through the Create command, planned by the REAL claude CLI (against a local fake
// model server), one revised after a review comment, both approved and implemented in parallel while the
// dashboard shows both cards, both merged, and the sample's own tests pass on the merged code.
describe('the whole loop in a real VS Code with the real claude CLI', function () {
  this.timeout(300_000);
  let fake: FakeServer;
  let scratch: string;
  let repoDir: string;
  const saved = {
    HOME: process.env.HOME,
    ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL,
    ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY,
  };
  const cfg = () => vscode.workspace.getConfiguration('spectask');
  const settings: [string, unknown][] = [
    ['agents.claudePath', ''],
    ['agents.planning.backend', 'claude-cli'],
    ['agents.implementation.backend', 'claude-cli'],
    ['agents.planning.model', 'fake-claude'],
    ['agents.implementation.model', 'fake-claude'],
    ['agents.permissionLevel', 'full'],
  ];

  const number = (v: PhaseVars) => /SpecTask #(\d{6})/.exec(v.prompt)?.[1] ?? '000000';
  const doc = (v: PhaseVars, f: string) => path.join(v.taskFolder, f);
  const plan = (v: PhaseVars): ScriptTurn[] => [
    { tool: { name: 'Read', input: { file_path: doc(v, 'requirements.md') } } },
    {
      tool: {
        name: 'Write',
        input: {
          file_path: doc(v, 'requirements.md'),
          content: `# Requirements: ${/"([^"]+)"/.exec(v.prompt)?.[1]}\n\n- WHEN the module is required THE SYSTEM SHALL export a function.\n\n## Open Questions\n\nNone.\n`,
        },
      },
    },
    { tool: { name: 'Read', input: { file_path: doc(v, 'design.md') } } },
    {
      tool: { name: 'Write', input: { file_path: doc(v, 'design.md'), content: '# Design: module\n\nOne module.\n' } },
    },
    { tool: { name: 'Read', input: { file_path: doc(v, 'tasks.md') } } },
    {
      tool: {
        name: 'Write',
        input: {
          file_path: doc(v, 'tasks.md'),
          content: '# Implementation Tasks: module\n\n- [ ] T1: write the module\n- [ ] T2: test it\n',
        },
      },
    },
    { text: 'The spec is written.' },
  ];
  const revise = (v: PhaseVars): ScriptTurn[] => [
    {
      tool: {
        name: 'Edit',
        input: {
          file_path: doc(v, 'design.md'),
          old_string: 'One module.',
          new_string: 'One module with its own test.',
        },
      },
    },
    { text: 'Revised.' },
  ];
  const implement = (v: PhaseVars): ScriptTurn[] => {
    const n = number(v);
    const name = `m${n}`;
    const tick = (id: string, from: string, to: string): ScriptTurn => ({
      tool: {
        name: 'Edit',
        input: { file_path: v.tasksFile, old_string: `- [${from}] ${id}:`, new_string: `- [${to}] ${id}:` },
      },
    });
    const pause: ScriptTurn = {
      tool: {
        name: 'Bash',
        input: { command: `node -e "setTimeout(() => {}, 1500)"`, description: 'wait for the build' },
      },
    };
    return [
      tick('T1', ' ', '~'),
      {
        tool: {
          name: 'Write',
          input: {
            file_path: path.join(v.worktree, 'src', `${name}.js`),
            content: `exports.${name} = () => '${n}';\n`,
          },
        },
      },
      pause,
      tick('T1', '~', 'x'),
      tick('T2', ' ', '~'),
      {
        tool: {
          name: 'Write',
          input: {
            file_path: path.join(v.worktree, 'test', `${name}.test.js`),
            content: `const { test } = require('node:test');\nconst assert = require('node:assert/strict');\ntest('${name} answers', () => assert.equal(require('../src/${name}.js').${name}(), '${n}'));\n`,
          },
        },
      },
      pause,
      tick('T2', '~', 'x'),
      { text: 'Both items are done (the orchestrator commits each item when it is ticked).' },
    ];
  };

  before(async () => {
    const bin = agentCli('claude'); // fails with how to install it when the pinned CLI is missing
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-loop-')));
    fs.writeFileSync(path.join(scratch, '.gitconfig'), '[user]\n\tname = Loop Test\n\temail = loop@example.invalid\n');
    fake = await startPhasedAnthropicFake(path.join(scratch, 'fake'), [
      { match: /You are the planning agent/, turns: plan },
      { match: /requested changes to the spec/, turns: revise },
      // Both implementation agents get their first answer together: the dashboard must show two working at once.
      { match: /You are the implementation agent/, turns: implement, barrier: 2 },
    ]);
    // The agents inherit these through the back-end's allow-list; HOME keeps the host's shell profile out.
    Object.assign(process.env, { HOME: scratch, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-loop-test' });
    settings[0][1] = bin;
    for (const [k, v] of settings) await cfg().update(k, v, vscode.ConfigurationTarget.Global);
    // The runner opened this suite on a fresh copy of samples/empty-project made into a git repository with
    // one commit — what "Create SpecTask in a sample project" does before it opens the folder.
    repoDir = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.ok(fs.existsSync(path.join(repoDir, 'sample.json')), 'the workspace is the empty-project sample');
  });
  after(async () => {
    for (const [k] of settings) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await fake?.close();
  });

  it('goes from a goal typed in VS Code to merged, tested code, with two SpecTasks in parallel', async () => {
    const api = await vscode.extensions.getExtension<SpecTaskApi>('spectask.spectask')!.activate();
    const uri = vscode.Uri.file(repoDir);
    await vscode.commands.executeCommand('spectask.designDocs.init', uri);
    const repo = (await eventually(
      () => api.services.repositories().find((r) => r.root === repoDir),
      'the sample repository is opened',
    ).catch((e) => {
      throw new Error(
        `${(e as Error).message}; open: ${api.services
          .repositories()
          .map((r) => r.root)
          .join(', ')}; folders: ${(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath).join(', ')}`,
      );
    })) as SpecTaskRepository;
    const o = repo.orchestrator;

    await vscode.commands.executeCommand(
      'spectask.task.create',
      { goal: 'Add a greeting module', start: 'plan', backend: 'claude-cli' },
      uri,
    );
    await vscode.commands.executeCommand(
      'spectask.task.create',
      { goal: 'Add a farewell module', start: 'plan', backend: 'claude-cli' },
      uri,
    );
    const ids = o
      .taskViews()
      .map((t) => t.id)
      .sort();
    assert.equal(ids.length, 2);
    const waitAll = async (status: string, what: string) => {
      for (
        const t0 = Date.now();
        !ids.every((id) => o.task(id)?.status === status);
        await new Promise((r) => setTimeout(r, 200))
      ) {
        const failed = ids.map((id) => o.task(id)).find((t) => t?.status.endsWith('failed'));
        if (failed) throw new Error(`${failed.number} failed: ${failed.error}`);
        if (Date.now() - t0 > 120_000)
          throw new Error(`${what}: ${ids.map((id) => `${id} ${o.task(id)?.status}`).join(', ')}`);
      }
    };
    await waitAll('spec_review', 'both specs reach review');
    assert.match(
      fs.readFileSync(path.join(o.task(ids[0])!.path, 'requirements.md'), 'utf8'),
      /WHEN the module is required/,
    );
    if (driverAvailable()) {
      await vscode.commands.executeCommand('spectask.tasks.focus');
      await snap('loop-1-specs-ready', '.pane-body [role=treeitem]:has-text("Spec review")');
    }

    // A review comment on the first spec goes back to the same agent session, which revises the design.
    await o.requestSpecChanges(ids[0], [
      { document: 'design.md', line: 3, quote: 'One module.', comment: 'Say that it gets its own test.' },
    ]);
    await waitAll('spec_review', 'the revised spec returns to review');
    assert.match(
      fs.readFileSync(path.join(o.task(ids[0])!.path, 'design.md'), 'utf8'),
      /One module with its own test\./,
    );
    assert.ok(
      fake.modelRequests().some((r) => /Say that it gets its own test\./.test(r.last ?? '')),
      'the comment reached the model',
    );

    for (const id of ids) await o.approve(id);
    await vscode.commands.executeCommand('spectask.fleet.open');
    // Both cards are live at once: two agents working, each on its own item.
    await eventually(
      () =>
        ids.every((id) => o.task(id)?.status === 'implementation') &&
        o
          .fleetSnapshot()
          .cards.filter(
            (c) => c.phase === 'implementing' && c.progress.done + (c.currentIndex !== undefined ? 1 : 0) > 0,
          ).length === 2,
      'both SpecTasks implement at once',
      120_000,
    );
    if (driverAvailable()) {
      const header = await readText('#fleet-title, .fleet-header h1', 20_000).catch(() => '');
      console.log(`dashboard header while both work: ${header.split('\n')[0]}`);
      await snap('loop-2-two-agents-live', '.card:has-text("greeting")');
    }
    await waitAll('implementation_review', 'both implementations reach review');
    for (const id of ids) {
      const r = await o.accept(id);
      assert.ok(r.sha, `#${id} merged`);
    }
    assert.ok(ids.every((id) => o.task(id)?.status === 'done'));
    if (driverAvailable()) {
      // The tree tells the same truth as the dashboard: both SpecTasks under Done, none left in Code review.
      await readText('.pane-body [role=treeitem]:has-text("Done"):has-text("2")', 20_000).catch(() =>
        assert.fail('the SpecTasks tree never showed both SpecTasks as Done'),
      );
      await snap('loop-3-done', '.card');
    }
    // The sample's own tests, plus the agents' new ones, pass on the merged code.
    const out = execFileSync(
      process.execPath,
      [
        '--test',
        '--test-reporter=tap',
        ...fs.readdirSync(path.join(repoDir, 'test')).map((f) => path.join(repoDir, 'test', f)),
      ],
      { cwd: repoDir, encoding: 'utf8' },
    );
    assert.match(out, /# pass 5/);
    assert.match(out, /# fail 0/);
  });
});
